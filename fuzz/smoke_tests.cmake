# With LUTGEN_FUZZ_TESTS (scripts/run_tests.sh turns it on), builds the fuzz targets with clang in
# a second build tree (<build>/fuzz-build) as part of the main build, and registers one CTest test
# per target that fuzzes it for a few seconds. It is off by default because the clang build
# doubles the compile time of a fresh build tree.
option(LUTGEN_FUZZ_TESTS "Build the fuzz targets with clang and fuzz each for a few seconds in CTest" OFF)
set(LUTGEN_FUZZ_TEST_SECONDS 10 CACHE STRING "Seconds of fuzzing per target in the CTest smoke tests")

find_program(LUTGEN_CLANG NAMES clang clang-14)
find_program(LUTGEN_CLANGXX NAMES clang++ clang++-14)

if(LUTGEN_FUZZ_TESTS AND LUTGEN_CLANG AND LUTGEN_CLANGXX)
  include(ExternalProject)
  set(LUTGEN_FUZZ_BUILD_DIR ${CMAKE_BINARY_DIR}/fuzz-build)
  ExternalProject_Add(lutgen_fuzz_targets
    SOURCE_DIR ${PROJECT_SOURCE_DIR}
    BINARY_DIR ${LUTGEN_FUZZ_BUILD_DIR}
    CMAKE_ARGS -DCMAKE_C_COMPILER=${LUTGEN_CLANG} -DCMAKE_CXX_COMPILER=${LUTGEN_CLANGXX}
               -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLUTGEN_FUZZ=ON
    BUILD_ALWAYS ON
    INSTALL_COMMAND "")

  include(${PROJECT_SOURCE_DIR}/fuzz/targets.cmake)
  foreach(target ${LUTGEN_FUZZ_TARGETS})
    add_test(NAME fuzz.${target}
             COMMAND ${PROJECT_SOURCE_DIR}/scripts/fuzz.sh --build-dir ${LUTGEN_FUZZ_BUILD_DIR} --no-build
                     ${target} ${LUTGEN_FUZZ_TEST_SECONDS})
    set_tests_properties(fuzz.${target} PROPERTIES TIMEOUT 300)
  endforeach()
elseif(LUTGEN_FUZZ_TESTS)
  message(STATUS "clang not found: the fuzz smoke tests are skipped (install clang and libclang-rt-14-dev)")
endif()
