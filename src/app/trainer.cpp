#include "trainer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "session/ids.hpp"
#include "session/time_text.hpp"

namespace respira::app {

namespace {

constexpr double kMaxFrameStepS = 0.25;   // a stalled frame must not jump the guide
constexpr double kClockFollow = 0.08;     // share of the clock error corrected per frame
constexpr double kScaleWindowS = 20.0;    // measured breath is scaled over this much waveform
constexpr double kFlushIntervalS = 0.5;   // durable writes at most this far apart
constexpr double kWarmUpRateBpm = 12.0;  // adaptive guide until the person's rate is known

double exhale_fraction_from_ie(double ie_ratio) {
  return std::isfinite(ie_ratio) && ie_ratio > 0.0 ? 1.0 / (1.0 + ie_ratio) : 0.5;
}

// Mean breath score over the whole session; empty before the first scored breath.
std::optional<double> session_score(const std::vector<pacer::BreathAdherence>& breaths) {
  if (breaths.empty()) return std::nullopt;
  return pacer::mean_score(breaths);
}

}  // namespace

// The guide for the chosen mode and the adherence tracker that scores it. Adaptive pacing
// needs the person's rate: until the analyzer knows it, a calm 12/min warm-up guide runs,
// and the adaptive pacer takes over at the next breath boundary.
struct Trainer::Guide {
  std::optional<pacer::PacerSchedule> fixed;
  pacer::AdherenceTracker fixed_adherence;
  std::optional<pacer::AdaptivePacer> adaptive;
  std::optional<pacer::ResonanceSearch> resonance;
  bool wants_adaptive = false;

