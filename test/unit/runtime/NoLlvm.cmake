# Fails when the binary given as -DBINARY=... loads libLLVM: the runtime (and
# WASI) must link and run without LLVM, as .cwasm loaders and standalone
# executables do.
execute_process(COMMAND ldd ${BINARY} OUTPUT_VARIABLE libs RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "ldd ${BINARY} failed")
endif()
if(libs MATCHES "LLVM")
  message(FATAL_ERROR "${BINARY} depends on LLVM:\n${libs}")
endif()
message(STATUS "${BINARY} does not load LLVM")
