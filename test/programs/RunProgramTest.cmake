# Runs one C program natively and under `wasmc run` (cmake -P) and compares
# the exit status, stdout, and the files each run leaves in its (fresh,
# initially empty) working directory. The wasm run gets that directory as
# `--dir .`. stderr is shown on failure but not compared.
#   -DWASMC -DWASM -DNATIVE -DWORK   paths
#   -DARGS=a;b   -DENV=N=V;...   -DSTDIN=file (default /dev/null)
#   -DMODE=jit (default: wasmc run FILE.wasm), lazy (wasmc run --no-cache
#   --lazy: the JIT compiling each function on its first call), aot (wasmc
#   compile to a .cwasm, then wasmc run that), exe (wasmc compile --exe,
#   then run the executable) or baseline (wasmc run --tier baseline)

include(${CMAKE_CURRENT_LIST_DIR}/../RequireDefined.cmake)
require_defined(RunProgramTest.cmake WASMC WASM NATIVE WORK)
if(NOT STDIN)
  set(STDIN /dev/null)
endif()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/native" "${WORK}/wasm")

set(wasm_env "")
foreach(entry IN LISTS ENV)
  list(APPEND wasm_env "--env=${entry}")
endforeach()

execute_process(
  COMMAND ${CMAKE_COMMAND} -E env ${ENV} "${NATIVE}" ${ARGS}
  WORKING_DIRECTORY "${WORK}/native"
  INPUT_FILE "${STDIN}" OUTPUT_FILE "${WORK}/native.out" ERROR_FILE "${WORK}/native.err"
  RESULT_VARIABLE native_status TIMEOUT 240)
set(wasm_command "${WASMC}" run --dir . ${wasm_env} "${WASM}")
if(MODE STREQUAL "lazy")
  set(wasm_command "${WASMC}" run --no-cache --lazy --dir . ${wasm_env} "${WASM}")
endif()
if(MODE STREQUAL "baseline")
  set(wasm_command "${WASMC}" run --tier baseline --dir . ${wasm_env} "${WASM}")
endif()
if(MODE STREQUAL "aot" OR MODE STREQUAL "exe")
  set(compiled "${WORK}/module.cwasm")
  set(flags "")
  if(MODE STREQUAL "exe")
    set(compiled "${WORK}/module-exe")
    set(flags --exe)
  endif()
  execute_process(COMMAND "${WASMC}" compile ${flags} "${WASM}" -o "${compiled}"
                  RESULT_VARIABLE status ERROR_VARIABLE errors)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "wasmc compile ${flags} failed (${status}): ${errors}")
  endif()
  if(MODE STREQUAL "aot")
    set(wasm_command "${WASMC}" run --dir . ${wasm_env} "${compiled}")
  else()
    set(wasm_command "${compiled}" --dir . ${wasm_env} --)
  endif()
endif()
execute_process(
  COMMAND ${wasm_command} ${ARGS}
  WORKING_DIRECTORY "${WORK}/wasm"
  INPUT_FILE "${STDIN}" OUTPUT_FILE "${WORK}/wasm.out" ERROR_FILE "${WORK}/wasm.err"
  RESULT_VARIABLE wasm_status TIMEOUT 240)

# Files left behind: path, type and content hash, relative to each directory.
function(tree dir result)
  file(GLOB_RECURSE entries LIST_DIRECTORIES true RELATIVE "${dir}" "${dir}/*")
  list(SORT entries)
  set(lines "")
  foreach(entry IN LISTS entries)
    if(IS_SYMLINK "${dir}/${entry}")
      file(READ_SYMLINK "${dir}/${entry}" target)
      list(APPEND lines "${entry} -> ${target}")
    elseif(IS_DIRECTORY "${dir}/${entry}")
      list(APPEND lines "${entry}/")
    else()
      file(SHA256 "${dir}/${entry}" hash)
      list(APPEND lines "${entry} ${hash}")
    endif()
  endforeach()
  set(${result} "${lines}" PARENT_SCOPE)
endfunction()

set(problems "")
if(NOT "${native_status}" STREQUAL "${wasm_status}")
  string(APPEND problems "exit status: native ${native_status}, wasmc ${wasm_status}\n")
endif()
file(SHA256 "${WORK}/native.out" native_hash)
file(SHA256 "${WORK}/wasm.out" wasm_hash)
if(NOT native_hash STREQUAL wasm_hash)
  file(SIZE "${WORK}/native.out" native_size)
  file(SIZE "${WORK}/wasm.out" wasm_size)
  string(APPEND problems "stdout differs (native ${native_size} bytes, wasmc ${wasm_size} bytes)\n")
  if(native_size LESS 20000 AND wasm_size LESS 20000)
    file(READ "${WORK}/native.out" native_text)
    file(READ "${WORK}/wasm.out" wasm_text)
    string(APPEND problems "--- native stdout ---\n${native_text}\n--- wasmc stdout ---\n${wasm_text}\n")
  endif()
endif()
tree("${WORK}/native" native_tree)
tree("${WORK}/wasm" wasm_tree)
if(NOT native_tree STREQUAL wasm_tree)
  string(APPEND problems "files left behind differ:\n  native: ${native_tree}\n  wasmc:  ${wasm_tree}\n")
endif()
if(problems)
  file(READ "${WORK}/wasm.err" wasm_err LIMIT 4000)
  file(READ "${WORK}/native.err" native_err LIMIT 4000)
  message(FATAL_ERROR "${problems}--- native stderr ---\n${native_err}\n--- wasmc stderr ---\n${wasm_err}")
endif()
file(SIZE "${WORK}/wasm.out" size)
file(READ "${WORK}/wasm.out" head LIMIT 600)
message(STATUS "same exit status (${wasm_status}), stdout (${size} bytes) and files; stdout begins:\n${head}")
file(REMOVE_RECURSE "${WORK}")
