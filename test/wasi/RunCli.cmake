# One `wasmc` command-line test (cmake -P): runs COMMAND (a ;-list) and checks
# its exit status and that stdout/stderr match the given regular expressions.
#   -DCOMMAND=... -DSTATUS=N [-DSTDOUT=regex] [-DSTDERR=regex] [-DENV=N=V;...]
if(NOT DEFINED COMMAND OR NOT DEFINED STATUS)
  message(FATAL_ERROR "RunCli.cmake: -DCOMMAND=... and -DSTATUS=... are required")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E env ${ENV} ${COMMAND}
  INPUT_FILE /dev/null OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE status TIMEOUT 120)
set(problems "")
if(NOT "${status}" STREQUAL "${STATUS}")
  string(APPEND problems "exit status ${status}, expected ${STATUS}\n")
endif()
if(DEFINED STDOUT AND NOT out MATCHES "${STDOUT}")
  string(APPEND problems "stdout does not match: ${STDOUT}\n")
endif()
if(DEFINED STDERR AND NOT err MATCHES "${STDERR}")
  string(APPEND problems "stderr does not match: ${STDERR}\n")
endif()
if(problems)
  string(REPLACE ";" " " shown "${COMMAND}")
  message(FATAL_ERROR "${problems}command: ${shown}\n--- stdout ---\n${out}\n--- stderr ---\n${err}")
endif()
