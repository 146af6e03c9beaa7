#include "dsp/spectral_rate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace respira::dsp {

SpectralRateEstimator::SpectralRateEstimator(const Config& config)
    : config_(config),
      decimator_({config.input_rate_hz, config.analysis_rate_hz}),
      rate_hz_(decimator_.output_rate_hz()),
      segment_length_(static_cast<std::size_t>(config.segment_s * rate_hz_)),
      hop_length_(std::max<std::size_t>(1, static_cast<std::size_t>(config.hop_s * rate_hz_))),
      first_length_(std::clamp<std::size_t>(static_cast<std::size_t>(config.first_estimate_s * rate_hz_), 4,
                                            segment_length_)),
      fft_(fft_size_at_least(2 * segment_length_)),  // zero-padded x2; interpolation does the rest
      history_(segment_length_),
      window_(segment_length_),
      segment_(segment_length_),
      power_(fft_.bins()),
      partial_window_(segment_length_),
      periodograms_(config.segments * fft_.bins()),
      rate_bpm_(std::numeric_limits<double>::quiet_NaN()) {
  fill_hann(window_);
}

void SpectralRateEstimator::reset() noexcept {
  decimator_.reset();
  head_ = filled_ = since_estimate_ = 0;
  periodogram_count_ = next_periodogram_ = 0;
}

bool SpectralRateEstimator::push(float x) noexcept {
  float y;
  if (!decimator_.push(x, y)) return false;
  history_[head_] = y;
  if (++head_ == segment_length_) head_ = 0;
  filled_ = std::min(filled_ + 1, segment_length_);
  if (++since_estimate_ < hop_length_ || filled_ < first_length_) return false;
  since_estimate_ = 0;
  estimate();
  return true;
}

void SpectralRateEstimator::estimate() noexcept {
  // Oldest-first copy with the least-squares line removed (drift would leak into the
  // lowest bins and masquerade as very slow breathing). Until the ring is full it holds
  // its samples from index 0 on, oldest first, so the partial segment is that prefix.
  const bool partial = filled_ < segment_length_;
  const std::size_t n = filled_;
  if (partial) {
    std::copy_n(history_.begin(), n, segment_.begin());
  } else {
    std::rotate_copy(history_.begin(), history_.begin() + static_cast<std::ptrdiff_t>(head_), history_.end(),
                     segment_.begin());
  }
  double sx = 0, sxy = 0;
  const double mid = 0.5 * (n - 1);
  for (std::size_t i = 0; i < n; ++i) {
    const double v = segment_[i];
    sx += v;
    sxy += (i - mid) * v;
  }
  const double mean = sx / n;
  const double sxx = n * (static_cast<double>(n) * n - 1) / 12.0;
  const double slope = sxy / sxx;
  std::span<const float> window = window_;
  if (partial) {
    fill_hann(std::span<float>(partial_window_).first(n));
    window = std::span<const float>(partial_window_).first(n);
  }
  for (std::size_t i = 0; i < n; ++i)
    segment_[i] = static_cast<float>((segment_[i] - mean - slope * (i - mid)) * window[i]);

  const std::size_t bins = fft_.bins();
  fft_.power_spectrum(std::span<const float>(segment_).first(n), power_);
  // A partial segment stands alone: averaged with whole ones its wider peak would blur them.
  if (!partial) {
    std::copy(power_.begin(), power_.end(), periodograms_.begin() + next_periodogram_ * bins);
    next_periodogram_ = (next_periodogram_ + 1) % config_.segments;
    periodogram_count_ = std::min(periodogram_count_ + 1, config_.segments);
    std::fill(power_.begin(), power_.end(), 0.0f);
    for (std::size_t s = 0; s < periodogram_count_; ++s)
      for (std::size_t k = 0; k < bins; ++k) power_[k] += periodograms_[s * bins + k];
  }

  const double hz_per_bin = rate_hz_ / fft_.size();
  const auto bin_of = [&](double bpm) {
    return std::min(bins - 1, static_cast<std::size_t>(std::lround(bpm / 60.0 / hz_per_bin)));
  };
  const std::size_t lo = std::max<std::size_t>(1, bin_of(config_.min_rate_bpm));
  const std::size_t hi = bin_of(config_.max_rate_bpm);
  std::size_t best = lo;
  double total = 0.0;
  for (std::size_t k = lo; k <= hi; ++k) {
    total += power_[k];
    if (power_[k] > power_[best]) best = k;
  }
  if (!(total > 0.0)) {
    rate_bpm_ = std::numeric_limits<double>::quiet_NaN();
    concentration_ = 0.0;
    return;
  }
  const double offset = best > lo && best < hi ? peak_offset_bins(power_, best) : 0.0;
  const double line_hz = (best + offset) * hz_per_bin;
  if (partial && 2.0 / line_hz > static_cast<double>(n) / rate_hz_) {
    rate_bpm_ = std::numeric_limits<double>::quiet_NaN();
    concentration_ = 0.0;
    return;
  }
  rate_bpm_ = line_hz * 60.0;
  // Share of the band's power within +-15 % of the peak and of its first harmonic.
  // Rescaled so that white noise (whose share equals the share of bins) scores 0.
  double near = 0.0;
  std::size_t near_bins = 0;
  for (const double centre : {static_cast<double>(best), 2.0 * best}) {
    const std::size_t from = static_cast<std::size_t>(centre * 0.85);
    const std::size_t to = std::min(hi, static_cast<std::size_t>(std::ceil(centre * 1.15)));
    for (std::size_t k = std::max(from, lo); k <= to; ++k, ++near_bins) near += power_[k];
  }
  const double chance = static_cast<double>(near_bins) / (hi - lo + 1);
  concentration_ = chance < 1.0 ? std::clamp((near / total - chance) / (1.0 - chance), 0.0, 1.0) : 0.0;
}

}  // namespace respira::dsp
