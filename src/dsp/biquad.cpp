#include "dsp/biquad.hpp"

#include <algorithm>
#include <cmath>

namespace respira::dsp {

void Biquad::design(const Config& config) noexcept {
  kind_ = config.kind;
  const double nyquist_guard = 0.45 * config.sample_rate_hz;
  const double w0 = 2.0 * std::numbers::pi * std::min(config.cutoff_hz, nyquist_guard) /
                    config.sample_rate_hz;
  const double cw = std::cos(w0);
  const double alpha = std::sin(w0) / (2.0 * config.q);
  const double a0 = 1.0 + alpha;
  switch (config.kind) {
    case Kind::low_pass:
      b0_ = (1.0 - cw) / 2.0 / a0;
      b1_ = (1.0 - cw) / a0;
      break;
    case Kind::high_pass:
      b0_ = (1.0 + cw) / 2.0 / a0;
      b1_ = -(1.0 + cw) / a0;
      break;
    case Kind::notch:
      b0_ = 1.0 / a0;
      b1_ = -2.0 * cw / a0;
      break;
  }
  b2_ = b0_;
  a1_ = -2.0 * cw / a0;
  a2_ = (1.0 - alpha) / a0;
  // d/dw of the phase at w = 0: sum(n b_n)/sum(b_n) - sum(n a_n)/sum(a_n) samples.
  const double sum_b = b0_ + b1_ + b2_;
  const double sum_a = 1.0 + a1_ + a2_;
  const double delay_samples =
      (config.kind == Kind::high_pass ? 0.0 : (b1_ + 2.0 * b2_) / sum_b) - (a1_ + 2.0 * a2_) / sum_a;
  group_delay_s_ = delay_samples / config.sample_rate_hz;
}

void Biquad::reset(double x) noexcept {
  const double y = kind_ == Kind::high_pass ? 0.0 : x;
  x1_ = x2_ = x;
  y1_ = y2_ = y;
}

}  // namespace respira::dsp
