# The pieces of a bootable system, shared by the tree and the installed SDK (lib/cmake/Bramble,
# docs/sdk.md): both define their targets with these functions, so a component built out of the tree
# gets exactly the runtime, root task and image link the tree's own get. BRAMBLE_SOURCE_ROOT is where
# the sources are: the repository, or the SDK's copy (<prefix>/share/bramble/source).
#
#   bramble_add_lib()                 bramble_lib: format, Result, the memory functions (lib/)
#   bramble_add_user_runtime()        bramble_user_runtime: crt0, print, the runtime every EL0 program links
#   bramble_add_broker_library()      bramble_broker: the ChannelBroker (policy, audit, setup, teardown)
#   bramble_add_console_programs()    the UART driver and the console component (user/console)
#   bramble_add_root_common(<variant> DESCRIPTION <file.toml> [BOARD <board>])
#       bramble_root_common_<variant>: the root task's shared sources (broker/root) compiled against the
#       tables generated from the description (generated/system_description.hpp).
#   bramble_add_production_root(<program> VARIANT <variant> DESCRIPTION <file.toml> [BOARD <board>]
#                               [EMBED_AS <name>])
#       The production root task for one description: the system run, then the console if it has one.
#   bramble_system_image(<target> IMAGE <file> SYSTEM <file.toml> ROOT <root program> LIBS <kernel...>
#                        [BOARD <board>])
#       A kernel image carrying the root program and exactly the programs the description names
#       (checked against the programs defined so far: define every component first).

function(bramble_add_lib)
  set(src ${BRAMBLE_SOURCE_ROOT}/lib)
  add_library(bramble_lib STATIC ${src}/format.cpp)
  target_include_directories(bramble_lib PUBLIC ${BRAMBLE_SOURCE_ROOT})
  target_link_libraries(bramble_lib PRIVATE bramble_warnings)
  if(CMAKE_CROSSCOMPILING)
    target_sources(bramble_lib PRIVATE ${src}/memory_functions.cpp)
    # The memory functions must not be compiled into calls to themselves.
    target_compile_options(bramble_lib PRIVATE ${BRAMBLE_RUNTIME_FUNCTION_FLAGS})
  endif()
endfunction()

function(bramble_add_user_runtime)
  set(src ${BRAMBLE_SOURCE_ROOT}/user/runtime)
  # An OBJECT library, not an archive: crt0's _start is only reached through ENTRY(), which does not
  # pull members out of an archive, and --gc-sections drops whatever a program does not use anyway.
  add_library(bramble_user_runtime OBJECT ${src}/crt0.S ${src}/runtime.cpp ${src}/print.cpp)
  target_include_directories(bramble_user_runtime PUBLIC ${BRAMBLE_SOURCE_ROOT})
  target_link_libraries(bramble_user_runtime PUBLIC bramble_lib PRIVATE bramble_warnings)
  target_compile_options(bramble_user_runtime PRIVATE $<$<COMPILE_LANGUAGE:ASM>:-Wno-pedantic>)
  # runtime.cpp must not be compiled into calls to the functions it defines.
  set_source_files_properties(${src}/runtime.cpp PROPERTIES COMPILE_OPTIONS "${BRAMBLE_RUNTIME_FUNCTION_FLAGS}")
endfunction()

function(bramble_add_broker_library)
  set(src ${BRAMBLE_SOURCE_ROOT}/broker)
  add_library(bramble_broker STATIC ${src}/policy.cpp ${src}/audit.cpp ${src}/channel_broker.cpp)
  target_include_directories(bramble_broker PUBLIC ${BRAMBLE_SOURCE_ROOT})
  target_link_libraries(bramble_broker PUBLIC bramble::ipc bramble_lib PRIVATE bramble_warnings)
endfunction()

function(bramble_add_console_programs)
  set(src ${BRAMBLE_SOURCE_ROOT}/user/console)
  bramble_user_program(uart_driver SOURCES ${src}/uart_driver.cpp LIBS bramble::ipc ${ARGN})
  bramble_user_program(console SOURCES ${src}/console.cpp LIBS bramble::ipc)
endfunction()

function(bramble_add_root_common variant)
  cmake_parse_arguments(ARG "" "DESCRIPTION;BOARD" "" ${ARGN})
  set(src ${BRAMBLE_SOURCE_ROOT}/broker/root)
  add_library(bramble_root_common_${variant} OBJECT
    ${src}/main.cpp ${src}/components.cpp ${src}/scenarios.cpp ${src}/report.cpp ${src}/console.cpp
    ${src}/console_commands.cpp)
  target_link_libraries(bramble_root_common_${variant} PUBLIC bramble_broker bramble_user_runtime
    PRIVATE bramble_warnings)
  set(board "")
  if(ARG_BOARD)
    set(board BOARD ${ARG_BOARD})
  endif()
  bramble_system_header(bramble_root_common_${variant} DESCRIPTION ${ARG_DESCRIPTION} VARIANT ${variant}
    ${board} CHECK_PROGRAMS)
endfunction()

function(bramble_add_production_root program)
  cmake_parse_arguments(ARG "" "VARIANT;DESCRIPTION;BOARD;EMBED_AS" "" ${ARGN})
  set(board "")
  if(ARG_BOARD)
    set(board BOARD ${ARG_BOARD})
  endif()
  bramble_add_root_common(${ARG_VARIANT} DESCRIPTION ${ARG_DESCRIPTION} ${board})
  set(embed "")
  if(ARG_EMBED_AS)
    set(embed EMBED_AS ${ARG_EMBED_AS})
  endif()
  bramble_user_program(${program} ${embed} SOURCES ${BRAMBLE_SOURCE_ROOT}/broker/root/production.cpp
    LIBS bramble_root_common_${ARG_VARIANT} bramble_broker)
endfunction()

function(bramble_system_image target)
  cmake_parse_arguments(ARG "" "IMAGE;SYSTEM;ROOT;BOARD" "LIBS" ${ARGN})
  set(board "")
  if(ARG_BOARD)
    set(board BOARD ${ARG_BOARD})
  endif()
  # The root task is "root" in every image, whether or not the description names it as a party of
  # channels (the console's requests).
  bramble_system_programs(programs DESCRIPTION ${ARG_SYSTEM} ${board})
  list(REMOVE_ITEM programs root)
  bramble_kernel_image(${target} IMAGE ${ARG_IMAGE} LIBS ${ARG_LIBS} PROGRAMS ${ARG_ROOT} ${programs})
endfunction()
