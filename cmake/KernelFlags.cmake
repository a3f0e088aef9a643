# Compiler and linker flags for freestanding AArch64 code: the kernel, the user programs, and the test
# executables tests/unit/loader links by hand. One definition, read through these functions:
#
#   bramble_freestanding_flags(<var> TOOLCHAIN gcc|clang [CPU <cpu>] [USER])
#       The compile flags. USER leaves out -mgeneral-regs-only: user code may use FP/SIMD (the kernel
#       saves that state per task); the kernel must not touch those registers.
#   bramble_runtime_function_flags(<var> TOOLCHAIN gcc|clang)
#       For the files that define memcpy, memset and the like: the compiler must not turn their loops
#       back into calls to themselves.
#   bramble_freestanding_link_flags(<var> LINKER_SCRIPT <file>)
#       A static image laid out by the script: no build-id note, 4 KiB pages so segments can be
#       4 KiB-aligned in the file as well as in memory, unused sections dropped.
#   bramble_apply_kernel_flags()
#       In a cross build: makes the kernel's compile flags the default of every target defined after
#       it (user directories take -mgeneral-regs-only out again, cmake/UserPrograms.cmake).
set(BRAMBLE_KERNEL_CPU "cortex-a53" CACHE STRING "-mcpu for the kernel (cortex-a53 code also runs on the Pi 4's A72)")

function(bramble_freestanding_flags var)
  cmake_parse_arguments(ARG "USER" "TOOLCHAIN;CPU" "" ${ARGN})
  if(NOT ARG_CPU)
    set(ARG_CPU ${BRAMBLE_KERNEL_CPU})
  endif()
  set(flags
    -ffreestanding -fno-exceptions -fno-rtti -fno-threadsafe-statics
    -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-stack-protector
    -fno-pie -fno-pic -mstrict-align -mcpu=${ARG_CPU}
    -ffunction-sections -fdata-sections -fno-common)
  if(NOT ARG_USER)
    list(APPEND flags -mgeneral-regs-only)
  endif()
  if(ARG_TOOLCHAIN STREQUAL "gcc")
    # Debian's cross GCC defaults to outline atomics (needs libgcc helpers); writes to the spin table at
    # addresses below 4 KiB would otherwise warn as null-page accesses.
    list(APPEND flags -mno-outline-atomics --param=min-pagesize=0)
  elseif(ARG_TOOLCHAIN STREQUAL "clang")
    # clang has no C++ library headers for aarch64-none-elf: use libstdc++'s header-only parts from
    # Debian's cross GCC (the approved list is in lib/ktl.hpp).
    file(GLOB cxx_inc LIST_DIRECTORIES true /usr/aarch64-linux-gnu/include/c++/*)
    if(NOT cxx_inc)
      message(FATAL_ERROR "clang freestanding builds borrow libstdc++ headers from g++-aarch64-linux-gnu; install it")
    endif()
    list(GET cxx_inc -1 cxx_inc)
    # libstdc++'s configuration headers include a few of glibc's (features.h); they come from the same
    # cross package and define nothing the kernel links against.
    # g++ predefines _GNU_SOURCE, which those headers assume; clang does not.
    list(APPEND flags -isystem ${cxx_inc} -isystem ${cxx_inc}/aarch64-linux-gnu -isystem /usr/aarch64-linux-gnu/include
         -D_GNU_SOURCE)
  else()
    message(FATAL_ERROR "bramble_freestanding_flags: TOOLCHAIN must be gcc or clang, not '${ARG_TOOLCHAIN}'")
  endif()
  set(${var} ${flags} PARENT_SCOPE)
endfunction()

function(bramble_runtime_function_flags var)
  cmake_parse_arguments(ARG "" "TOOLCHAIN" "" ${ARGN})
  set(flags -fno-builtin)
  if(ARG_TOOLCHAIN STREQUAL "gcc")
    list(APPEND flags -fno-tree-loop-distribute-patterns)
  endif()
  set(${var} ${flags} PARENT_SCOPE)
endfunction()

function(bramble_freestanding_link_flags var)
  cmake_parse_arguments(ARG "" "LINKER_SCRIPT" "" ${ARGN})
  set(${var} -nostdlib -static -T ${ARG_LINKER_SCRIPT} -Wl,--build-id=none -Wl,-z,max-page-size=4096
      -Wl,--gc-sections PARENT_SCOPE)
endfunction()

macro(bramble_apply_kernel_flags)
  bramble_freestanding_flags(_bramble_kernel_flags TOOLCHAIN ${BRAMBLE_TOOLCHAIN})
  string(JOIN " " _bramble_kernel_flags ${_bramble_kernel_flags})
  set(CMAKE_C_FLAGS "${CMAKE_C_FLAGS} ${_bramble_kernel_flags}")
  set(CMAKE_CXX_FLAGS "${CMAKE_CXX_FLAGS} ${_bramble_kernel_flags}")
  set(CMAKE_ASM_FLAGS "${CMAKE_ASM_FLAGS} -mcpu=${BRAMBLE_KERNEL_CPU}")
  if(NOT CMAKE_BUILD_TYPE)
    set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "" FORCE)
  endif()
  set(CMAKE_CXX_FLAGS_RELWITHDEBINFO "-O2 -g")
  set(CMAKE_C_FLAGS_RELWITHDEBINFO "-O2 -g")
  # The runtime-function flags for this toolchain, for targets to set on the files that need them.
  bramble_runtime_function_flags(BRAMBLE_RUNTIME_FUNCTION_FLAGS TOOLCHAIN ${BRAMBLE_TOOLCHAIN})
endmacro()
