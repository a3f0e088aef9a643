# The kernel image for BRAMBLE_BOARD: kernel.elf, and kernel8.img (the ELF stripped to a raw binary,
# which is what the Pi firmware, U-Boot `booti` and QEMU -kernel load at 0x80000).
add_executable(kernel)
set_target_properties(kernel PROPERTIES OUTPUT_NAME kernel.elf SUFFIX "")
target_include_directories(kernel PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(kernel PRIVATE bramble_board bramble_kernel_core bramble_mm bramble_fdt bramble_cap bramble_loader
  bramble_warnings)
# Assembly is not C++: drop the C++-only warnings there.
target_compile_options(kernel PRIVATE $<$<COMPILE_LANGUAGE:ASM>:-Wno-pedantic>)

add_subdirectory(${PROJECT_SOURCE_DIR}/boot ${CMAKE_BINARY_DIR}/boot)
target_sources(kernel PRIVATE
  ${PROJECT_SOURCE_DIR}/kernel/main.cpp
  ${PROJECT_SOURCE_DIR}/kernel/log.cpp
  ${PROJECT_SOURCE_DIR}/kernel/panic.cpp
  ${PROJECT_SOURCE_DIR}/kernel/console.cpp
  ${PROJECT_SOURCE_DIR}/kernel/irq.cpp
  ${PROJECT_SOURCE_DIR}/kernel/timer.cpp
  ${PROJECT_SOURCE_DIR}/kernel/cmdline.cpp
  ${PROJECT_SOURCE_DIR}/kernel/halt.cpp
  ${PROJECT_SOURCE_DIR}/kernel/test/scenarios.cpp
  ${PROJECT_SOURCE_DIR}/kernel/test/mm_scenarios.cpp
  ${PROJECT_SOURCE_DIR}/kernel/mem/memory.cpp
  ${PROJECT_SOURCE_DIR}/kernel/object/records.cpp
  ${PROJECT_SOURCE_DIR}/kernel/object/quota.cpp
  ${PROJECT_SOURCE_DIR}/kernel/object/frame.cpp
  ${PROJECT_SOURCE_DIR}/kernel/object/notification.cpp
  ${PROJECT_SOURCE_DIR}/kernel/object/registry.cpp
  ${PROJECT_SOURCE_DIR}/kernel/object/device.cpp
  ${PROJECT_SOURCE_DIR}/kernel/task/task.cpp
  ${PROJECT_SOURCE_DIR}/kernel/task/scheduler.cpp
  ${PROJECT_SOURCE_DIR}/kernel/task/root.cpp
  ${PROJECT_SOURCE_DIR}/kernel/task/context.S
  ${PROJECT_SOURCE_DIR}/kernel/syscall/syscall.cpp
  ${PROJECT_SOURCE_DIR}/kernel/arch/aarch64/mmu_switch.S
  ${PROJECT_SOURCE_DIR}/kernel/arch/aarch64/uaccess.S
  ${PROJECT_SOURCE_DIR}/kernel/arch/aarch64/vectors.S
  ${PROJECT_SOURCE_DIR}/kernel/arch/aarch64/exceptions.cpp
  ${PROJECT_SOURCE_DIR}/kernel/arch/aarch64/semihosting.cpp
  ${PROJECT_SOURCE_DIR}/kernel/arch/aarch64/pmu.cpp
  ${PROJECT_SOURCE_DIR}/kernel/arch/aarch64/semihosting_trap.S)

set(_ld ${PROJECT_SOURCE_DIR}/boot/kernel.ld)
target_link_options(kernel PRIVATE -nostdlib -static -T ${_ld} -Wl,--build-id=none -Wl,-z,max-page-size=4096
  -Wl,--gc-sections -Wl,-Map=${CMAKE_BINARY_DIR}/kernel.map)
if(BRAMBLE_TOOLCHAIN STREQUAL "gcc")
  target_link_options(kernel PRIVATE -Wl,--no-warn-rwx-segments)
  target_link_libraries(kernel PRIVATE gcc)
else()
  target_link_options(kernel PRIVATE -fuse-ld=lld)
endif()
set_target_properties(kernel PROPERTIES LINK_DEPENDS ${_ld})

add_custom_command(TARGET kernel POST_BUILD
  COMMAND ${CMAKE_OBJCOPY} -O binary $<TARGET_FILE:kernel> ${CMAKE_BINARY_DIR}/kernel8.img
  BYPRODUCTS ${CMAKE_BINARY_DIR}/kernel8.img
  COMMENT "kernel8.img for ${BRAMBLE_BOARD}")
