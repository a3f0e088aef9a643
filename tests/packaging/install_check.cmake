# cmake -DSOURCE_DIR=<repo> -DWORK_DIR=<scratch> -DCXX=<c++> -DGENERATOR=<gen> -P install_check.cmake
# Configures ipc/ as a project of its own, installs it into a temporary prefix, then configures, builds
# and runs an outside project that only knows find_package(BrambleIpc).
foreach(v SOURCE_DIR WORK_DIR CXX GENERATOR)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "install_check.cmake needs -D${v}=...")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK_DIR})

function(step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}")
  endif()
  message(STATUS "${what}: ok")
endfunction()

set(prefix ${WORK_DIR}/prefix)
step("configure ipc/ standalone" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/ipc -B ${WORK_DIR}/ipc-build -G ${GENERATOR}
     -DCMAKE_CXX_COMPILER=${CXX})
step("build ipc/" ${CMAKE_COMMAND} --build ${WORK_DIR}/ipc-build)
step("install ipc/" ${CMAKE_COMMAND} --install ${WORK_DIR}/ipc-build --prefix ${prefix})
foreach(f include/bramble/ipc/spsc_ring.hpp include/bramble/ipc/record_ring.hpp include/bramble/ipc/channel.hpp)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
file(GLOB_RECURSE cfg ${prefix}/*/BrambleIpcConfig.cmake)
if(NOT cfg)
  message(FATAL_ERROR "BrambleIpcConfig.cmake was not installed")
endif()
step("configure outside consumer" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/packaging/consumer -B ${WORK_DIR}/consumer-build
     -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_PREFIX_PATH=${prefix})
step("build outside consumer" ${CMAKE_COMMAND} --build ${WORK_DIR}/consumer-build)
step("run outside consumer" ${WORK_DIR}/consumer-build/ipc_consumer)
