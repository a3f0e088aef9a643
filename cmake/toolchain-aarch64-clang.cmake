# Cross toolchain for the kernel with clang and lld (both preinstalled on Debian 12 as clang-14).
# clang has no C++ library headers for aarch64-none-elf: borrow libstdc++'s freestanding-safe headers
# from Debian's cross GCC when it is installed (Kernel.cmake adds them).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER clang)
set(CMAKE_CXX_COMPILER clang++)
set(CMAKE_ASM_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET aarch64-none-elf)
set(CMAKE_CXX_COMPILER_TARGET aarch64-none-elf)
set(CMAKE_ASM_COMPILER_TARGET aarch64-none-elf)
find_program(BRAMBLE_LLVM_OBJCOPY NAMES llvm-objcopy llvm-objcopy-14 REQUIRED)
set(CMAKE_OBJCOPY ${BRAMBLE_LLVM_OBJCOPY} CACHE FILEPATH "")
set(BRAMBLE_TOOLCHAIN clang CACHE INTERNAL "")

set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
