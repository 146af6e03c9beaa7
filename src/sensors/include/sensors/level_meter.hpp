#pragma once
// LevelMeter: input level, clipping and silence for the status line and the UI.
// Runs on the consumer thread over the samples read() returns (never in a callback).
// The first `calibration_s` seconds give the noise floor: the quietest window seen,
// which is robust to a breath falling inside the calibration period.

#include <cmath>
#include <cstddef>
#include <span>

namespace respira::sensors {

struct LevelMeterConfig {
  double sample_rate_hz = 48000.0;
  double window_s = 0.1;           // one level reading per window
  double clip_threshold = 0.99;    // |x| at or above this counts as clipping (full scale = 1)
  double clip_hold_s = 1.0;        // clipping stays reported this long
  double silence_db = -60.0;       // below this level the input counts as silent...
  double silence_after_s = 2.0;    // ...once it has stayed there this long
  double calibration_s = 1.0;
  bool remove_mean = false;        // relative signals (belt): level of the variation only
};

class LevelMeter {
 public:
  explicit LevelMeter(const LevelMeterConfig& config)
      : config_(config),
        window_samples_(static_cast<std::size_t>(
            std::fmax(1.0, std::round(config.window_s * config.sample_rate_hz)))) {}

  void process(std::span<const float> block) noexcept {
    for (const float x : block) {
      sum_ += x;
      sum_sq_ += static_cast<double>(x) * x;
      if (std::fabs(x) >= config_.clip_threshold) clip_seen_ = true;
      if (++count_ == window_samples_) close_window();
    }
  }

  // A peak measured elsewhere (e.g. per channel before mixing) that may reveal clipping.
  void note_peak(float peak) noexcept {
    if (peak >= config_.clip_threshold) clip_seen_ = true;
  }

  double level_db() const noexcept { return level_db_; }
  bool clipping() const noexcept { return clip_age_s_ < config_.clip_hold_s; }
  bool silent() const noexcept { return silent_for_s_ >= config_.silence_after_s; }
  bool calibrated() const noexcept { return elapsed_s_ >= config_.calibration_s; }
  double noise_floor_db() const noexcept { return noise_floor_db_; }

 private:
  static constexpr double kFloorDb = -120.0;

  void close_window() noexcept {
    const double n = static_cast<double>(count_);
    double power = sum_sq_ / n;
    if (config_.remove_mean) power -= (sum_ / n) * (sum_ / n);
    level_db_ = power > 1e-12 ? std::fmax(kFloorDb, 10.0 * std::log10(power)) : kFloorDb;
    const double window = n / config_.sample_rate_hz;
    if (!calibrated()) {
      noise_floor_db_ = first_window_ ? level_db_ : std::fmin(noise_floor_db_, level_db_);
      first_window_ = false;
    }
    elapsed_s_ += window;
    clip_age_s_ = clip_seen_ ? 0.0 : clip_age_s_ + window;
    silent_for_s_ = level_db_ < config_.silence_db ? silent_for_s_ + window : 0.0;
    sum_ = sum_sq_ = 0.0;
    count_ = 0;
    clip_seen_ = false;
  }

  LevelMeterConfig config_;
  std::size_t window_samples_;
  std::size_t count_ = 0;
  double sum_ = 0.0;
  double sum_sq_ = 0.0;
  bool clip_seen_ = false;
  bool first_window_ = true;
  double level_db_ = kFloorDb;
  double noise_floor_db_ = kFloorDb;
  double elapsed_s_ = 0.0;
  double clip_age_s_ = 1e9;
  double silent_for_s_ = 0.0;
};

}  // namespace respira::sensors