  void add_event(const dsp::BreathEvent& event) {
    if (adaptive) adaptive->add_event(event);
    else if (resonance) resonance->add_event(event);
    else fixed_adherence.add_event(event);
  }
  void update(double pacer_s) {
    if (adaptive) adaptive->update(pacer_s);
    else if (resonance) resonance->update(pacer_s);
    else fixed_adherence.update(*fixed, pacer_s);
  }
  const pacer::PacerSchedule& schedule_at(double pacer_s) const {
    if (adaptive && (!fixed || pacer_s >= adaptive->schedule().start_s())) return adaptive->schedule();
    return resonance ? resonance->schedule() : *fixed;
  }
  const pacer::AdherenceTracker& adherence() const {
    return adaptive ? adaptive->adherence() : resonance ? resonance->adherence() : fixed_adherence;
  }
  void start_adaptive(double target_rate_bpm, double rate_bpm, double ie_ratio, double from_s) {
    pacer::AdaptiveConfig config;
    config.target_rate_bpm = target_rate_bpm;
    adaptive.emplace(config, rate_bpm, exhale_fraction_from_ie(ie_ratio), from_s);
  }
};

Trainer::Trainer(Config config, SourceFactory factory, session::Repository* repository)
    : config_(std::move(config)), factory_(std::move(factory)), repository_(repository) {}

Trainer::~Trainer() = default;

void Trainer::start_pipeline() {
  auto pipeline = std::make_unique<sensors::LivePipeline>(factory_(config_.source_spec));
  pipeline->start();
  pipeline_ = std::move(pipeline);
  snapshot_ = pipeline_->snapshot();
  snapshot_index_ = ~std::uint64_t{0};
}

void Trainer::connect() {
  start_pipeline();
}

void Trainer::reconnect(const Config& config) {
  const Config previous = config_;
  config_ = config;
  auto old = std::move(pipeline_);
  try {
    input_base_s_ = clock_s_;
    start_pipeline();
  } catch (...) {
    config_ = previous;
    pipeline_ = std::move(old);
    throw;
  }
  if (recorder_) recorder_->add_gaps(std::vector<sensors::GapMark>{{session_time_s(), 0.0}});
}

double Trainer::session_time_s() const {
  return state_ == SessionState::idle ? 0.0 : clock_s_ - session_start_input_s_;
}

double Trainer::pacer_time_s() const {
  if (state_ == SessionState::idle) return 0.0;
  const double now = state_ == SessionState::paused ? pause_started_input_s_ : clock_s_;
  return now - session_start_input_s_ - paused_total_s_;
}

double Trainer::input_to_pacer(double input_s) const {
  return input_s - session_start_input_s_ - paused_total_s_;
}

double Trainer::pacer_to_input(double pacer_s) const {
  return pacer_s + session_start_input_s_ + paused_total_s_;
}

double Trainer::planned_duration_s() const {
  if (guide_ && guide_->resonance) return guide_->resonance->nominal_duration_s();
  return log_.plan.minutes * 60.0;
}

double Trainer::remaining_s() const {
  if (state_ == SessionState::idle) return planned_duration_s();
  return std::max(0.0, planned_duration_s() - pacer_time_s());
}

pacer::PacerState Trainer::guide_at(double pacer_s) const {
  if (guide_) return guide_->schedule_at(pacer_s).state_at(pacer_s);
  const pacer::Preset* preset = pacer::find_preset(log_.plan.preset_key);
  return pacer::PacerSchedule(preset ? preset->pattern : pacer::presets()[0].pattern)
      .state_at(pacer_s);
}

double Trainer::adherence() const {
  return guide_ ? guide_->adherence().score() : dsp::kNoValue;
}

double Trainer::adherence_error_s() const {
  return guide_ ? guide_->adherence().mean_abs_error_s() : dsp::kNoValue;
}

const pacer::ResonanceSearch* Trainer::resonance() const {
  return guide_ && guide_->resonance ? &*guide_->resonance : nullptr;
}

void Trainer::begin(const SessionPlan& plan) {
  log_ = SessionLog{};
  log_.plan = plan;
  session_start_input_s_ = clock_s_;
  paused_total_s_ = 0.0;
  last_inhale_session_s_ = -1.0;
  last_target_log_s_ = -1.0;
  guide_ = std::make_unique<Guide>();
  switch (plan.mode) {
    case PacingMode::preset: {
      const pacer::Preset* preset = pacer::find_preset(plan.preset_key);
      guide_->fixed.emplace(preset ? preset->pattern : pacer::presets()[0].pattern, 0.0);
      break;
    }
    case PacingMode::adaptive:
      guide_->wants_adaptive = true;
      if (snapshot_ && std::isfinite(snapshot_->breath.rate_bpm)) {
        guide_->start_adaptive(plan.target_rate_bpm, snapshot_->breath.rate_bpm, snapshot_->breath.ie_ratio, 0.0);
      } else {
        guide_->fixed.emplace(pacer::pattern_from_rate(kWarmUpRateBpm, 1.0, 1.0), 0.0);
      }
      break;
    case PacingMode::resonance:
      guide_->resonance.emplace(pacer::ResonanceConfig{}, 0.0);
      break;
  }
  state_ = SessionState::running;
  message_.clear();

  if (repository_ != nullptr && !plan.patient_id.empty()) {
    session::Session row;
    row.id = session::new_session_id();
    row.patient_id = plan.patient_id;
    row.started_at = session::utc_now_iso();
    row.source_kind = snapshot_ ? snapshot_->source.kind : "";
    row.source_spec = config_.source_spec;
    const pacer::BreathPattern first = guide_->schedule_at(0.0).breath(0).pattern;
    row.pacer.rate_bpm = first.rate_bpm();
    row.pacer.ie_ratio = first.inhale_s / first.exhale_s;
    row.pacer.programme_step = plan.mode == PacingMode::adaptive    ? "adaptive"
                               : plan.mode == PacingMode::resonance ? "resonance search"
                                                                    : plan.preset_key;
    row.planned_duration_s = planned_duration_s();
    row.pre_tension = plan.pre_tension;
    try {
      recorder_ = std::make_unique<session::SessionRecorder>(*repository_, row);
      log_.stored_session_id = row.id;
    } catch (const std::exception& e) {
      message_ = std::string("This session is not being saved: ") + e.what();
    }
  }
}

void Trainer::set_paused(bool paused) {
  if (paused && state_ == SessionState::running) {
    pause_started_input_s_ = clock_s_;
    state_ = SessionState::paused;
  } else if (!paused && state_ == SessionState::paused) {
    paused_total_s_ += clock_s_ - pause_started_input_s_;
    state_ = SessionState::running;
  }
}

void Trainer::stop() {
  set_paused(false);
  if (state_ == SessionState::running) {
    log_.duration_s = session_time_s();
    state_ = SessionState::awaiting_rating;
  }
}

void Trainer::finish(std::optional<int> post_tension) {
  if (state_ == SessionState::running || state_ == SessionState::paused) stop();
  if (state_ != SessionState::awaiting_rating) return;
  log_.post_tension = post_tension;
  log_.adherence = guide_->adherence().history();
  if (guide_->resonance) log_.resonance = guide_->resonance->result();
  if (recorder_) {
    try {
      if (guide_->adaptive || guide_->resonance) recorder_->set_programme_step(changing_guide_summary());
      // Stored as the window scored it, against the guide the person actually saw (the
      // adaptive or resonance guide changes rate; holds are not breaths to follow). The
      // time in target follows from the guide rate stored with each breath.
      recorder_->finish(session::SessionStatus::completed, log_.duration_s, post_tension, {},
                        session_score(log_.adherence));
    } catch (const std::exception& e) {
      message_ = std::string("The session could not be saved: ") + e.what();
      log_.stored_session_id.clear();
    }
    recorder_.reset();
  }
  state_ = SessionState::finished;
}

// Where an adaptive guide led, or what a resonance search found, for the stored session.
std::string Trainer::changing_guide_summary() const {
  char text[96];
  if (guide_->resonance) {
    const auto found = guide_->resonance->result();
    if (!found) return "resonance search (no result)";
    std::snprintf(text, sizeof text, "resonance search: %.1f/min", found->rate_bpm);
  } else {
    std::snprintf(text, sizeof text, "adaptive %.1f -> %.1f/min", guide_at(0.0).pattern.rate_bpm(),
                  guide_at(pacer_time_s()).pattern.rate_bpm());
  }
  return text;
}

void Trainer::reset() {
  if (state_ == SessionState::running || state_ == SessionState::paused) return;
  state_ = SessionState::idle;
  guide_.reset();
}

void Trainer::advance_clock(double wall_s) {
  const double step = last_wall_s_ < 0.0 ? 0.0 : std::clamp(wall_s - last_wall_s_, 0.0, kMaxFrameStepS);
  last_wall_s_ = wall_s;
  // Input time runs with the wall clock between snapshots and is pulled gently toward the
  // latest snapshot, so the guide moves smoothly at any frame rate and never goes back.
  const double predicted = snapshot_input_s_ + (wall_s - snapshot_wall_s_);
  const double next = clock_s_ + step + kClockFollow * (predicted - clock_s_ - step);
  clock_s_ = std::max(clock_s_, next);
}

void Trainer::update_scale() {
  const auto& wave = snapshot_->recent_waveform;
  const auto count = static_cast<std::size_t>(kScaleWindowS * snapshot_->waveform_rate_hz);
  if (wave.empty()) return;
  const auto first = wave.end() - static_cast<std::ptrdiff_t>(std::min(count, wave.size()));
  const auto [low, high] = std::minmax_element(first, wave.end());
  scale_low_ = *low;
  scale_high_ = *high;
}

double Trainer::measured_volume() const {
  if (!snapshot_ || snapshot_->recent_waveform.empty() || scale_high_ - scale_low_ < 1e-6f) {
    return dsp::kNoValue;
  }
  const double v = (snapshot_->breath.waveform - scale_low_) / (scale_high_ - scale_low_);
  return std::clamp(v, 0.0, 1.0);
}

void Trainer::measured_trace(std::span<float> out, double from_pacer_s, double to_pacer_s) const {
  std::fill(out.begin(), out.end(), std::numeric_limits<float>::quiet_NaN());
  if (!snapshot_ || snapshot_->recent_waveform.empty() || out.size() < 2 ||
      scale_high_ - scale_low_ < 1e-6f || state_ == SessionState::idle) {
    return;
  }
  const auto& wave = snapshot_->recent_waveform;
  const double last_input_s = input_base_s_ + snapshot_->breath.time_s;
  const double rate = snapshot_->waveform_rate_hz;
  const double span = 1.0 / static_cast<double>(scale_high_ - scale_low_);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const double pacer_s =
        from_pacer_s + (to_pacer_s - from_pacer_s) * static_cast<double>(i) / (out.size() - 1);
    if (pacer_s < 0.0) continue;
    const double back = (last_input_s - pacer_to_input(pacer_s)) * rate;
    if (back < 0.0 || back > static_cast<double>(wave.size() - 1)) continue;
    const double position = static_cast<double>(wave.size() - 1) - back;
    const auto index = static_cast<std::size_t>(position);
    const double frac = position - static_cast<double>(index);
    const double a = wave[index];
    const double b = wave[std::min(index + 1, wave.size() - 1)];
    out[i] = static_cast<float>(std::clamp((a + (b - a) * frac - scale_low_) * span, 0.0, 1.0));
  }
}

