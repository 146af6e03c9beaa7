# Warnings and sanitizers shared by every Respira target (via respira_options).
add_library(respira_options INTERFACE)
target_compile_options(respira_options INTERFACE -Wall -Wextra -Wpedantic)
# The warning gate is the normal build: GCC 12's flow-based warnings (-Warray-bounds,
# -Wstringop-overflow) report false positives on sanitizer-instrumented code, e.g. in
# std::sort of a std::array<double, 5>, so the sanitizer build reports but does not fail.
if(RESPIRA_WARNINGS_AS_ERRORS AND NOT RESPIRA_SANITIZE)
  target_compile_options(respira_options INTERFACE -Werror)
endif()
if(RESPIRA_SANITIZE)
  target_compile_options(respira_options INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(respira_options INTERFACE -fsanitize=address,undefined)
endif()

# Where the running program finds shaders and assets when not installed.
set(RESPIRA_SOURCE_DATA_DIR "${PROJECT_SOURCE_DIR}")
