// The C++ runtime a freestanding user program needs: the few ABI symbols GCC and clang reference and
// the exit path crt0.S takes after main (the memory functions are lib/memory_functions.cpp, shared
// with the kernel).
#include <cstddef>
#include <cstdint>

#include "user/runtime/syscall.hpp"

// Every program defines this; `startup` is the task's read-only startup page, passed through as is.
int main(const void* startup);

extern "C" {

// Called by crt0.S once .bss is clear and the constructors have run. main's result is
// sign-extended, so -1 reaches the kernel as -1.
[[noreturn]] void bramble_user_main(const void* startup) { bramble::user::task_exit(main(startup)); }

// Static destructors never run: a task ends with task_exit and the kernel reclaims everything, so
// registering them is a no-op (the Itanium C++ ABI 3.3.5.3 lets __cxa_atexit succeed without acting).
void* __dso_handle = nullptr;
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
[[noreturn]] void __cxa_pure_virtual() { bramble::user::task_exit(-1); }

} // extern "C"

// User programs have no heap yet; these exist because virtual destructors reference them.
void operator delete(void*) noexcept {}
void operator delete(void*, std::size_t) noexcept {}
