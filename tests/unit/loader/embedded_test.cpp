// embedded_programs() / find_embedded_program() over a table shaped like the one
// bramble_embed_user_programs() generates (here written in C++ instead of assembly).
#include <doctest/doctest.h>

#include <string_view>

#include "kernel/loader/embedded.hpp"

namespace {
constexpr std::uint8_t kHello[] = {0x7f, 'E', 'L', 'F', 1};
constexpr std::uint8_t kWorld[] = {0x7f, 'E', 'L', 'F', 2, 3};
} // namespace

extern "C" {
extern const bramble::loader::EmbeddedProgram bramble_embedded_programs[];
extern const std::uint64_t bramble_embedded_program_count;
const bramble::loader::EmbeddedProgram bramble_embedded_programs[] = {
    {"hello", kHello, sizeof kHello},
    {"hello-world", kWorld, sizeof kWorld},
};
const std::uint64_t bramble_embedded_program_count = 2;
}

TEST_CASE("the embedded table is visible in order") {
  const auto programs = bramble::loader::embedded_programs();
  REQUIRE(programs.size() == 2);
  CHECK(std::string_view(programs[0].name) == "hello");
  CHECK(programs[1].size == sizeof kWorld);
}

TEST_CASE("programs are found by their exact name only") {
  using bramble::loader::find_embedded_program;
  const auto* hello = find_embedded_program("hello");
  REQUIRE(hello != nullptr);
  CHECK(hello->data == kHello);
  const auto* world = find_embedded_program("hello-world");
  REQUIRE(world != nullptr);
  CHECK(world->data[5] == 3);
  CHECK(find_embedded_program("hell") == nullptr);
  CHECK(find_embedded_program("hello-") == nullptr);
  CHECK(find_embedded_program("hello-world!") == nullptr);
  CHECK(find_embedded_program("") == nullptr);
}
