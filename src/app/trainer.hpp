#pragma once
// Trainer: the window's model, free of GLFW/GL/ImGui so it can be tested headless.
//
// The window calls update(wall_s) once per frame. The trainer is the live pipeline's one
// consumer: it drains events, waveform, gaps and per-second rows, keeps a smooth session
// clock (input time, extrapolated between snapshots so the guide moves every frame), runs
// the guide (a preset, adaptive leading or the resonance search), scores adherence, feeds
// the session recorder and collects what the Review screen draws. Panels only read it.
//
// Times: "input" = seconds of sensor stream since the first pipeline started (a looped
// recording keeps counting); "session" = input time since begin(); "pacer" = session
// time minus pauses, the clock the guide runs on, so a pause freezes the guide mid-breath.

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "pacer/adaptive.hpp"
#include "pacer/resonance.hpp"
#include "pacer/schedule.hpp"
#include "sensors/live_pipeline.hpp"
#include "sensors/source.hpp"
#include "session/recorder.hpp"
#include "session/repository.hpp"

namespace respira::app {

enum class PacingMode : std::uint8_t { preset, adaptive, resonance };

struct SessionPlan {
  PacingMode mode = PacingMode::preset;
  std::string preset_key = "coherent";  // PacingMode::preset
  double target_rate_bpm = 6.0;         // PacingMode::adaptive
  double minutes = 10.0;                // preset and adaptive; the search sets its own length
  std::string patient_id;               // empty: the session is not stored
  std::optional<int> pre_tension;
};

struct TimedValue {
  double t;
  double value;
};

// What the Review screen draws. Times are session seconds.
struct SessionLog {
  SessionPlan plan;
  double duration_s = 0.0;
  std::vector<TimedValue> rate_bpm;           // measured, once per second of input
  std::vector<TimedValue> target_rate_bpm;    // the guide's rate, once per second
  std::vector<TimedValue> breath_interval_s;  // at each inhalation onset
  std::vector<pacer::BreathAdherence> adherence;
  std::optional<int> post_tension;
  std::optional<pacer::ResonanceResult> resonance;
  std::string stored_session_id;              // empty when not stored
};

enum class SessionState : std::uint8_t { idle, running, paused, awaiting_rating, finished };

class Trainer {
 public:
  using SourceFactory = std::function<std::unique_ptr<sensors::Source>(const std::string&)>;

  struct Config {
    std::string source_spec;
    bool loop = false;  // restart a finite source when it ends (the bundled recording)
  };

  // repository may be null: sessions are then shown but not stored.
  Trainer(Config config, SourceFactory factory, session::Repository* repository);
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  // Starts the pipeline. Throws sensors::SourceError (message names the device/file).
  void connect();
  // Swaps the source (Settings screen); on failure keeps the old one and throws.
  void reconnect(const Config& config);
  void update(double wall_s);

  void begin(const SessionPlan& plan);
  void set_paused(bool paused);
  void stop();                                   // ends the practice; asks for the rating
  void finish(std::optional<int> post_tension);  // stores the session
  void reset();                                  // back to idle for another session

  SessionState state() const { return state_; }
  const Config& config() const { return config_; }
  std::shared_ptr<const sensors::LiveSnapshot> snapshot() const { return snapshot_; }
  double session_time_s() const;
  double pacer_time_s() const;
  double planned_duration_s() const;
  double remaining_s() const;

  pacer::PacerState guide() const { return guide_at(pacer_time_s()); }
  pacer::PacerState guide_at(double pacer_s) const;
  double adherence() const;       // recent breaths; NaN until one is scored
  double adherence_error_s() const;
  // The measured breath scaled to 0..1 over the last 20 s of waveform; NaN when unknown.
  double measured_volume() const;
  // Measured breath (0..1, NaN where unknown) resampled at evenly spaced pacer times.
  void measured_trace(std::span<float> out, double from_pacer_s, double to_pacer_s) const;
  const SessionLog& log() const { return log_; }
  const pacer::ResonanceSearch* resonance() const;
  const std::string& message() const { return message_; }  // last storage/source problem

 private:
  struct Guide;
  void start_pipeline();
  void drain();
  void advance_clock(double wall_s);
  void update_scale();
  double input_to_pacer(double input_s) const;
  double pacer_to_input(double pacer_s) const;
  std::string changing_guide_summary() const;

  Config config_;
  SourceFactory factory_;
  session::Repository* repository_;
  std::unique_ptr<sensors::LivePipeline> pipeline_;
  std::shared_ptr<const sensors::LiveSnapshot> snapshot_;
  std::uint64_t snapshot_index_ = ~std::uint64_t{0};

  double input_base_s_ = 0.0;  // input time at which the current pipeline started
  double clock_s_ = 0.0;
  double last_wall_s_ = -1.0;
  double snapshot_input_s_ = 0.0;
  double snapshot_wall_s_ = 0.0;
  float scale_low_ = 0.0f;
  float scale_high_ = 0.0f;

  SessionState state_ = SessionState::idle;
  double session_start_input_s_ = 0.0;
  double paused_total_s_ = 0.0;
  double pause_started_input_s_ = 0.0;
  double last_inhale_session_s_ = -1.0;
  double last_flush_wall_s_ = 0.0;
  double last_target_log_s_ = -1.0;
  std::uint64_t heart_packets_ = 0;
  std::unique_ptr<Guide> guide_;
  std::unique_ptr<session::SessionRecorder> recorder_;
  SessionLog log_;
  std::string message_;
};

}  // namespace respira::app
