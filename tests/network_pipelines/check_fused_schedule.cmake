# Runs the network generator with the MemSched plugin (schedule only) and
# fails unless the schedule it prints fuses at least one cross-layer group
# (a "cross-layer group A -> B ... in bands of X: fused" line, or "in tiles of
# X" for a pool epilogue, written where
# the group is scheduled), and, when EXPECT is set, unless one fused group's
# line matches that regex. Variables: GENERATOR, PLUGIN, GEN_PARAMS (the
# generator parameters, a list), OUT (a folder), EXPECT (optional).
foreach(v GENERATOR PLUGIN GEN_PARAMS OUT)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "check_fused_schedule: ${v} is not set")
  endif()
endforeach()
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
execute_process(
  COMMAND ${GENERATOR} -g network -f net -n net -e schedule -o ${OUT} -p ${PLUGIN} -s MemSched
          target=host-no_runtime auto_schedule=true ${GEN_PARAMS}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "check_fused_schedule: the generator failed (${rc}):\n${out}\n${err}")
endif()
file(READ ${OUT}/net.schedule.h schedule)
string(REGEX MATCHALL "cross-layer group [^\n]* in (bands|tiles) of [^\n]*: fused: [^\n]*" groups "${schedule}")
list(LENGTH groups n)
if(n EQUAL 0)
  message(FATAL_ERROR "check_fused_schedule: no fused cross-layer group in ${OUT}/net.schedule.h; the plugin said:\n${err}")
endif()
set(matched FALSE)
foreach(g IN LISTS groups)
  message(STATUS "${g}")
  if(EXPECT AND g MATCHES "${EXPECT}")
    set(matched TRUE)
  endif()
endforeach()
if(EXPECT AND NOT matched)
  message(FATAL_ERROR "check_fused_schedule: no fused group matches '${EXPECT}' in ${OUT}/net.schedule.h")
endif()
message(STATUS "${n} fused group(s)")
