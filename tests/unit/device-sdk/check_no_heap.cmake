# Fails when a static library needs the heap or exception support.
#
#   cmake -DNM=<nm> -DLIBRARY=<lib.a> -P check_no_heap.cmake
#
# Lists the library's undefined symbols: anything that allocates (malloc and
# friends, operator new/delete) or throws (__cxa_*, std::__throw_*) would have
# to come from the C/C++ runtime, which the device SDK core must not need.
if(NOT NM OR NOT LIBRARY)
  message(FATAL_ERROR "usage: cmake -DNM=<nm> -DLIBRARY=<lib.a> -P check_no_heap.cmake")
endif()
execute_process(COMMAND ${NM} -C --undefined-only ${LIBRARY}
  OUTPUT_VARIABLE symbols ERROR_VARIABLE errors RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${NM} failed on ${LIBRARY}: ${errors}")
endif()

string(REPLACE "\n" ";" lines "${symbols}")
set(offenders "")
set(undefined_count 0)
foreach(line IN LISTS lines)
  if(NOT line MATCHES "^ *U (.+)$")
    continue()
  endif()
  set(name "${CMAKE_MATCH_1}")
  math(EXPR undefined_count "${undefined_count} + 1")
  if(name MATCHES "^(malloc|calloc|realloc|free|aligned_alloc|posix_memalign|strdup)$"
     OR name MATCHES "^operator (new|delete)"
     OR name MATCHES "^__cxa_"
     OR name MATCHES "^std::__throw_"
     OR name MATCHES "^_Unwind_")
    list(APPEND offenders "${name}")
  endif()
endforeach()

if(undefined_count EQUAL 0)
  message(FATAL_ERROR "no undefined symbols listed for ${LIBRARY}: is it the right file?")
endif()
if(offenders)
  list(REMOVE_DUPLICATES offenders)
  # One line per symbol through STATUS (FATAL_ERROR text is re-wrapped by
  # CMake, which breaks regular expressions matching it).
  message(STATUS "heap-or-exception symbols in ${LIBRARY}:")
  foreach(name IN LISTS offenders)
    message(STATUS "  needs: ${name}")
  endforeach()
  message(FATAL_ERROR "heap check failed")
endif()
message(STATUS "${LIBRARY}: ${undefined_count} undefined symbols, none for heap or exceptions")
