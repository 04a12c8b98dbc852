# vigil_module(NAME DEPS <libs...>)
# One static library per top-level folder, made from every *.cc in the folder that is
# not a *_test.cc; one doctest binary `<name>_test` from the *_test.cc files, registered
# with ctest. Folders own their file lists through the glob so that modules can grow
# without touching shared files; CONFIGURE_DEPENDS re-globs on every build.
function(vigil_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;TEST_DEPS;TEST_LABELS" ${ARGN})
  file(GLOB lib_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  file(GLOB test_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  if(test_sources)
    list(REMOVE_ITEM lib_sources ${test_sources})
  endif()
  if(lib_sources)
    add_library(vigil_${name} STATIC ${lib_sources})
    target_link_libraries(vigil_${name} PUBLIC vigil_options ${ARG_DEPS})
  else()  # a module with headers only (or not yet written)
    add_library(vigil_${name} INTERFACE)
    target_link_libraries(vigil_${name} INTERFACE vigil_options ${ARG_DEPS})
  endif()
  if(VIGIL_BUILD_TESTS AND test_sources)
    add_executable(${name}_test ${test_sources} ${PROJECT_SOURCE_DIR}/core/doctest_main.cpp)
    target_link_libraries(${name}_test PRIVATE vigil_${name} doctest::doctest ${ARG_TEST_DEPS})
    set_target_properties(${name}_test PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
    add_test(NAME ${name}_test COMMAND ${name}_test
             WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    # A hung test fails after 15 minutes instead of holding CI to its limit (ctest's default is
    # 25 minutes a test; on 2026-12-01 a server_test case that started `vigil serve` waited forever).
    set_tests_properties(${name}_test PROPERTIES TIMEOUT 900)
    if(ARG_TEST_LABELS)
      set_tests_properties(${name}_test PROPERTIES LABELS "${ARG_TEST_LABELS}")
    endif()
  endif()
endfunction()
