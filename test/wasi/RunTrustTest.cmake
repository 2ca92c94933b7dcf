# What `wasmc run` maps as native code (issue 14; docs/TRUST-MODEL.md), as a
# user sees it, each step against its own key and cache directories:
#   -DWASMC=... -DWASM=cli.wasm -DWORK=dir
# - a .cwasm runs for the user who compiled it, and is refused for another
#   user (another key) unless --allow-precompiled;
# - an ELF file named .wasm is refused, even with --allow-precompiled;
# - `wasmc validate` says what an artifact is;
# - a key file others can read is refused;
# - a cache directory others can write is not used (one warning, JIT);
# - `wasmc run -j 2 FILE.wasm` works through the cache (--tier llvm);
# - by default a module the cache does not hold runs tiered while a
#   background wasmc fills the cache, and the next run uses the entry.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(userA "XDG_CONFIG_HOME=${WORK}/userA" "XDG_CACHE_HOME=${WORK}/cacheA")
set(userB "XDG_CONFIG_HOME=${WORK}/userB" "XDG_CACHE_HOME=${WORK}/cacheB")

# step(NAME STATUS ENV... -- ARGS... [STDOUT regex] [STDERR regex])
function(step name status)
  cmake_parse_arguments(ARG "" "STDOUT;STDERR" "ENV;ARGS" ${ARGN})
  execute_process(COMMAND ${CMAKE_COMMAND} -E env ${ARG_ENV} ${WASMC} ${ARG_ARGS}
    INPUT_FILE /dev/null OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE got TIMEOUT 120)
  set(problems "")
  if(NOT "${got}" STREQUAL "${status}")
    string(APPEND problems "exit status ${got}, expected ${status}\n")
  endif()
  if(DEFINED ARG_STDOUT AND NOT out MATCHES "${ARG_STDOUT}")
    string(APPEND problems "stdout does not match: ${ARG_STDOUT}\n")
  endif()
  if(DEFINED ARG_STDERR AND NOT err MATCHES "${ARG_STDERR}")
    string(APPEND problems "stderr does not match: ${ARG_STDERR}\n")
  endif()
  if(problems)
    string(REPLACE ";" " " shown "${ARG_ARGS}")
    message(FATAL_ERROR "step ${name}: ${problems}command: wasmc ${shown}\n--- stdout ---\n${out}\n--- stderr ---\n${err}")
  endif()
endfunction()

step(compile 0 ENV ${userA} ARGS compile -O1 ${WASM} -o ${WORK}/a.cwasm)
execute_process(COMMAND stat -c %a ${WORK}/userA/wasmc/artifact.key OUTPUT_VARIABLE mode OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT mode STREQUAL "600")
  message(FATAL_ERROR "step key-mode: the key file has mode ${mode}, not 600")
endif()
step(own-artifact 0 ENV ${userA} ARGS run --invoke add ${WORK}/a.cwasm 2 40 STDOUT "^initialized\n42\n$")
step(other-user 1 ENV ${userB} ARGS run --invoke add ${WORK}/a.cwasm 2 40
  STDOUT "^$" STDERR "^wasmc: error: .*a.cwasm: precompiled code not authenticated with your artifact key .*--allow-precompiled\n$")
step(other-user-allowed 0 ENV ${userB} ARGS run --allow-precompiled --invoke add ${WORK}/a.cwasm 2 40
  STDOUT "^initialized\n42\n$")

file(COPY_FILE ${WORK}/a.cwasm ${WORK}/innocent.wasm)
foreach(allow "" "--allow-precompiled")
  step(elf-named-wasm${allow} 1 ENV ${userA} ARGS run ${allow} --invoke add ${WORK}/innocent.wasm 2 40
    STDOUT "^$" STDERR "^wasmc: error: .*innocent.wasm: this is a precompiled artifact, not a wasm module; a file named .wasm is never run as native code")
