#pragma once
// Shaders, fonts and the bundled recording are files, found at run time in this order:
// $RESPIRA_DATA_DIR (for packagers and tests), the source tree the program was built
// from, then the install prefix (share/respira). A missing file is reported with every
// place that was searched, so a broken install says exactly what is missing.

#include <filesystem>
#include <optional>
#include <string>

namespace respira::app {

// The first existing <dir>/<relative>; nullopt when none exists.
std::optional<std::filesystem::path> find_data_file(const std::filesystem::path& relative);

// Like find_data_file but throws AppError (exit code 1) naming the places searched.
std::filesystem::path require_data_file(const std::filesystem::path& relative);

// Whole file as text; throws AppError naming the file when it cannot be read.
std::string read_text_file(const std::filesystem::path& path);

// The recording replayed when no sensor is given and no microphone is present.
inline constexpr const char* kBundledRecording = "assets/recordings/neurokit_resting_rsp_150s.csv";

}  // namespace respira::app
