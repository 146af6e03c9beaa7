#pragma once
// BreathSoundBands: audio in, log band energies of breath sounds out, at a slow feature
// rate (25 Hz by default).
//
// Why this design: breath noise sits between the heart sounds (strong on a stethoscope,
// mostly below 150 Hz) and hiss; splitting it into three octave-ish bands keeps the
// spectral shape, which is what tells inhalation from exhalation when their loudness is
// alike. High input rates are first low-passed and decimated to about 4x the top band
// edge, so 48 kHz costs little more than 6 kHz. Energies are taken over 10 ms frames in
// dB (loudness is perceived and varies logarithmically), and a 250 ms running median
// removes heart clicks and crackles, which are shorter than any breath sound but
// would otherwise fill the envelope with a second rhythm.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dsp/biquad.hpp"

namespace respira::dsp {

// A running median over a fixed window; memory is allocated once in the constructor.
class SlidingMedian {
 public:
  explicit SlidingMedian(std::size_t window);
  double push(double value) noexcept;  // returns the median of the last `window` values
  void reset() noexcept;

 private:
  std::vector<double> ring_;    // values in arrival order
  std::vector<double> sorted_;  // the same values, sorted
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

class BreathSoundBands {
 public:
  static constexpr std::size_t kBands = 3;

  struct Config {
    double input_rate_hz = 48000.0;
    double feature_rate_hz = 25.0;
    double band_low_hz = 150.0;
    double band_high_hz = 1500.0;  // clipped to 0.45 x the input rate
    double median_window_s = 0.25;
  };

  explicit BreathSoundBands(const Config& config);

  // Feeds one audio sample; returns true when a new feature frame is ready in `db`
  // (energy per band in dB, lowest band first).
  bool push(float sample, std::array<double, kBands>& db) noexcept;

  double feature_rate_hz() const noexcept { return config_.feature_rate_hz; }
  // Time from a sound to the feature frame that reflects it (median + averaging).
  double delay_s() const noexcept { return delay_s_; }
  std::array<double, kBands + 1> band_edges_hz() const noexcept { return edges_; }
  void reset() noexcept;

 private:
  void push_decimated(double x, std::array<double, kBands>& db, bool& ready) noexcept;

  static constexpr std::size_t kFramesPerFeature = 4;

  Config config_;
  std::uint32_t decimation_ = 1;
  std::uint32_t decimation_count_ = 0;
  double working_rate_hz_ = 0.0;
  std::array<double, kBands + 1> edges_{};
  std::array<Biquad, 2> anti_alias_;
  Biquad common_high_pass_;                        // makes the lowest band's heart-sound cut 4th order
  std::array<std::array<Biquad, 2>, kBands> band_;  // high-pass, low-pass per band
  std::array<double, kBands> energy_{};
  std::array<double, kBands> feature_sum_{};
  double frame_length_ = 0.0;   // working-rate samples per frame (may be fractional)
  double frame_position_ = 0.0;
  std::uint32_t frame_samples_ = 0;
  std::uint32_t frames_in_feature_ = 0;
  std::vector<SlidingMedian> medians_;
  double delay_s_ = 0.0;
};

}  // namespace respira::dsp
