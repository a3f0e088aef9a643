// Accesses that may fault (user memory, probes); see uaccess.S. The kernel never dereferences a user
// pointer directly: it copies through these, which turn a fault into a short count.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {
std::size_t copy_from_user(void* dst, const void* user_src, std::size_t n);
std::size_t copy_to_user(void* user_dst, const void* src, std::size_t n);
int probe_read_u64(const void* address, std::uint64_t* value);
int probe_write_u64(void* address, std::uint64_t value);
}

namespace bramble::arch {

// If `elr` is an instruction listed in the exception table, its fixup address; else 0.
[[nodiscard]] std::uintptr_t exception_fixup(std::uintptr_t elr);

} // namespace bramble::arch
