#include "dsp/breath_sound_bands.hpp"

#include <algorithm>
#include <cmath>

namespace respira::dsp {

SlidingMedian::SlidingMedian(std::size_t window)
    : ring_(std::max<std::size_t>(window, 1)), sorted_(std::max<std::size_t>(window, 1)) {}

double SlidingMedian::push(double value) noexcept {
  const std::size_t capacity = ring_.size();
  if (size_ == capacity) {
    // Drop the oldest value from the sorted copy.
    const double oldest = ring_[head_];
    auto it = std::lower_bound(sorted_.begin(), sorted_.begin() + size_, oldest);
    std::copy(it + 1, sorted_.begin() + size_, it);
    --size_;
  }
  ring_[head_] = value;
  head_ = (head_ + 1) % capacity;
  auto pos = std::upper_bound(sorted_.begin(), sorted_.begin() + size_, value);
  std::copy_backward(pos, sorted_.begin() + size_, sorted_.begin() + size_ + 1);
  *pos = value;
  ++size_;
  return size_ % 2 ? sorted_[size_ / 2] : 0.5 * (sorted_[size_ / 2 - 1] + sorted_[size_ / 2]);
}

void SlidingMedian::reset() noexcept {
  head_ = 0;
  size_ = 0;
}

namespace {

Biquad make_filter(Biquad::Kind kind, double rate_hz, double cutoff_hz) {
  return Biquad{{.kind = kind, .sample_rate_hz = rate_hz, .cutoff_hz = cutoff_hz}};
}

// Decimate so that the working rate stays at least 4x the top band edge.
std::uint32_t decimation_for(double input_rate_hz, double band_high_hz) {
  return static_cast<std::uint32_t>(std::max(1.0, std::floor(input_rate_hz / (4.0 * band_high_hz))));
}

}  // namespace

BreathSoundBands::BreathSoundBands(const Config& config)
    : config_(config),
      decimation_(decimation_for(config.input_rate_hz, config.band_high_hz)),
      working_rate_hz_(config.input_rate_hz / decimation_),
      anti_alias_{make_filter(Biquad::Kind::low_pass, config.input_rate_hz,
                              std::min(1.1 * config.band_high_hz, 0.45 * config.input_rate_hz / decimation_)),
                  make_filter(Biquad::Kind::low_pass, config.input_rate_hz,
                              std::min(1.1 * config.band_high_hz, 0.45 * config.input_rate_hz / decimation_))},
      common_high_pass_(make_filter(Biquad::Kind::high_pass, working_rate_hz_, config.band_low_hz)),
      band_{{{make_filter(Biquad::Kind::high_pass, 1, 0.1), make_filter(Biquad::Kind::low_pass, 1, 0.1)},
             {make_filter(Biquad::Kind::high_pass, 1, 0.1), make_filter(Biquad::Kind::low_pass, 1, 0.1)},
             {make_filter(Biquad::Kind::high_pass, 1, 0.1), make_filter(Biquad::Kind::low_pass, 1, 0.1)}}} {
  // Bands equally spaced on a log axis between the low edge and the (clipped) top edge.
  const double top = std::min(config.band_high_hz, 0.45 * working_rate_hz_);
  const double low = std::min(config.band_low_hz, 0.5 * top);
  for (std::size_t b = 0; b <= kBands; ++b) {
    edges_[b] = low * std::pow(top / low, static_cast<double>(b) / kBands);
  }
  for (std::size_t b = 0; b < kBands; ++b) {
    band_[b][0].design({.kind = Biquad::Kind::high_pass, .sample_rate_hz = working_rate_hz_,
                        .cutoff_hz = edges_[b]});
    band_[b][1].design({.kind = Biquad::Kind::low_pass, .sample_rate_hz = working_rate_hz_,
                        .cutoff_hz = edges_[b + 1]});
  }
  const double frame_rate_hz = config.feature_rate_hz * kFramesPerFeature;
  frame_length_ = working_rate_hz_ / frame_rate_hz;
  const auto median_frames =
      static_cast<std::size_t>(std::max(1.0, std::round(config.median_window_s * frame_rate_hz)));
  medians_.reserve(kBands);
  for (std::size_t b = 0; b < kBands; ++b) medians_.emplace_back(median_frames);
  // A running median lags by half its window; the feature average by half a feature period.
  delay_s_ = 0.5 * median_frames / frame_rate_hz + 0.5 / config.feature_rate_hz;
}

bool BreathSoundBands::push(float sample, std::array<double, kBands>& db) noexcept {
  bool ready = false;
  if (decimation_ == 1) {
    push_decimated(sample, db, ready);
    return ready;
  }
  const double x = anti_alias_[1].process(anti_alias_[0].process(sample));
  if (++decimation_count_ == decimation_) {
    decimation_count_ = 0;
    push_decimated(x, db, ready);
  }
  return ready;
}

void BreathSoundBands::push_decimated(double x, std::array<double, kBands>& db, bool& ready) noexcept {
  const double common = common_high_pass_.process(x);
  for (std::size_t b = 0; b < kBands; ++b) {
    const double y = band_[b][1].process(band_[b][0].process(common));
    energy_[b] += y * y;
  }
  ++frame_samples_;
  frame_position_ += 1.0;
  if (frame_position_ < frame_length_) return;
  frame_position_ -= frame_length_;

  // The floor keeps digital silence finite (-140 dB re full scale).
  constexpr double kFloor = 1e-14;
  for (std::size_t b = 0; b < kBands; ++b) {
    const double frame_db = 10.0 * std::log10(energy_[b] / frame_samples_ + kFloor);
    feature_sum_[b] += medians_[b].push(frame_db);
    energy_[b] = 0.0;
  }
  frame_samples_ = 0;
  if (++frames_in_feature_ < kFramesPerFeature) return;
  for (std::size_t b = 0; b < kBands; ++b) {
    db[b] = feature_sum_[b] / kFramesPerFeature;
    feature_sum_[b] = 0.0;
  }
  frames_in_feature_ = 0;
  ready = true;
}

void BreathSoundBands::reset() noexcept {
  for (auto& f : anti_alias_) f.reset();
  common_high_pass_.reset();
  for (auto& pair : band_) {
    for (auto& f : pair) f.reset();
  }
  energy_.fill(0.0);
  feature_sum_.fill(0.0);
  frame_position_ = 0.0;
  frame_samples_ = 0;
  frames_in_feature_ = 0;
  decimation_count_ = 0;
  for (auto& m : medians_) m.reset();
}

}  // namespace respira::dsp
