// Where things are in the kernel's virtual address space. The kernel half (TTBR1) holds a linear map:
// physical address p (RAM or MMIO) is at kKernelVirtualBase + p. The image is linked there too
// (kernel/arch/aarch64/boot/kernel.ld), so a kernel symbol's physical address is its address minus the base.
#pragma once

#include <cstdint>

namespace bramble::arch {

inline constexpr std::uintptr_t kKernelVirtualBase =
    0xFFFF'FF80'0000'0000; // = KERNEL_VBASE, kernel/arch/aarch64/boot/sysregs.h

template <typename T = void> [[nodiscard]] inline T* phys_to_virt(std::uint64_t phys) {
  return reinterpret_cast<T*>(static_cast<std::uintptr_t>(phys) + kKernelVirtualBase);
}
[[nodiscard]] constexpr std::uintptr_t phys_to_virt_address(std::uint64_t phys) {
  return static_cast<std::uintptr_t>(phys) + kKernelVirtualBase;
}
[[nodiscard]] inline std::uint64_t virt_to_phys(const void* virt) {
  return reinterpret_cast<std::uintptr_t>(virt) - kKernelVirtualBase;
}

} // namespace bramble::arch
