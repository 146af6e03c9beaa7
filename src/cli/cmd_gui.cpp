// `respira gui`: the trainer window (also what `respira` with no subcommand runs).
//
//   respira gui [--source SPEC] [--screen start|live|review|progress|settings|clinic]
//               [--preset NAME] [--pacing preset|adaptive|resonance] [--minutes M] [--db PATH]
//               [--screenshot PATH --after SECONDS] [--benchmark-frames N] [--verify-redraw]
//
// --screenshot renders for --after seconds of wall time (live/review start a session at
// once), saves the window as a PNG and exits 0; --benchmark-frames renders the live screen
// paced at 60 fps (vsync off so no frame is timed with the wait) and, after a 1 s warm-up,
// prints N frames' time (median, p95, per stage), start-up to first frame and peak memory.
// --verify-redraw checks the partial redraw (src/app/frame_damage.hpp): every frame drawn
// only where it changed is drawn whole as well, and the first pixel difference stops the
// window with exit 1; at the end it prints how many frames were checked.

#include <string>

#include "app/app.hpp"
#include "command_registry.hpp"
#include "pacer/pattern.hpp"

namespace respira::cli {
namespace {

struct GuiOptions {
  std::string source;
  std::string screen = "start";
  std::string preset = "coherent";
  std::string pacing = "preset";
  double minutes = 10.0;
  std::string db;
  std::string patient;
  std::string screenshot;
  double after_s = 3.0;
  int benchmark_frames = 0;
  bool verify_redraw = false;
};

void run_gui(const GuiOptions& o) {
  const auto screen = app::parse_screen(o.screen);
  if (!screen) throw CommandFailure{"unknown screen '" + o.screen + "' (start, live, review, progress, settings, clinic)", 2};
  if (pacer::find_preset(o.preset) == nullptr) {
    throw CommandFailure{"unknown preset '" + o.preset + "' (coherent, extended-exhale, box, 4-7-8)", 2};
  }
  if (o.pacing != "preset" && o.pacing != "adaptive" && o.pacing != "resonance") {
    throw CommandFailure{"unknown pacing '" + o.pacing + "' (preset, adaptive, resonance)", 2};
  }
  app::AppOptions options;
  options.pacing = o.pacing;
  options.source_spec = o.source;
  options.screen = *screen;
  options.preset = o.preset;
  options.session_minutes = o.minutes;
  if (!o.db.empty()) options.database = o.db;
  if (!o.patient.empty()) options.patient_id = o.patient;
  if (!o.screenshot.empty()) options.screenshot = o.screenshot;
  options.after_s = o.after_s;
  options.benchmark_frames = o.benchmark_frames;
  options.verify_redraw = o.verify_redraw;
  try {
    const int code = app::run_app(options);
    if (code != 0) throw CommandFailure{"the trainer window failed", code};
  } catch (const app::AppError& e) {
    throw CommandFailure{e.what(), e.exit_code()};
  }
}

void add_gui(CLI::App& app) {
  auto options = std::make_shared<GuiOptions>();
  auto* cmd = app.add_subcommand("gui", "Open the trainer window (the default with no subcommand)");
  cmd->add_option("--source", options->source,
                  "Sensor: mic[:DEVICE], serial:/dev/PATH[@BAUD], ble:ADDRESS, replay:FILE[@SPEED], "
                  "synthetic[:RATE] (default: a microphone if present, else a bundled recording)");
  cmd->add_option("--screen", options->screen, "Screen to open: start, live, review, progress, settings, clinic (the patient list)");
  cmd->add_option("--preset", options->preset, "Pacer preset: coherent, extended-exhale, box, 4-7-8");
  cmd->add_option("--pacing", options->pacing,
                  "preset (fixed), adaptive (lead from the measured rate toward 6/min) or resonance "
                  "(search 7 to 4.5/min)");
  cmd->add_option("--minutes", options->minutes, "Session length in minutes")->check(CLI::Range(1.0, 120.0));
  cmd->add_option("--db", options->db, "Session store: an SQLite file or a postgresql:// URL");
  cmd->add_option("--patient", options->patient, "Who is practising (patient id); Progress shows their programme and flags");
  cmd->add_option("--screenshot", options->screenshot, "Save a PNG of the window after --after seconds, then exit");
  cmd->add_option("--after", options->after_s, "Seconds to render before the screenshot")->check(CLI::Range(0.0, 3600.0));
  cmd->add_option("--benchmark-frames", options->benchmark_frames,
                  "Time N frames of the live screen (after a 1 s warm-up) and print frame time, start-up and memory")
      ->check(CLI::Range(1, 1000000));
  cmd->add_flag("--verify-redraw", options->verify_redraw,
                "Draw every partially redrawn frame whole as well and stop (exit 1) at the first difference");
  cmd->callback([options] { run_gui(*options); });
}

const CommandRegistration kGui{10, &add_gui};

}  // namespace
}  // namespace respira::cli
