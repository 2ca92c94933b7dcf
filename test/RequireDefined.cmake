# For `cmake -P` test scripts: stops with a clear message unless every
# variable named is defined (passed as -DNAME=...).
function(require_defined script)
  foreach(var ${ARGN})
    if(NOT DEFINED ${var})
      message(FATAL_ERROR "${script}: -D${var}=... is required")
    endif()
  endforeach()
endfunction()
