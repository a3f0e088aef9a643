# Build glue for system descriptions (systems/*.toml, docs/system-description.md).
# tools/system/bramble_system.py checks a description and generates from it; this file runs it twice.
# Shared by the tree and the installed SDK: BRAMBLE_SOURCE_ROOT is the repository or the SDK's copy of
# the sources (cmake/SystemImage.cmake).
#
#   bramble_system_header(<target> DESCRIPTION <file.toml> VARIANT <name> [BOARD <board>] [CHECK_PROGRAMS])
#       At build time: generates <build>/generated/system/<name>/generated/system_description.hpp (the
#       constexpr component and channel tables the root task compiles) before <target> compiles, and
#       again whenever the description, the tool or the board's device list changes. <target> and
#       whatever links it find the header as "generated/system_description.hpp". BOARD (default
#       BRAMBLE_BOARD) checks the devices; CHECK_PROGRAMS the programs (cross builds, which have them;
#       the host unit tests compile the tables without).
#   bramble_system_programs(<out-var> DESCRIPTION <file.toml> [BOARD <board>])
#       At configure time: checks the description against the programs that exist (every
#       bramble_user_program, by the name the kernel finds it by) and the board's devices, and sets
#       <out-var> to the programs it names, for the image to embed exactly those (cross builds). A bad description
#       stops the configuration with the tool's `file:line: ...` messages. Call it after every program
#       is defined; CMake configures again when the description or the tool changes.

find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(BRAMBLE_SYSTEM_TOOL ${BRAMBLE_SOURCE_ROOT}/tools/system/bramble_system.py)
# The programs that exist, one name a line: written by bramble_system_programs(), read by the
# build-time generation (which is defined before the last program is).
set(BRAMBLE_SYSTEM_KNOWN_PROGRAMS ${CMAKE_BINARY_DIR}/generated/system/programs.txt)

function(bramble_system_header target)
  cmake_parse_arguments(ARG "CHECK_PROGRAMS" "DESCRIPTION;VARIANT;BOARD" "" ${ARGN})
  if(NOT ARG_BOARD)
    set(ARG_BOARD ${BRAMBLE_BOARD})
  endif()
  set(dir ${CMAKE_BINARY_DIR}/generated/system/${ARG_VARIANT})
  set(header ${dir}/generated/system_description.hpp)
  set(programs "")
  set(program_list "")
  if(ARG_CHECK_PROGRAMS)
    set(programs --programs-file ${BRAMBLE_SYSTEM_KNOWN_PROGRAMS})
    set(program_list ${BRAMBLE_SYSTEM_KNOWN_PROGRAMS})
  endif()
  add_custom_command(OUTPUT ${header}
    COMMAND ${Python3_EXECUTABLE} ${BRAMBLE_SYSTEM_TOOL} ${ARG_DESCRIPTION} --board ${ARG_BOARD}
            ${programs} --header ${header}
    DEPENDS ${ARG_DESCRIPTION} ${BRAMBLE_SYSTEM_TOOL} ${program_list}
            ${BRAMBLE_SOURCE_ROOT}/board/${ARG_BOARD}/board.hpp
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    COMMENT "System description ${ARG_VARIANT}: generated/system_description.hpp"
    VERBATIM)
  add_custom_target(bramble_system_${ARG_VARIANT} DEPENDS ${header})
  target_sources(${target} PRIVATE ${header})
  target_include_directories(${target} PUBLIC ${dir})
  add_dependencies(${target} bramble_system_${ARG_VARIANT})
endfunction()

function(bramble_system_programs out_var)
  cmake_parse_arguments(ARG "" "DESCRIPTION;BOARD" "" ${ARGN})
  if(NOT ARG_BOARD)
    set(ARG_BOARD ${BRAMBLE_BOARD})
  endif()
  get_property(programs GLOBAL PROPERTY BRAMBLE_USER_PROGRAMS)
  set(known "")
  foreach(p IN LISTS programs)
    get_target_property(embed_name user_${p} BRAMBLE_EMBED_NAME)
    list(APPEND known ${embed_name})
  endforeach()
  list(REMOVE_DUPLICATES known)
  list(JOIN known "\n" text)
  file(CONFIGURE OUTPUT ${BRAMBLE_SYSTEM_KNOWN_PROGRAMS} CONTENT "${text}\n" @ONLY)
  get_filename_component(name ${ARG_DESCRIPTION} NAME_WE)
  set(out ${CMAKE_BINARY_DIR}/generated/system/${name}_programs.cmake)
  execute_process(
    COMMAND ${Python3_EXECUTABLE} ${BRAMBLE_SYSTEM_TOOL} ${ARG_DESCRIPTION} --board ${ARG_BOARD}
            --programs-file ${BRAMBLE_SYSTEM_KNOWN_PROGRAMS} --cmake ${out}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    RESULT_VARIABLE status
    ERROR_VARIABLE errors)
  if(NOT status EQUAL 0)
    # Indented, so CMake prints each `file:line: message` as it is instead of re-wrapping it.
    string(STRIP "${errors}" errors)
    string(REPLACE "\n" "\n  " errors "  ${errors}")
    message(FATAL_ERROR "The system description ${ARG_DESCRIPTION} is not valid:\n${errors}")
  endif()
  set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
    ${ARG_DESCRIPTION} ${BRAMBLE_SYSTEM_TOOL})
  include(${out})
  set(${out_var} ${BRAMBLE_SYSTEM_PROGRAMS} PARENT_SCOPE)
endfunction()
