# Runs one wasi-testsuite test (cmake -P). Inputs:
#   WASMC  the wasmc executable      WASM  the test's .wasm
#   WORK   a scratch directory (recreated; removed afterwards on success)
#   EXTRA  optional extra `wasmc run` options (a ;-list)
#   AOT    when true: `wasmc compile` the module to a .cwasm first and run that
# The test's NAME.json (next to the .wasm, optional) gives args, env, root
# (a fixture directory, copied fresh and preopened as "/"), exit_code
# (default 0) and stdout/stderr prefixes ("legacy" format; see the suite's
# README). *.cleanup entries are removed from the copy before the run, as the
# upstream runner does.

include(${CMAKE_CURRENT_LIST_DIR}/../RequireDefined.cmake)
require_defined(RunWasiTest.cmake WASMC WASM WORK)

get_filename_component(dir "${WASM}" DIRECTORY)
get_filename_component(name "${WASM}" NAME_WE)
set(json_file "${dir}/${name}.json")
set(json "{}")
if(EXISTS "${json_file}")
  file(READ "${json_file}" json)
endif()

# A JSON member, or `default` when it is absent.
function(json_get out default)
  string(JSON value ERROR_VARIABLE error GET "${json}" ${ARGN})
  if(error)
    set(value "${default}")
  endif()
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

set(command "${WASMC}" run ${EXTRA})
json_get(root "" root)
if(root)
  if(NOT IS_DIRECTORY "${dir}/${root}")
    message(FATAL_ERROR "fixture directory ${dir}/${root} is missing")
  endif()
  # Fresh, writable copies (the shared fixtures are read-only).
  file(COPY "${dir}/${root}/" DESTINATION "${WORK}/root" NO_SOURCE_PERMISSIONS)
  # GLOB_RECURSE lists every directory it passes through: filter by name.
  file(GLOB_RECURSE stale LIST_DIRECTORIES true "${WORK}/root/*")
  list(FILTER stale INCLUDE REGEX "\\.cleanup$")
  if(stale)
    file(REMOVE_RECURSE ${stale})
  endif()
  list(APPEND command "--dir=${WORK}/root::/")
endif()

string(JSON env_count ERROR_VARIABLE error LENGTH "${json}" env)
if(NOT error AND env_count GREATER 0)
  math(EXPR last "${env_count} - 1")
  foreach(i RANGE ${last})
    string(JSON key MEMBER "${json}" env ${i})
    string(JSON value GET "${json}" env "${key}")
    string(REPLACE ";" "\\;" entry "--env=${key}=${value}")
    list(APPEND command "${entry}")
  endforeach()
endif()

set(module "${WASM}")
if(AOT)
  set(module "${WORK}.cwasm")
  execute_process(COMMAND "${WASMC}" compile "${WASM}" -o "${module}" RESULT_VARIABLE compiled
                  ERROR_VARIABLE compile_errors)
  if(NOT compiled EQUAL 0)
    message(FATAL_ERROR "wasmc compile failed (${compiled}): ${compile_errors}")
  endif()
endif()
list(APPEND command "${module}")
string(JSON arg_count ERROR_VARIABLE error LENGTH "${json}" args)
if(NOT error AND arg_count GREATER 0)
  math(EXPR last "${arg_count} - 1")
  foreach(i RANGE ${last})
    string(JSON arg GET "${json}" args ${i})
    string(REPLACE ";" "\\;" arg "${arg}")
    list(APPEND command "${arg}")
  endforeach()
endif()

json_get(expected_exit 0 exit_code)
json_get(expected_stdout "" stdout)
json_get(expected_stderr "" stderr)
string(JSON has_stdout ERROR_VARIABLE no_stdout TYPE "${json}" stdout)
string(JSON has_stderr ERROR_VARIABLE no_stderr TYPE "${json}" stderr)

execute_process(
  COMMAND ${command}
  WORKING_DIRECTORY "${WORK}"
  INPUT_FILE /dev/null
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err
  RESULT_VARIABLE status
  TIMEOUT 60)

set(problems "")
if(NOT "${status}" STREQUAL "${expected_exit}")
  string(APPEND problems "exit status ${status}, expected ${expected_exit}\n")
endif()
# The upstream runner compares as many characters as the expected text has.
foreach(stream stdout stderr)
  if(NOT no_${stream})
    set(actual "${out}")
    if(stream STREQUAL "stderr")
      set(actual "${err}")
    endif()
    string(LENGTH "${expected_${stream}}" length)
    string(SUBSTRING "${actual}" 0 ${length} head)
    if(NOT head STREQUAL expected_${stream})
      string(APPEND problems "${stream} does not start with \"${expected_${stream}}\"\n")
    endif()
  endif()
endforeach()

if(problems)
  string(REPLACE ";" " " shown "${command}")
  message(FATAL_ERROR "${name}: ${problems}command: ${shown}\n--- stdout ---\n${out}\n--- stderr ---\n${err}")
endif()
file(REMOVE_RECURSE "${WORK}")
message(STATUS "${name}: passed (exit ${status})")
