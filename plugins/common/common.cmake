# Code the plugins share, compiled once as object libraries:
#   vigil_plugin_config  options table over cJSON (every plugin)
#   vigil_plugin_reader  fd + gzip input, format detection, reader thread (sources)
include_guard(GLOBAL)

set(_vp_dir "${CMAKE_CURRENT_LIST_DIR}")

add_library(vigil_plugin_config OBJECT "${_vp_dir}/config.c")
target_link_libraries(vigil_plugin_config PUBLIC PkgConfig::CJSON)

add_library(vigil_plugin_reader OBJECT
  "${_vp_dir}/input.c" "${_vp_dir}/json_extent.c" "${_vp_dir}/reader.c"
  "${_vp_dir}/source.c")
target_link_libraries(vigil_plugin_reader PUBLIC PkgConfig::ZLIB PkgConfig::LIBUV Threads::Threads)
if(TARGET PkgConfig::LIBDEFLATE)
  target_link_libraries(vigil_plugin_reader PUBLIC PkgConfig::LIBDEFLATE)
  target_compile_definitions(vigil_plugin_reader PRIVATE VP_HAVE_LIBDEFLATE)
endif()

foreach(t vigil_plugin_config vigil_plugin_reader)
  set_target_properties(${t} PROPERTIES
    POSITION_INDEPENDENT_CODE ON C_VISIBILITY_PRESET hidden)
  target_include_directories(${t} PUBLIC "${_vp_dir}" "${PROJECT_SOURCE_DIR}/sdk/include")
endforeach()

# vigil_plugin_output  byte buffer and full-write loop (sinks)
add_library(vigil_plugin_output OBJECT "${_vp_dir}/output.c")
set_target_properties(vigil_plugin_output PROPERTIES
  POSITION_INDEPENDENT_CODE ON C_VISIBILITY_PRESET hidden)
target_include_directories(vigil_plugin_output PUBLIC "${_vp_dir}")
