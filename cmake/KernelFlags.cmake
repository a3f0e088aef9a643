# Compiler flags for everything that goes into the kernel image (docs/platform.md; measured with GCC 12
# and clang 14). They apply to every target defined after this file is included in a cross build.
set(BRAMBLE_KERNEL_CPU "cortex-a53" CACHE STRING "-mcpu for the kernel (cortex-a53 code also runs on the Pi 4's A72)")

set(_common
  -ffreestanding -fno-exceptions -fno-rtti -fno-threadsafe-statics
  -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-stack-protector
  -fno-pie -fno-pic -mgeneral-regs-only -mstrict-align -mcpu=${BRAMBLE_KERNEL_CPU}
  -ffunction-sections -fdata-sections -fno-common)
if(BRAMBLE_TOOLCHAIN STREQUAL "gcc")
  # Debian's cross GCC defaults to outline atomics (needs libgcc helpers); writes to the spin table at
  # addresses below 4 KiB would otherwise warn as null-page accesses.
  list(APPEND _common -mno-outline-atomics --param=min-pagesize=0)
else()
  # clang has no C++ library headers for aarch64-none-elf: use libstdc++'s header-only parts from
  # Debian's cross GCC (the approved list is in lib/ktl.hpp).
  file(GLOB _cxx_inc LIST_DIRECTORIES true /usr/aarch64-linux-gnu/include/c++/*)
  if(NOT _cxx_inc)
    message(FATAL_ERROR "clang kernel builds borrow libstdc++ headers from g++-aarch64-linux-gnu; install it")
  endif()
  list(GET _cxx_inc -1 _cxx_inc)
  # libstdc++'s configuration headers include a few of glibc's (features.h); they come from the same
  # cross package and define nothing the kernel links against.
  # g++ predefines _GNU_SOURCE, which those headers assume; clang does not.
  list(APPEND _common -isystem ${_cxx_inc} -isystem ${_cxx_inc}/aarch64-linux-gnu -isystem /usr/aarch64-linux-gnu/include
       -D_GNU_SOURCE)
endif()
string(JOIN " " _common_str ${_common})
set(CMAKE_C_FLAGS "${CMAKE_C_FLAGS} ${_common_str}")
set(CMAKE_CXX_FLAGS "${CMAKE_CXX_FLAGS} ${_common_str}")
set(CMAKE_ASM_FLAGS "${CMAKE_ASM_FLAGS} -mcpu=${BRAMBLE_KERNEL_CPU}")
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "" FORCE)
endif()
set(CMAKE_CXX_FLAGS_RELWITHDEBINFO "-O2 -g")
set(CMAKE_C_FLAGS_RELWITHDEBINFO "-O2 -g")
