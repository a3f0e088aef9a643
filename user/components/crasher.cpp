// A component that crashes as soon as it starts, every time: a store to page 0, which is never mapped.
// The restart tests give it a restart policy and check that it uses its budget up and stays down.
#include <cstdint>

#include "user/channel/startup.hpp"
#include "user/runtime/print.hpp"

using namespace bramble;

int main(const void* startup) {
  const auto& s = *static_cast<const user::channel::Startup*>(startup);
  user::print("crasher %s: instance %llu crashes at start-up\n", s.name, static_cast<unsigned long long>(s.restarts));
  *reinterpret_cast<volatile std::uint64_t*>(std::uintptr_t{8}) = 1;
  return 0;
}
