# Every dependency comes from a Debian 12 package (see third_party/README.md).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

find_package(kissfft CONFIG REQUIRED COMPONENTS SHARED float)
pkg_check_modules(PORTAUDIO REQUIRED IMPORTED_TARGET portaudio-2.0)
pkg_check_modules(SNDFILE REQUIRED IMPORTED_TARGET sndfile)
pkg_check_modules(ALSA REQUIRED IMPORTED_TARGET alsa)
pkg_check_modules(IMGUI REQUIRED IMPORTED_TARGET imgui)
find_package(glfw3 3.3 REQUIRED CONFIG)
find_package(OpenGL REQUIRED COMPONENTS OpenGL GLX)
find_package(X11 REQUIRED)  # GLX partial presents and their check; GLFW's X11 header wants Xrandr's too
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(nlohmann_json 3 REQUIRED CONFIG)
find_package(CLI11 REQUIRED CONFIG)
find_package(sdbus-c++ 1.2 REQUIRED CONFIG)

# EDFlib ships neither pkg-config nor a CMake config.
find_path(EDFLIB_INCLUDE_DIR edflib.h REQUIRED)
find_library(EDFLIB_LIBRARY edf REQUIRED)
add_library(respira_edflib INTERFACE)
target_include_directories(respira_edflib SYSTEM INTERFACE ${EDFLIB_INCLUDE_DIR})
target_link_libraries(respira_edflib INTERFACE ${EDFLIB_LIBRARY})

if(RESPIRA_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED CONFIG)
  include(Catch)
endif()
