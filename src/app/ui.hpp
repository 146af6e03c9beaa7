#pragma once
// The screens. Each panel is a small struct holding only its own widget state with a
// Draw() that reads the trainer (itself fed from immutable pipeline snapshots) and the
// shared context; none of them knows GLFW or OpenGL setup.

#include <optional>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "audio_guide.hpp"
#include "pacer_view.hpp"
#include "panel_clinic.hpp"
#include "panel_progress.hpp"
#include "session/repository.hpp"
#include "sensors/source.hpp"
#include "settings.hpp"
#include "theme.hpp"
#include "trainer.hpp"

namespace respira::app {

// Keys the window turns into commands (F1-F6, P, E, Esc), consumed once per frame.
struct UiCommands {
  std::optional<Screen> go_to;
  bool toggle_pause = false;
  bool stop = false;
  bool toggle_eyes_closed = false;
};

struct UiContext {
  UiContext(Trainer& t, session::Repository* r, std::string note, Settings& s, PacerView& v, AudioGuide& a)
      : trainer(t), repository(r), repository_note(std::move(note)), settings(s), view(v), audio(a) {}

  Trainer& trainer;
  session::Repository* repository;  // null when the store could not be opened
  std::string repository_note;      // why it is null
  std::optional<session::StoreLocation> store_location;  // the store's address, for progress reads
  Settings& settings;
  PacerView& view;
  AudioGuide& audio;
  Fonts fonts;
  Screen screen = Screen::start;
  double wall_s = 0.0;
  std::string source_note;          // how the source was chosen, for the Settings screen
  bool settings_dirty = false;      // save at the end of the frame
  bool fonts_dirty = false;         // rebuild the font atlas before the next frame
  bool audio_allowed = true;        // off for screenshots and benchmarks

  const Palette& colours() const { return palette(settings.palette); }
};

// A screen's or section's title in the heading font, space_above pixels below what came before.
void heading(UiContext& c, const char* title, float space_above = 0.0f);

// For screens that show what the session store holds: false, after a muted line saying what
// cannot be shown (`without_store`, e.g. "there is no history to show"), when none is open.
bool store_is_open(UiContext& c, const char* without_store);

// 0..10 as a row of buttons (arrow keys and Enter work); -1 = not rated. width 0: all available.
bool tension_picker(const char* id, int& value, const Palette& colours, float width = 0.0f);

struct StartPanel {
  std::vector<session::Patient> patients;
  bool patients_loaded = false;
  char new_name[64] = {};
  int mode = 0;              // presets..., then adaptive, then resonance
  bool mode_loaded = false;
  int pre_tension = -1;
  void Draw(UiContext& c);
};

struct LivePanel {
  int post_tension = -1;
  void Draw(UiContext& c);
  void publish_audio(UiContext& c) const;

 private:
  void draw_pacer(UiContext& c, ImVec2 size) const;
  void draw_metrics(UiContext& c, ImVec2 size);
  void draw_rating(UiContext& c);
};

struct ReviewPanel {
  void Draw(UiContext& c) const;
};

struct SettingsPanel {
  char source[256] = {};
  bool source_loaded = false;
  std::vector<sensors::InputDevice> devices;
  bool devices_loaded = false;
  std::string source_error;
  void Draw(UiContext& c);
};

class Ui {
 public:
  explicit Ui(UiContext& context) : c_(context) {}
  void Draw(const UiCommands& commands);

 private:
  void draw_navigation();
  UiContext& c_;
  StartPanel start_;
  LivePanel live_;
  ReviewPanel review_;
  ProgressPanel progress_;
  ClinicPanel clinic_;
  SettingsPanel settings_;
};

}  // namespace respira::app
