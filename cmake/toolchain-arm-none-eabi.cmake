# Cross toolchain for Cortex-M firmware (firmware/): Debian's or Arm's arm-none-eabi- GCC
# (package gcc-arm-none-eabi, installed by tools/install-deps.sh). The CPU flags (-mcpu=...) belong to
# each target, so one configure builds images for several cores.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

find_program(BRAMBLE_ARM_NONE_EABI_GXX arm-none-eabi-g++)
if(NOT BRAMBLE_ARM_NONE_EABI_GXX)
  message(FATAL_ERROR "No arm-none-eabi-g++: install gcc-arm-none-eabi and libstdc++-arm-none-eabi-newlib "
                      "(tools/install-deps.sh) or put Arm's GNU toolchain on PATH")
endif()
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_OBJCOPY arm-none-eabi-objcopy CACHE FILEPATH "")
set(CMAKE_SIZE arm-none-eabi-size CACHE FILEPATH "")
set(CMAKE_NM arm-none-eabi-nm CACHE FILEPATH "")

# A freestanding image: do not try to link a hosted program when probing the compiler.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