void Trainer::drain() {
  const bool recording = state_ == SessionState::running || state_ == SessionState::paused;
  auto events = pipeline_->drain_events();
  auto waveform = pipeline_->drain_waveform();
  auto gaps = pipeline_->drain_gaps();
  auto seconds = pipeline_->drain_seconds();
  if (!recording) return;

  const double to_session = input_base_s_ - session_start_input_s_;
  std::erase_if(events, [&](const auto& e) { return e.time_s + to_session < 0.0; });
  std::erase_if(waveform, [&](const auto& s) { return s.time_s + to_session < 0.0; });
  for (auto& e : events) {
    e.time_s += to_session;
    e.emitted_s += to_session;
  }
  for (auto& s : waveform) s.time_s += to_session;
  for (auto& g : gaps) g.start_s += to_session;

  for (const dsp::BreathEvent& event : events) {
    if (event.type == dsp::BreathEventType::inhale) {
      if (last_inhale_session_s_ >= 0.0) {
        log_.breath_interval_s.push_back({event.time_s, event.time_s - last_inhale_session_s_});
      }
      last_inhale_session_s_ = event.time_s;
    }
    if (state_ == SessionState::running) {
      dsp::BreathEvent paced = event;
      paced.time_s -= paused_total_s_;
      paced.emitted_s -= paused_total_s_;
      guide_->add_event(paced);
    }
  }
  for (const auto& second : seconds) {
    const double t = second.time_s + to_session;
    if (t >= 0.0 && std::isfinite(second.rate_bpm)) log_.rate_bpm.push_back({t, second.rate_bpm});
  }
  if (recorder_) {
    try {
      recorder_->add_gaps(gaps);
      recorder_->add_events(events);
      recorder_->add_waveform(waveform, snapshot_ ? snapshot_->waveform_rate_hz : 25.0);
      if (snapshot_) recorder_->add_signal_quality(snapshot_->breath.signal_quality);
    } catch (const std::exception& e) {
      message_ = std::string("Saving stopped: ") + e.what();
      recorder_.reset();
      log_.stored_session_id.clear();
    }
  }
}

