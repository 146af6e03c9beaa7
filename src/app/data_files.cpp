#include "data_files.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "app/app.hpp"

namespace respira::app {

namespace {

std::vector<std::filesystem::path> data_dirs() {
  std::vector<std::filesystem::path> dirs;
  if (const char* env = std::getenv("RESPIRA_DATA_DIR"); env != nullptr && *env != '\0') {
    dirs.emplace_back(env);
  }
  dirs.emplace_back(RESPIRA_SOURCE_DATA_DIR);
  dirs.emplace_back(RESPIRA_INSTALL_DATA_DIR);
  return dirs;
}

}  // namespace

std::optional<std::filesystem::path> find_data_file(const std::filesystem::path& relative) {
  for (const auto& dir : data_dirs()) {
    std::error_code error;
    if (std::filesystem::is_regular_file(dir / relative, error)) return dir / relative;
  }
  return std::nullopt;
}

std::filesystem::path require_data_file(const std::filesystem::path& relative) {
  if (auto found = find_data_file(relative)) return *found;
  std::string searched;
  for (const auto& dir : data_dirs()) {
    searched += (searched.empty() ? "" : ", ") + (dir / relative).string();
  }
  throw AppError{"missing data file " + relative.string() + " (searched " + searched +
                     "; set RESPIRA_DATA_DIR to the directory holding shaders/ and assets/)",
                 1};
}

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) throw AppError{"cannot read " + path.string(), 1};
  return text.str();
}

}  // namespace respira::app
