# firmware.link.<target>: compiles link_all_paths.cpp for one target, then
#   1. fails if the object calls any __atomic_* / __sync_* function (nm: undefined references),
#   2. links it without a C library (-nostdlib, libgcc only) and fails if the link fails or the image
#      holds any __atomic_* / __sync_* symbol (nm: a helper pulled in from libgcc),
#   3. fails unless the image contains the target's full barrier (BARRIER regex over objdump -d): the
#      notify-on-need fence must be a real instruction, not a call or nothing.
# With -DEXPECT_FORBIDDEN=ON the same source is built with an injected read-modify-write atomic and the
# check must find it (proves the check can fail).
# Arguments: CXX, FLAGS (;-list), NM, OBJDUMP, SOURCE, SUPPORT (the C-library functions it needs, the
# firmware's own firmware/common/memory.cpp), INCLUDES (;-list), OUT, BARRIER, EXPECT_FORBIDDEN.
set(_flags ${FLAGS} -std=c++20 -O2 -ffreestanding -fno-exceptions -fno-rtti -Wall -Wextra -Werror)
foreach(dir IN LISTS INCLUDES)
  list(APPEND _flags -I${dir})
endforeach()
if(EXPECT_FORBIDDEN)
  list(APPEND _flags -DBRAMBLE_LINK_TEST_INJECT_ATOMIC)
endif()
set(_forbidden "__atomic_[a-z_0-9]*|__sync_[a-z_0-9]*")

execute_process(COMMAND ${CXX} ${_flags} -c ${SOURCE} -o ${OUT}.o RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "compile failed")
endif()
execute_process(COMMAND ${CXX} ${_flags} -c ${SUPPORT} -o ${OUT}.support.o RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "compile of ${SUPPORT} failed")
endif()
execute_process(COMMAND ${NM} -u ${OUT}.o OUTPUT_VARIABLE undefined RESULT_VARIABLE rc)
string(REGEX MATCHALL "${_forbidden}" calls "${undefined}")

execute_process(COMMAND ${CXX} ${_flags} -nostdlib -nostartfiles -static -Wl,-e,_start ${OUT}.o ${OUT}.support.o -lgcc -o ${OUT}.elf
                RESULT_VARIABLE link_rc)
set(helpers "")
if(link_rc EQUAL 0)
  execute_process(COMMAND ${NM} ${OUT}.elf OUTPUT_VARIABLE symbols)
  string(REGEX MATCHALL "${_forbidden}" helpers "${symbols}")
endif()

if(EXPECT_FORBIDDEN)
  if(calls OR helpers)
    message(STATUS "detected as it must be: ${calls} ${helpers}")
    return()
  endif()
  message(FATAL_ERROR "the injected atomic was not detected: the check cannot fail")
endif()
if(calls)
  message(FATAL_ERROR "the ring calls library atomics: ${calls}")
endif()
if(NOT link_rc EQUAL 0)
  message(FATAL_ERROR "link without a C library failed")
endif()
if(helpers)
  message(FATAL_ERROR "the image holds library atomics: ${helpers}")
endif()
execute_process(COMMAND ${OBJDUMP} -d ${OUT}.elf OUTPUT_VARIABLE disassembly)
string(REGEX MATCHALL "${BARRIER}" barriers "${disassembly}")
list(LENGTH barriers count)
if(count EQUAL 0)
  message(FATAL_ERROR "no full barrier (${BARRIER}) in the image")
endif()
file(SIZE ${OUT}.elf bytes)
message(STATUS "no __atomic_*/__sync_* reference; ${count} full barriers (${BARRIER}); image ${bytes} bytes")
