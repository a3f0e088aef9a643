// The user programs linked into the kernel image (cmake/UserPrograms.cmake,
// bramble_embed_user_programs()): each is a complete ELF executable in the kernel's .rodata, found by
// name and handed to parse_elf().
#pragma once

#include "lib/ktl.hpp"

namespace bramble::loader {

struct EmbeddedProgram {
  const char* name;
  const ktl::uint8_t* data;
  ktl::size_t size;
};

// The table is generated in assembly (one .quad per field), so its layout is pinned here.
static_assert(sizeof(EmbeddedProgram) == 24 && alignof(EmbeddedProgram) == 8);
static_assert(offsetof(EmbeddedProgram, data) == 8 && offsetof(EmbeddedProgram, size) == 16);

// Every embedded program, in the order given to bramble_embed_user_programs() (possibly none).
[[nodiscard]] std::span<const EmbeddedProgram> embedded_programs();

// The embedded program called `name`, or nullptr.
[[nodiscard]] const EmbeddedProgram* find_embedded_program(const char* name);

} // namespace bramble::loader