endforeach()
step(elf-short-form 1 ENV ${userA} ARGS ${WORK}/innocent.wasm STDERR "not a wasm module")
step(validate-artifact 1 ENV ${userA} ARGS validate ${WORK}/a.cwasm
  STDERR "^wasmc: error: .*a.cwasm: this is a precompiled wasmc artifact \\(.cwasm\\), not a wasm module")
step(compile-artifact 1 ENV ${userA} ARGS compile ${WORK}/a.cwasm -o ${WORK}/b.cwasm STDERR "not a wasm module")

# A key file group or others can read is refused, never used or replaced.
file(MAKE_DIRECTORY ${WORK}/userC/wasmc)
file(WRITE ${WORK}/userC/wasmc/artifact.key "0123456789abcdef0123456789abcdef")
file(CHMOD ${WORK}/userC/wasmc/artifact.key PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
step(key-readable-by-others 1 ENV "XDG_CONFIG_HOME=${WORK}/userC" ARGS compile ${WASM} -o ${WORK}/c.cwasm
  STDERR "artifact key .*artifact.key: readable or writable by group or others")

# A cache directory others can write is not used: one warning, then the JIT.
file(MAKE_DIRECTORY ${WORK}/cache777/wasmc)
file(CHMOD ${WORK}/cache777/wasmc PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_WRITE
  GROUP_EXECUTE WORLD_READ WORLD_WRITE WORLD_EXECUTE)
step(cache-writable-by-others 0 ENV "XDG_CONFIG_HOME=${WORK}/userA" "XDG_CACHE_HOME=${WORK}/cache777"
  ARGS run -O1 --invoke add ${WASM} 2 40 STDOUT "^initialized\n42\n$"
  STDERR "^wasmc: warning: compile cache .*cache777/wasmc: writable by group or others, not used")
file(GLOB entries ${WORK}/cache777/wasmc/*)
if(entries)
  message(FATAL_ERROR "step cache-writable-by-others: wrote ${entries}")
endif()

# -j N before FILE (README's command line) through the cache, twice (a hit);
# --tier llvm compiles into the cache before running, so the entry is there
# when the run ends.
foreach(round 1 2)
  step(jobs-${round} 0 ENV ${userA} ARGS run -j 2 --tier llvm --invoke add ${WASM} 2 40 STDOUT "^initialized\n42\n$"
    STDERR "^$")
endforeach()
step(jobs-long 0 ENV ${userA} ARGS run --jobs 1 --tier llvm --no-cache --invoke add ${WASM} 2 40 STDOUT "^initialized\n42\n$")
file(GLOB entries ${WORK}/cacheA/wasmc/*.cwasm)
list(LENGTH entries count)
if(NOT count EQUAL 1)
  message(FATAL_ERROR "step jobs: expected one cache entry, found: ${entries}")
endif()

# The default (--tier auto): the first run is tiered and leaves a background
# `wasmc cache-fill`; once its entry is there, the next run loads it.
set(userD "XDG_CONFIG_HOME=${WORK}/userA" "XDG_CACHE_HOME=${WORK}/cacheD")
step(auto-first 0 ENV ${userD} ARGS run --invoke add ${WASM} 2 40 STDOUT "^initialized\n42\n$" STDERR "^$")
set(filled "")
foreach(attempt RANGE 600)
  file(GLOB filled ${WORK}/cacheD/wasmc/*.cwasm)
  if(filled)
    break()
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 0.2)
endforeach()
if(NOT filled)
  message(FATAL_ERROR "step auto-first: no cache entry within 120 s of the run")
endif()
file(TIMESTAMP ${filled} stamp "%s")
step(auto-second 0 ENV ${userD} ARGS run --invoke add ${WASM} 2 40 STDOUT "^initialized\n42\n$" STDERR "^$")
file(GLOB entries ${WORK}/cacheD/wasmc/*.cwasm)
file(TIMESTAMP ${filled} again "%s")
if(NOT entries STREQUAL filled OR NOT stamp STREQUAL again)
  message(FATAL_ERROR "step auto-second: the entry should be used as it is, found: ${entries}")
endif()
file(REMOVE_RECURSE "${WORK}")
