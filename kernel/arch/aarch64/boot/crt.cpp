// The C++ runtime the freestanding kernel provides for itself: constructors (.init_array), the few
// ABI symbols GCC and clang emit calls to (the memory functions are in lib/memory_functions.cpp).
#include <cstddef>
#include <cstdint>

extern "C" {
using InitFunction = void (*)();
extern InitFunction __init_array_start[];
extern InitFunction __init_array_end[];

void kernel_main(std::uintptr_t dtb_address);

// Called by kernel/arch/aarch64/boot/start.S on core 0 at EL1 with a stack and a cleared BSS.
[[noreturn]] void boot_main(std::uintptr_t dtb_address) {
  for (InitFunction* f = __init_array_start; f != __init_array_end; ++f)
    (*f)();
  kernel_main(dtb_address);
  for (;;)
    asm volatile("wfe");
}

// Static destructors never run in a kernel that never returns: registering them is a no-op.
void* __dso_handle = nullptr;
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
[[noreturn]] void __cxa_pure_virtual() {
  for (;;)
    asm volatile("wfe");
}

// memcpy, memmove, memset, memcmp and strlen: lib/memory_functions.cpp (shared with user programs).
} // extern "C"

// The kernel never allocates with new; these exist because virtual destructors reference them.
void operator delete(void*) noexcept {}
void operator delete(void*, std::size_t) noexcept {}
