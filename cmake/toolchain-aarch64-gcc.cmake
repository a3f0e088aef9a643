# Cross toolchain for the kernel: Arm's aarch64-none-elf- when it is on PATH, otherwise Debian's
# aarch64-linux-gnu- cross GCC (package g++-aarch64-linux-gnu).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

find_program(BRAMBLE_NONE_ELF_GXX aarch64-none-elf-g++)
if(BRAMBLE_NONE_ELF_GXX)
  set(_prefix aarch64-none-elf-)
else()
  find_program(BRAMBLE_LINUX_GNU_GXX aarch64-linux-gnu-g++)
  if(NOT BRAMBLE_LINUX_GNU_GXX)
    message(FATAL_ERROR "No AArch64 cross compiler: install g++-aarch64-linux-gnu (tools/install-deps.sh) "
                        "or put Arm's aarch64-none-elf- toolchain on PATH, or use the *-clang presets")
  endif()
  set(_prefix aarch64-linux-gnu-)
endif()

set(CMAKE_C_COMPILER ${_prefix}gcc)
set(CMAKE_CXX_COMPILER ${_prefix}g++)
set(CMAKE_ASM_COMPILER ${_prefix}gcc)
set(CMAKE_OBJCOPY ${_prefix}objcopy CACHE FILEPATH "")
set(CMAKE_AR ${_prefix}ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${_prefix}ranlib CACHE FILEPATH "")
set(BRAMBLE_TOOLCHAIN gcc CACHE INTERNAL "")

# A freestanding image: do not try to link a hosted program when probing the compiler.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
