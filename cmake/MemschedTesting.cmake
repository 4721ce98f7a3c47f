# memsched_add_test(NAME SOURCES s... [LIBS l...] [LABELS l...])
# One GoogleTest executable, registered with ctest test by test.
include(GoogleTest)
function(memsched_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  # A plain list would be split into separate property arguments: escape it.
  string(REPLACE ";" "\\;" labels "${ARG_LABELS}")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${labels}")
endfunction()
