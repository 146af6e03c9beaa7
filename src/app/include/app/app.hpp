#pragma once
// The trainer window's entry point, as seen by the command line. Everything GLFW,
// OpenGL and Dear ImGui stays inside src/app; the caller passes plain options.

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace respira::app {

enum class Screen { start, live, review, progress, settings, clinic };  // clinic: the patient list

// "start", "live", ... -> Screen; nullopt when unknown.
std::optional<Screen> parse_screen(const std::string& name);

struct AppOptions {
  std::string source_spec;               // empty: microphone if present, else bundled recording
  Screen screen = Screen::start;
  std::string preset = "coherent";       // pacer preset key (pacer::find_preset)
  std::string pacing = "preset";         // preset | adaptive | resonance
  double session_minutes = 10.0;
  std::optional<std::filesystem::path> screenshot;  // save a PNG after `after_s` and exit
  double after_s = 3.0;
  int benchmark_frames = 0;              // > 0: render this many frames without vsync, print timings
  bool verify_redraw = false;            // draw each partial frame whole too; stop if they differ
  int width = 1280;
  int height = 720;
  std::optional<std::filesystem::path> database;  // session store; default: XDG location
  std::optional<std::string> patient_id;          // who is practising; default: the last one chosen
};

// Thrown for problems the user must fix (no display, missing shaders, bad source...).
// exit_code follows the CLI: 2 for "cannot open a window here".
class AppError : public std::runtime_error {
 public:
  AppError(const std::string& message, int exit_code)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// Opens the window and runs until it is closed (or the screenshot/benchmark is done).
// Returns the process exit code; throws AppError.
int run_app(const AppOptions& options);

}  // namespace respira::app