void Trainer::update(double wall_s) {
  if (!pipeline_) return;
  if (config_.loop && pipeline_->finished()) {
    // The bundled recording plays on: a new pipeline continues the input clock.
    drain();
    input_base_s_ += snapshot_ ? snapshot_->breath.time_s : 0.0;
    start_pipeline();
    if (recorder_) recorder_->add_gaps(std::vector<sensors::GapMark>{{session_time_s(), 0.0}});
  }
  auto snapshot = pipeline_->snapshot();
  if (snapshot && snapshot->snapshot_index != snapshot_index_) {
    snapshot_ = std::move(snapshot);
    snapshot_index_ = snapshot_->snapshot_index;
    snapshot_input_s_ = input_base_s_ + snapshot_->breath.time_s;
    snapshot_wall_s_ = wall_s;
    update_scale();
  }
  advance_clock(wall_s);
  drain();
  if (state_ != SessionState::running && state_ != SessionState::paused) return;

  const double pacer_s = pacer_time_s();
  if (guide_->wants_adaptive && !guide_->adaptive && snapshot_ && std::isfinite(snapshot_->breath.rate_bpm)) {
    guide_->start_adaptive(log_.plan.target_rate_bpm, snapshot_->breath.rate_bpm, snapshot_->breath.ie_ratio,
                           guide_->fixed->breath_at(pacer_s).end_s());
  }
  // A heart-rate strap feeds the resonance search its RSA (one reading per notification).
  if (guide_->resonance && snapshot_ && snapshot_->heart && snapshot_->heart->packets != heart_packets_ &&
      std::isfinite(snapshot_->heart->heart_rate_bpm) && state_ == SessionState::running) {
    heart_packets_ = snapshot_->heart->packets;
    guide_->resonance->add_heart_rate(input_to_pacer(snapshot_input_s_), snapshot_->heart->heart_rate_bpm);
  }
  guide_->update(pacer_s);
  // Each stored breath keeps the rate the guide showed when it began.
  if (recorder_) recorder_->set_guide_rate(session_time_s(), guide().pattern.rate_bpm());
  const double whole_second = std::floor(pacer_s);
  if (whole_second > last_target_log_s_) {
    last_target_log_s_ = whole_second;
    log_.target_rate_bpm.push_back({session_time_s(), guide().pattern.rate_bpm()});
  }
  log_.adherence = guide_->adherence().history();
  log_.duration_s = session_time_s();
  if (recorder_ && wall_s - last_flush_wall_s_ >= kFlushIntervalS) {
    last_flush_wall_s_ = wall_s;
    try {
      recorder_->flush(session_time_s());
    } catch (const std::exception& e) {
      message_ = std::string("Saving stopped: ") + e.what();
      recorder_.reset();
      log_.stored_session_id.clear();
    }
  }
  // The search ends when its last step has been scored, a little after its nominal length.
  const bool done = guide_->resonance ? guide_->resonance->finished() : remaining_s() <= 0.0;
  if (state_ == SessionState::running && done) stop();
}

}  // namespace respira::app
