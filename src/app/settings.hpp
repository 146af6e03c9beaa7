#pragma once
// What the person chooses on the Settings screen, kept between runs in a small
// key = value file ($XDG_CONFIG_HOME/respira/gui.conf). Unknown keys and bad values are
// ignored (defaults stay), so an old or hand-edited file never stops the window opening.

#include <filesystem>
#include <string>

namespace respira::app {

enum class PaletteChoice : int { calm = 0, high_contrast = 1 };

struct Settings {
  std::string source_spec;          // empty: microphone if present, else bundled recording
  bool audio_cues = false;
  float volume = 0.5f;              // 0..1
  bool eyes_closed = false;         // audio only, screen dimmed
  PaletteChoice palette = PaletteChoice::calm;
  float font_size = 18.0f;          // pixels
  bool reduced_motion = false;
  std::string preset = "coherent";
  float session_minutes = 10.0f;
  std::string patient_id;           // last person who practised
};

std::filesystem::path default_settings_path();
Settings load_settings(const std::filesystem::path& path);
// Best effort: returns false when the file cannot be written.
bool save_settings(const Settings& settings, const std::filesystem::path& path);

}  // namespace respira::app
