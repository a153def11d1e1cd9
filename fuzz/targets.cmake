# The fuzz targets, shared by fuzz/CMakeLists.txt and the CTest smoke tests of the main build.
set(LUTGEN_FUZZ_TARGETS fuzz_checkpoint fuzz_pickle fuzz_model_json fuzz_arch_json fuzz_code_dump)
if(EXISTS ${PROJECT_SOURCE_DIR}/generator/quantize/features_csv.hpp)
  list(APPEND LUTGEN_FUZZ_TARGETS fuzz_features_csv)
endif()
