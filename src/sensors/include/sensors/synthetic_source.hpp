#pragma once
// A synthetic breather, so every feature runs and is tested without hardware.
//
// SyntheticBreather is the pure, deterministic generator (same seed, same samples): a
// belt-like waveform that rises during inhalation and falls during exhalation with
// raised-cosine flanks, optional holds at both ends, breath-to-breath jitter, white
// noise, baseline drift, and scheduled artefacts (sigh, cough, speech burst, dropout).
// It reports the breath it is in, which is the truth tests compare against.
// SyntheticSource paces it in real time by an injectable clock.

#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <string>

#include "sensors/clock.hpp"
#include "sensors/level_meter.hpp"
#include "sensors/source.hpp"

namespace respira::sensors {

struct SyntheticConfig {
  double sample_rate_hz = 50.0;
  double rate_bpm = 12.0;
  double ie_ratio = 0.5;        // inhale duration / exhale duration (0.5 = 1:2)
  double inhale_hold_s = 0.0;   // pause at full inspiration
  double exhale_hold_s = 0.0;   // pause after exhalation
  double rate_jitter = 0.0;     // SD of the breath period as a fraction of it
  double noise_rms = 0.02;      // relative to the breath half-excursion (1.0)
  double drift_amplitude = 0.0; // slow baseline wander (period 90 s), same units
  std::uint64_t seed = 1;
  // Artefacts, each every N seconds of input (0 = never).
  double sigh_every_s = 0.0;    // one breath 2.2x deeper with a 1.6x longer inhale
  double cough_every_s = 0.0;   // three sharp spikes within a second
  double speech_every_s = 0.0;  // 3 s of fast irregular chest movement
  double dropout_every_s = 0.0; // the source delivers nothing for dropout_s
  double dropout_s = 2.0;
  double duration_s = std::numeric_limits<double>::infinity();  // finite: source finishes
};

// Throws std::invalid_argument when the configuration cannot describe a breath
// (holds longer than the period, non-positive rates...).
void validate(const SyntheticConfig& config);

// One breath of the truth: inhalation onset (trough) at start_s, exhalation onset at
// exhale_onset_s() (end of the inhale hold).
struct SyntheticBreath {
  double start_s = 0.0;
  double inhale_s = 0.0;
  double inhale_hold_s = 0.0;
  double exhale_s = 0.0;
  double exhale_hold_s = 0.0;
  double depth = 1.0;
  bool sigh = false;
  double exhale_onset_s() const { return start_s + inhale_s + inhale_hold_s; }
  double end_s() const { return exhale_onset_s() + exhale_s + exhale_hold_s; }
};

class SyntheticBreather {
 public:
  explicit SyntheticBreather(const SyntheticConfig& config);

  // The next sample (sample n is at input time n / sample_rate_hz).
  float next();
  double time_s() const { return static_cast<double>(index_) / config_.sample_rate_hz; }
  // The breath that contains the last sample returned by next().
  const SyntheticBreath& breath() const { return breath_; }
  bool in_dropout(double time_s) const;
  const SyntheticConfig& config() const { return config_; }

 private:
  void begin_breath(double start_s);
  double breath_shape(double t) const;
  double artefacts(double t);

  SyntheticConfig config_;
  std::mt19937_64 rng_;
  std::normal_distribution<double> unit_normal_{0.0, 1.0};
  std::uint64_t index_ = 0;
  SyntheticBreath breath_;
  double next_sigh_s_;
  double speech_phase_[3]{};
};

class SyntheticSource final : public Source {
 public:
  SyntheticSource(SyntheticConfig config, std::string spec,
                  std::shared_ptr<const Clock> clock = steady_clock());

  void open() override;
  void start() override;
  void stop() override;
  void close() override;
  SourceInfo info() const override;
  SourceHealth health() const override;
  ReadResult read(std::span<float> out) override;
  double stream_time_s() const override;

 private:
  std::uint64_t total_samples() const;

  SyntheticConfig config_;
  std::string spec_;
  SamplePacer pacer_;
  SyntheticBreather breather_;
  LevelMeter level_;
  bool running_ = false;
  std::uint64_t generated_ = 0;     // samples generated, delivered or dropped out
  std::uint64_t delivered_ = 0;
  std::uint64_t gap_samples_ = 0;   // dropped out, not yet reported
  std::uint64_t gaps_ = 0;
};

}  // namespace respira::sensors
