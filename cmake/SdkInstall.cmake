# The SDK (docs/sdk.md): what `cmake --install build/<board> --prefix <prefix>` puts under <prefix> for
# components and systems built outside the tree. Install the rpi4 and the rpi3 builds into the same
# prefix for both boards: everything but the kernel is the same in both and simply written twice.
#
#   lib/cmake/Bramble/          BrambleConfig.cmake (find_package(Bramble)), its version file, the
#                               toolchain files and the cmake/*.cmake modules the tree builds with
#   lib/bramble/<board>-<toolchain>/
#                               the prebuilt kernel as an image link needs it: its objects
#                               (libbramble_kernel_objects.a, linked whole), its libraries and kernel.ld
#   share/bramble/source/       the EL0 side as sources (runtime, lib, typed syscalls, channel set-up,
#                               protocols, console and UART driver, the broker and the root task), the
#                               boards' device lists and the system tool, compiled by the user's build
#                               with the same functions (cmake/SystemImage.cmake)
#   include/bramble/ipc/        the IPC headers and the BrambleIpc package (ipc/CMakeLists.txt)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(_sdk_cmake ${CMAKE_INSTALL_LIBDIR}/cmake/Bramble)
set(_sdk_kernel ${CMAKE_INSTALL_LIBDIR}/bramble/${BRAMBLE_BOARD}-${BRAMBLE_TOOLCHAIN})
set(_sdk_source ${CMAKE_INSTALL_DATADIR}/bramble/source)

# The kernel without test scenarios, as kernel8.img links it (top-level CMakeLists.txt): the object
# libraries (reached by name from assembly or the linker script, so linked whole) in one archive, then
# the libraries as they are.
add_library(bramble_kernel_objects STATIC
  $<TARGET_OBJECTS:bramble_boot> $<TARGET_OBJECTS:bramble_arch> $<TARGET_OBJECTS:bramble_kernel>
  $<TARGET_OBJECTS:bramble_kernel_no_scenarios>)
set_target_properties(bramble_kernel_objects PROPERTIES LINKER_LANGUAGE CXX)
set(_sdk_kernel_libs bramble_loader bramble_mm bramble_fdt bramble_cap bramble_kernel_core bramble_lib)
set(_sdk_archives $<TARGET_FILE:bramble_kernel_objects>)
set(_sdk_archive_names libbramble_kernel_objects.a)
foreach(_lib IN LISTS _sdk_kernel_libs)
  list(APPEND _sdk_archives $<TARGET_FILE:${_lib}>)
  list(APPEND _sdk_archive_names lib${_lib}.a)
endforeach()
install(FILES ${_sdk_archives} ${PROJECT_SOURCE_DIR}/kernel/arch/aarch64/boot/kernel.ld
  DESTINATION ${_sdk_kernel} COMPONENT sdk)
list(JOIN _sdk_archive_names " " _sdk_archive_text)
file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/generated/sdk/kernel.cmake CONTENT
  "# The ${BRAMBLE_BOARD} kernel built with ${BRAMBLE_TOOLCHAIN} (Bramble ${PROJECT_VERSION}), for BrambleConfig.cmake.\nset(BRAMBLE_SDK_KERNEL_ARCHIVES ${_sdk_archive_text})\n")
install(FILES ${CMAKE_BINARY_DIR}/generated/sdk/kernel.cmake DESTINATION ${_sdk_kernel} COMPONENT sdk)

# The EL0 side as sources, at the paths they have in the tree (the include root).
foreach(_dir user/runtime user/lib user/channel user/protocol user/console broker broker/root lib kernel/abi drivers)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${_dir}/ DESTINATION ${_sdk_source}/${_dir} COMPONENT sdk
    FILES_MATCHING PATTERN "*.hpp" PATTERN "*.cpp" PATTERN "*.S" PATTERN "*.ld"
    PATTERN "CMakeLists.txt" EXCLUDE PATTERN "bench" EXCLUDE PATTERN "root" EXCLUDE)
endforeach()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/broker/root/ DESTINATION ${_sdk_source}/broker/root COMPONENT sdk
  FILES_MATCHING PATTERN "*.hpp" PATTERN "*.cpp")
foreach(_board rpi4 rpi3)
  install(FILES ${PROJECT_SOURCE_DIR}/board/${_board}/board.hpp DESTINATION ${_sdk_source}/board/${_board}
    COMPONENT sdk)
endforeach()
install(PROGRAMS ${PROJECT_SOURCE_DIR}/tools/system/bramble_system.py DESTINATION ${_sdk_source}/tools/system
  COMPONENT sdk)
# bin/bramble-system: the tool, for checking a description or drawing it (--dot) by hand.
file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/generated/sdk/bramble-system @ONLY CONTENT [=[#!/bin/sh
# The Bramble system-description tool (docs/system-description.md), installed with the SDK.
exec python3 "$(dirname "$0")/../@_sdk_source@/tools/system/bramble_system.py" "$@"
]=])
install(PROGRAMS ${CMAKE_BINARY_DIR}/generated/sdk/bramble-system DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT sdk)

# The package: the config, the modules the tree uses, the toolchain files.
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/BrambleConfig.cmake.in
  ${CMAKE_BINARY_DIR}/generated/sdk/BrambleConfig.cmake INSTALL_DESTINATION ${_sdk_cmake}
  PATH_VARS _sdk_source)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/generated/sdk/BrambleConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES ${CMAKE_BINARY_DIR}/generated/sdk/BrambleConfig.cmake
              ${CMAKE_BINARY_DIR}/generated/sdk/BrambleConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/Warnings.cmake ${PROJECT_SOURCE_DIR}/cmake/KernelFlags.cmake
              ${PROJECT_SOURCE_DIR}/cmake/UserPrograms.cmake ${PROJECT_SOURCE_DIR}/cmake/KernelImage.cmake
              ${PROJECT_SOURCE_DIR}/cmake/SystemDescription.cmake ${PROJECT_SOURCE_DIR}/cmake/SystemImage.cmake
              ${PROJECT_SOURCE_DIR}/cmake/toolchain-aarch64-gcc.cmake
              ${PROJECT_SOURCE_DIR}/cmake/toolchain-aarch64-clang.cmake
  DESTINATION ${_sdk_cmake} COMPONENT sdk)
