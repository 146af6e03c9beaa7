#include "dsp/ripple_notch.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace respira::dsp {

RippleNotch::RippleNotch(const Config& config)
    : config_(config),
      decimator_({config.sample_rate_hz, config.analysis_rate_hz}),
      analysis_rate_hz_(decimator_.output_rate_hz()),
      segment_length_(static_cast<std::size_t>(config.segment_s * analysis_rate_hz_)),
      hop_length_(std::max<std::size_t>(1, static_cast<std::size_t>(config.hop_s * analysis_rate_hz_))),
      fft_(fft_size_at_least(segment_length_)),
      history_(segment_length_),
      window_(segment_length_),
      segment_(segment_length_),
      power_(fft_.bins()),
      notch_({Biquad::Kind::notch, config.sample_rate_hz, 1.0, config.q}),
      breathing_hz_(std::numeric_limits<double>::quiet_NaN()) {
  fill_hann(window_);
}

void RippleNotch::reset() noexcept {
  decimator_.reset();
  head_ = filled_ = since_estimate_ = 0;
  active_ = false;
}

double RippleNotch::process(double x) noexcept {
  float decimated;
  if (decimator_.push(static_cast<float>(x), decimated)) {
    history_[head_] = decimated;
    if (++head_ == segment_length_) head_ = 0;
    filled_ = std::min(filled_ + 1, segment_length_);
    if (filled_ == segment_length_ && ++since_estimate_ >= hop_length_) {
      since_estimate_ = 0;
      const bool was_active = active_;
      estimate();
      if (active_ && !was_active) notch_.reset(x);
    }
  }
  return active_ ? notch_.process(x) : x;
}

void RippleNotch::estimate() noexcept {
  const std::size_t n = segment_length_;
  std::rotate_copy(history_.begin(), history_.begin() + static_cast<std::ptrdiff_t>(head_), history_.end(),
                   segment_.begin());  // oldest first
  double mean = 0.0;
  for (const float v : segment_) mean += v;
  mean /= n;
  for (std::size_t i = 0; i < n; ++i) segment_[i] = static_cast<float>((segment_[i] - mean) * window_[i]);
  fft_.power_spectrum(segment_, power_);

  const double hz_per_bin = analysis_rate_hz_ / fft_.size();
  double lowest = config_.min_ripple_hz;
  if (!std::isnan(breathing_hz_)) lowest = std::max(lowest, config_.breath_harmonics * breathing_hz_);
  const double highest = std::min(config_.max_ripple_hz, 0.45 * analysis_rate_hz_);
  const auto lo = static_cast<std::size_t>(std::ceil(lowest / hz_per_bin));
  const auto hi = std::min(power_.size() - 2, static_cast<std::size_t>(highest / hz_per_bin));
  if (hi <= lo + 4) {
    active_ = false;
    return;
  }
  std::size_t best = lo;
  for (std::size_t k = lo; k <= hi; ++k)
    if (power_[k] > power_[best]) best = k;
  // The line stands out when more than half the band lies `prominence` times below it,
  // i.e. the band's median does: counted, because sorting cost more than the FFT.
  const double quiet_level = power_[best] / config_.prominence;
  const auto quiet = std::count_if(power_.begin() + lo, power_.begin() + hi + 1,
                                   [quiet_level](float p) { return p <= quiet_level; });
  const float breath_peak = *std::max_element(power_.begin() + 1, power_.begin() + lo);
  active_ = best > lo && best < hi && static_cast<std::size_t>(quiet) > (hi - lo) / 2 &&
            power_[best] >= config_.relative_to_breath * breath_peak;
  if (!active_) return;
  ripple_hz_ = (best + peak_offset_bins(power_, best)) * hz_per_bin;
  notch_.design({Biquad::Kind::notch, config_.sample_rate_hz, ripple_hz_, config_.q});
}

}  // namespace respira::dsp
