# ctest helper: run COMMAND (a ;-list), require exit code EXPECT_RC and
# stderr+stdout matching EXPECT_REGEX.
#   cmake -DCOMMAND=... -DEXPECT_RC=2 -DEXPECT_REGEX=... -P expect_exit.cmake
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc STREQUAL "${EXPECT_RC}")
  message(FATAL_ERROR "exit ${rc}, expected ${EXPECT_RC}\n${out}${err}")
endif()
if(NOT "${out}${err}" MATCHES "${EXPECT_REGEX}")
  message(FATAL_ERROR "output does not match '${EXPECT_REGEX}':\n${out}${err}")
endif()
