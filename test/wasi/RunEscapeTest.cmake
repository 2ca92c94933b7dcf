# One sandbox-escape test (cmake -P): builds the fixture described in
# escape.c under WORK, snapshots everything outside WORK/sandbox, runs
#   wasmc run --wasi-resolve=STRATEGY [--dir WORK/sandbox::/] ESCAPE CASE SECRET
# and fails unless the guest reports every probe as expected (exit 0) AND
# the snapshot is unchanged: nothing outside the sandbox was created,
# modified, renamed, deleted or had its times changed.
#   -DWASMC=... -DESCAPE=escape.wasm -DWORK=dir -DCASE=name -DSTRATEGY=auto|openat2|walk
#   -DNODIR=1 runs without --dir; -DEXTRA=... adds `wasmc run` options.

include(${CMAKE_CURRENT_LIST_DIR}/../RequireDefined.cmake)
require_defined(RunEscapeTest.cmake WASMC ESCAPE WORK CASE STRATEGY)

file(REMOVE_RECURSE "${WORK}")
set(out "${WORK}/outside")
set(box "${WORK}/sandbox")
file(MAKE_DIRECTORY "${out}/dir" "${out}/empty" "${box}/sub/deeper")
file(WRITE "${out}/secret.txt" "top secret\n")
file(WRITE "${out}/dir/keep.txt" "keep\n")
file(WRITE "${WORK}/beside.txt" "next to the sandbox\n")
file(WRITE "${box}/inside.txt" "inside\n")
file(CREATE_LINK "${out}/secret.txt" "${box}/abslink" SYMBOLIC)
file(CREATE_LINK "${out}" "${box}/absdir" SYMBOLIC)
file(CREATE_LINK "../outside/secret.txt" "${box}/rellink" SYMBOLIC)
file(CREATE_LINK "../outside" "${box}/reldir" SYMBOLIC)
file(CREATE_LINK "chain2" "${box}/chain1" SYMBOLIC)
file(CREATE_LINK "sub/chain3" "${box}/chain2" SYMBOLIC)
file(CREATE_LINK "../../outside" "${box}/sub/chain3" SYMBOLIC)
file(CREATE_LINK ".." "${box}/sub/up" SYMBOLIC)
file(CREATE_LINK "loop2" "${box}/loop1" SYMBOLIC)
file(CREATE_LINK "loop1" "${box}/loop2" SYMBOLIC)
file(CREATE_LINK "selfloop" "${box}/selfloop" SYMBOLIC)
# wasmc's key and cache directories, inside the sandbox (CASE private runs
# with HOME there): the guest must neither read nor move them.
set(home "${box}/home")
set(key "${home}/.config/wasmc/artifact.key")
file(MAKE_DIRECTORY "${home}/.config/wasmc" "${home}/.cache/wasmc")
file(WRITE "${key}" "0123456789abcdef0123456789abcdef")
file(WRITE "${home}/.cache/wasmc/entry" "cache entry\n")
file(CHMOD "${key}" PERMISSIONS OWNER_READ OWNER_WRITE)
file(CHMOD "${home}/.config/wasmc" "${home}/.cache/wasmc" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
file(CREATE_LINK "home/.config/wasmc" "${box}/keydir" SYMBOLIC)
file(SHA256 "${key}" key_before)

# Everything under WORK but the sandbox: type, path, content hash, mtime.
function(snapshot result)
  file(GLOB_RECURSE entries LIST_DIRECTORIES true RELATIVE "${WORK}" "${WORK}/*")
  list(SORT entries)
  set(lines "")
  foreach(entry IN LISTS entries)
    if(entry MATCHES "^sandbox(/|$)")
      continue()
    endif()
    set(path "${WORK}/${entry}")
    file(TIMESTAMP "${path}" mtime "%s" UTC)
    if(IS_SYMLINK "${path}")
      file(READ_SYMLINK "${path}" target)
      list(APPEND lines "L ${entry} -> ${target}")
    elseif(IS_DIRECTORY "${path}")
      list(APPEND lines "D ${entry} ${mtime}")
    else()
      file(SHA256 "${path}" hash)
      list(APPEND lines "F ${entry} ${hash} ${mtime}")
    endif()
  endforeach()
  set(${result} "${lines}" PARENT_SCOPE)
endfunction()

snapshot(before)
set(command "${WASMC}" run ${EXTRA} "--wasi-resolve=${STRATEGY}")
if(CASE STREQUAL "private")
  set(command "${CMAKE_COMMAND}" -E env "HOME=${home}" --unset=XDG_CONFIG_HOME --unset=XDG_CACHE_HOME
      ${command})
endif()
if(NOT NODIR)
  list(APPEND command "--dir=${box}::/")
endif()
list(APPEND command "${ESCAPE}" "${CASE}" "${out}/secret.txt")
execute_process(
  COMMAND ${command}
  WORKING_DIRECTORY "${WORK}"
  INPUT_FILE /dev/null
  OUTPUT_VARIABLE stdout
  ERROR_VARIABLE stderr
  RESULT_VARIABLE status
  TIMEOUT 120)
snapshot(after)

set(problems "")
if(NOT status EQUAL 0)
  string(APPEND problems "the guest reported unexpected answers (exit ${status})\n")
endif()
if(EXISTS "${key}")
  file(SHA256 "${key}" key_after)
else()
  set(key_after "(gone)")
endif()
if(NOT key_before STREQUAL key_after)
  string(APPEND problems "WASMC'S ARTIFACT KEY CHANGED: ${key_before} -> ${key_after}\n")
endif()
if(NOT before STREQUAL after)
  string(REPLACE ";" "\n  " was "${before}")
  string(REPLACE ";" "\n  " now "${after}")
  string(APPEND problems "THE HOST FILE SYSTEM OUTSIDE THE SANDBOX CHANGED\nbefore:\n  ${was}\nafter:\n  ${now}\n")
endif()
if(problems)
  message(FATAL_ERROR "escape/${CASE} (${STRATEGY}): ${problems}--- stdout ---\n${stdout}--- stderr ---\n${stderr}")
endif()
message(STATUS "${stdout}")
file(REMOVE_RECURSE "${WORK}")
