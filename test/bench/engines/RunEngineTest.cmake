# Runs one benchmark program natively and through one external engine runner
# of `wasmc bench` (cmake -P), and checks that
#   - both exit with status 0 and print exactly the same stdout,
#   - the runner wrote a WASMC_BENCH_REPORT that parses as JSON with the five
#     fields of the protocol and plausible values (no bench markers, exit
#     code 0, a nonzero execute time).
# When the engine is not installed it prints WASMC_ENGINE_TEST_SKIPPED (the
# test's SKIP_REGULAR_EXPRESSION) and the test counts as skipped.
#   -DENGINE=node|wasm2c|wasm2c-simd   -DENGINES_DIR=test/bench/engines
#   -DWASM=module.wasm   -DNATIVE=native build (not for wasm2c-simd)   -DWORK=scratch dir
# wasm2c-simd: build-wasm2c.sh must refuse the (SIMD) module with status 3.

include(${CMAKE_CURRENT_LIST_DIR}/../../RequireDefined.cmake)
require_defined(RunEngineTest.cmake ENGINE ENGINES_DIR WASM WORK)

macro(skip why)
  message("WASMC_ENGINE_TEST_SKIPPED: ${why}")
  return()
endmacro()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(report "${WORK}/report.json")

if(ENGINE STREQUAL "node")
  find_program(NODE node)
  if(NOT NODE)
    skip("node is not installed")
  endif()
  set(command "${NODE}" --no-warnings --no-turbo-fast-api-calls "${ENGINES_DIR}/node-wasi-runner.mjs" --dir . "${WASM}")
  set(expect_compile_time TRUE)
elseif(ENGINE STREQUAL "wasm2c" OR ENGINE STREQUAL "wasm2c-simd")
  find_program(WASM2C wasm2c)
  find_program(CLANG clang-19)
  if(NOT WASM2C)
    skip("wasm2c (wabt) is not installed")
  endif()
  if(NOT CLANG)
    skip("clang-19 is not installed")
  endif()
  if(ENGINE STREQUAL "wasm2c-simd")
    find_program(WASM_VALIDATE wasm-validate)
    if(NOT WASM_VALIDATE)
      skip("wasm-validate (wabt), which detects SIMD modules, is not installed")
    endif()
    execute_process(COMMAND "${WASM2C}" --version OUTPUT_VARIABLE version OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT version MATCHES "^1\\.0\\.([0-9]|[12][0-9]|3[0-2])$")
      skip("wasm2c ${version} is newer than 1.0.32 and may translate SIMD")
    endif()
    execute_process(COMMAND bash "${ENGINES_DIR}/wasm2c/build-wasm2c.sh" "${WASM}" "${WORK}/simd.exe"
                    RESULT_VARIABLE status ERROR_VARIABLE errors)
    if(NOT status EQUAL 3 OR NOT errors MATCHES "uses fixed-width SIMD")
      message(FATAL_ERROR "build-wasm2c.sh should refuse ${WASM} with status 3, got ${status}: ${errors}")
    endif()
    message("refused as expected: ${errors}")
    return()
  endif()
  execute_process(COMMAND bash "${ENGINES_DIR}/wasm2c/build-wasm2c.sh" "${WASM}" "${WORK}/module.exe" "${WORK}/build"
                  RESULT_VARIABLE status ERROR_VARIABLE errors)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "build-wasm2c.sh failed (${status}): ${errors}")
  endif()
  set(command "${WORK}/module.exe")
  set(expect_compile_time FALSE)
else()
  message(FATAL_ERROR "RunEngineTest.cmake: unknown ENGINE ${ENGINE}")
endif()

execute_process(COMMAND "${NATIVE}" WORKING_DIRECTORY "${WORK}" OUTPUT_FILE "${WORK}/native.out"
                ERROR_FILE "${WORK}/native.err" RESULT_VARIABLE native_status TIMEOUT 60)
execute_process(COMMAND ${CMAKE_COMMAND} -E env "WASMC_BENCH_REPORT=${report}" WASMC_BENCH_DIRS=. ${command}
                WORKING_DIRECTORY "${WORK}" OUTPUT_FILE "${WORK}/engine.out" ERROR_FILE "${WORK}/engine.err"
                RESULT_VARIABLE engine_status TIMEOUT 60)
file(READ "${WORK}/native.out" native_out)
file(READ "${WORK}/engine.out" engine_out)
file(READ "${WORK}/engine.err" engine_err)

set(failures "")
if(NOT native_status EQUAL 0)
  string(APPEND failures "native run exited with ${native_status}\n")
endif()
if(NOT engine_status EQUAL 0)
  string(APPEND failures "${ENGINE} run exited with ${engine_status}; stderr:\n${engine_err}\n")
endif()
if(NOT native_out STREQUAL engine_out)
  string(APPEND failures "stdout differs:\n  native:  ${native_out}\n  ${ENGINE}: ${engine_out}\n")
endif()

if(NOT EXISTS "${report}")
  string(APPEND failures "no report written to WASMC_BENCH_REPORT\n")
else()
  file(READ "${report}" json)
  foreach(field compile_ns instantiate_ns execute_ns exit_code)
    string(JSON value ERROR_VARIABLE error GET "${json}" ${field})
    string(JSON type ERROR_VARIABLE error2 TYPE "${json}" ${field})
    if(error OR NOT type STREQUAL "NUMBER" OR NOT value MATCHES "^[0-9]+$")
      string(APPEND failures "report field ${field} missing or not a non-negative integer: ${json}\n")
    else()
      set(${field} ${value})
    endif()
  endforeach()
  string(JSON markers ERROR_VARIABLE error GET "${json}" bench_markers)
  string(JSON type ERROR_VARIABLE error2 TYPE "${json}" bench_markers)
  if(error OR NOT type STREQUAL "BOOLEAN" OR markers)
    string(APPEND failures "report field bench_markers should be false (the program does not import bench): ${json}\n")
  endif()
  if(DEFINED exit_code AND NOT exit_code EQUAL 0)
    string(APPEND failures "report exit_code should be 0: ${json}\n")
  endif()
  # The program runs for about a second: anything under 10 ms is not its run.
  if(DEFINED execute_ns AND execute_ns LESS 10000000)
    string(APPEND failures "report execute_ns is implausibly small: ${json}\n")
  endif()
  if(DEFINED compile_ns AND expect_compile_time AND compile_ns EQUAL 0)
    string(APPEND failures "report compile_ns should be nonzero for ${ENGINE}: ${json}\n")
  endif()
  if(DEFINED compile_ns AND NOT expect_compile_time AND NOT compile_ns EQUAL 0)
    string(APPEND failures "report compile_ns should be 0 for ${ENGINE} (compiled at build time): ${json}\n")
  endif()
endif()

if(failures)
  message(FATAL_ERROR "${ENGINE} vs native on ${WASM}:\n${failures}")
endif()
message("${ENGINE}: stdout matches native; report ${json}")
