# bramble_kernel_image(<target> IMAGE <file> LIBS <targets...> [PROGRAMS <names...>])
#   A bootable kernel: <target> links the libraries into <target's OUTPUT_NAME>.elf (boot/'s linker
#   script comes with bramble_boot), embeds the named user programs (bramble_embed_user_programs), and
#   writes <build>/<file>, the ELF stripped to a raw binary: what the Pi firmware, U-Boot `booti` and
#   QEMU -kernel load at 0x80000. The target's own name is also the ELF's: <target>.elf.
function(bramble_kernel_image target)
  cmake_parse_arguments(ARG "" "IMAGE" "LIBS;PROGRAMS" ${ARGN})
  if(NOT ARG_IMAGE)
    message(FATAL_ERROR "bramble_kernel_image(${target}): IMAGE <file> is required")
  endif()
  add_executable(${target})
  # Linked by the C++ driver even when its only own source is the programs' assembly (an SDK image).
  set_target_properties(${target} PROPERTIES OUTPUT_NAME ${target}.elf SUFFIX "" LINKER_LANGUAGE CXX)
  target_link_libraries(${target} PRIVATE ${ARG_LIBS} bramble_warnings)
  target_link_options(${target} PRIVATE -Wl,-Map=${CMAKE_BINARY_DIR}/${target}.map)
  if(BRAMBLE_TOOLCHAIN STREQUAL "gcc")
    target_link_libraries(${target} PRIVATE gcc)
  else()
    target_link_options(${target} PRIVATE -fuse-ld=lld)
  endif()
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_OBJCOPY} -O binary $<TARGET_FILE:${target}> ${CMAKE_BINARY_DIR}/${ARG_IMAGE}
    BYPRODUCTS ${CMAKE_BINARY_DIR}/${ARG_IMAGE}
    COMMENT "${ARG_IMAGE} for ${BRAMBLE_BOARD}")
  bramble_embed_user_programs(${target} ${ARG_PROGRAMS})
endfunction()
