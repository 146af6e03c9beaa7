#pragma once
// Biquad: second-order IIR section (Butterworth low-pass / high-pass and notch by the
// bilinear transform, coefficients per the RBJ audio EQ cookbook).
//
// Why: two poles give enough roll-off to take heartbeat ripple and sensor noise off a
// respiration trace at a few multiply-adds per sample, with a small, known group delay
// (reported by group_delay_s() so detectors can time-stamp events at the true input
// time). Direct form I in double precision stays stable at cut-offs far below the
// sample rate, where float direct form II loses precision.

#include <numbers>

namespace respira::dsp {

class Biquad {
 public:
  enum class Kind { low_pass, high_pass, notch };
  struct Config {
    Kind kind = Kind::low_pass;
    double sample_rate_hz = 25.0;
    double cutoff_hz = 1.0;  // a notch's centre
    double q = std::numbers::sqrt2 / 2.0;  // Butterworth; for a notch, centre / bandwidth
  };

  explicit Biquad(const Config& config) noexcept { design(config); }

  void design(const Config& config) noexcept;

  double process(double x) noexcept {
    const double y = b0_ * x + b1_ * x1_ + b2_ * x2_ - a1_ * y1_ - a2_ * y2_;
    x2_ = x1_;
    x1_ = x;
    y2_ = y1_;
    y1_ = y;
    return y;
  }

  // Starts the filter in steady state for a constant input x (no start-up transient).
  void reset(double x = 0.0) noexcept;

  // Group delay at 0 Hz in seconds: how late a slow waveform's features come out.
  double group_delay_s() const noexcept { return group_delay_s_; }

 private:
  double b0_ = 1, b1_ = 0, b2_ = 0, a1_ = 0, a2_ = 0;
  double x1_ = 0, x2_ = 0, y1_ = 0, y2_ = 0;
  double group_delay_s_ = 0;
  Kind kind_ = Kind::low_pass;
};

}  // namespace respira::dsp
