#include "settings.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace respira::app {

namespace {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

bool parse_float(const std::string& text, float& out) {
  std::istringstream in(text);
  float value = 0.0f;
  if (!(in >> value) || !in.eof()) return false;
  out = value;
  return true;
}

}  // namespace

std::filesystem::path default_settings_path() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg == '/') {
    return std::filesystem::path(xdg) / "respira" / "gui.conf";
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home != nullptr ? home : ".") / ".config" / "respira" / "gui.conf";
}

Settings load_settings(const std::filesystem::path& path) {
  Settings s;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const auto equals = line.find('=');
    if (line.empty() || line[0] == '#' || equals == std::string::npos) continue;
    const std::string key = trim(line.substr(0, equals));
    const std::string value = trim(line.substr(equals + 1));
    float number = 0.0f;
    if (key == "source") s.source_spec = value;
    else if (key == "preset") s.preset = value;
    else if (key == "patient") s.patient_id = value;
    else if (key == "audio_cues") s.audio_cues = value == "1";
    else if (key == "eyes_closed") s.eyes_closed = value == "1";
    else if (key == "reduced_motion") s.reduced_motion = value == "1";
    else if (key == "palette") s.palette = value == "high-contrast" ? PaletteChoice::high_contrast : PaletteChoice::calm;
    else if (key == "volume" && parse_float(value, number)) s.volume = std::clamp(number, 0.0f, 1.0f);
    else if (key == "font_size" && parse_float(value, number)) s.font_size = std::clamp(number, 12.0f, 32.0f);
    else if (key == "minutes" && parse_float(value, number)) s.session_minutes = std::clamp(number, 1.0f, 60.0f);
  }
  return s;
}

bool save_settings(const Settings& s, const std::filesystem::path& path) {
  std::error_code error;
  std::filesystem::create_directories(path.parent_path(), error);
  std::ofstream out(path, std::ios::trunc);
  out << "# Respira trainer window settings\n"
      << "source = " << s.source_spec << "\n"
      << "preset = " << s.preset << "\n"
      << "patient = " << s.patient_id << "\n"
      << "minutes = " << s.session_minutes << "\n"
      << "audio_cues = " << (s.audio_cues ? 1 : 0) << "\n"
      << "volume = " << s.volume << "\n"
      << "eyes_closed = " << (s.eyes_closed ? 1 : 0) << "\n"
      << "palette = " << (s.palette == PaletteChoice::high_contrast ? "high-contrast" : "calm") << "\n"
      << "font_size = " << s.font_size << "\n"
      << "reduced_motion = " << (s.reduced_motion ? 1 : 0) << "\n";
  return static_cast<bool>(out);
}

}  // namespace respira::app
