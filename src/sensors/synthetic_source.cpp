#include "sensors/synthetic_source.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace respira::sensors {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kSighDepth = 2.2;
constexpr double kSighInhaleStretch = 1.6;
constexpr double kDriftPeriodS = 90.0;
constexpr double kCoughSpikeSpacingS = 0.35;
constexpr double kCoughSpikeWidthS = 0.05;
constexpr double kCoughAmplitude = 1.5;
constexpr double kSpeechDurationS = 3.0;
constexpr double kSpeechAmplitude = 0.35;
constexpr double kSpeechFrequenciesHz[3] = {2.3, 3.7, 5.3};

// Rises 0 -> 1 with zero slope at both ends.
double raised_cosine(double x) { return 0.5 - 0.5 * std::cos(kPi * std::clamp(x, 0.0, 1.0)); }

// Position inside a periodic schedule: seconds since the latest occurrence, or -1 before
// the first one (occurrences at every, 2*every, ...).
double since_occurrence(double t, double every) {
  if (every <= 0.0 || t < every) return -1.0;
  return std::fmod(t, every);
}

}  // namespace

void validate(const SyntheticConfig& c) {
  if (!(c.sample_rate_hz > 0.0)) throw std::invalid_argument("sample rate must be positive");
  if (!(c.rate_bpm > 0.0 && c.rate_bpm <= 120.0))
    throw std::invalid_argument("breathing rate must be between 0 and 120 breaths/min");
  if (!(c.ie_ratio > 0.0)) throw std::invalid_argument("I:E ratio must be positive");
  if (c.inhale_hold_s < 0.0 || c.exhale_hold_s < 0.0)
    throw std::invalid_argument("holds cannot be negative");
  if (c.inhale_hold_s + c.exhale_hold_s >= 0.9 * 60.0 / c.rate_bpm)
    throw std::invalid_argument("holds leave no time to breathe at this rate");
  if (c.rate_jitter < 0.0 || c.rate_jitter > 0.3)
    throw std::invalid_argument("rate jitter must be within 0..0.3");
  if (c.noise_rms < 0.0) throw std::invalid_argument("noise cannot be negative");
  if (c.dropout_every_s > 0.0 && !(c.dropout_s > 0.0 && c.dropout_s < c.dropout_every_s))
    throw std::invalid_argument("dropout must be shorter than its period");
}

SyntheticBreather::SyntheticBreather(const SyntheticConfig& config)
    : config_(config), rng_(config.seed), next_sigh_s_(config.sigh_every_s) {
  validate(config_);
  std::uniform_real_distribution<double> phase(0.0, 2.0 * kPi);
  for (double& p : speech_phase_) p = phase(rng_);
  begin_breath(0.0);
}

void SyntheticBreather::begin_breath(double start_s) {
  double period = 60.0 / config_.rate_bpm;
  if (config_.rate_jitter > 0.0) {
    const double factor = 1.0 + config_.rate_jitter * std::clamp(unit_normal_(rng_), -3.0, 3.0);
    period *= factor;
  }
  const double holds = config_.inhale_hold_s + config_.exhale_hold_s;
  const double active = std::max(period - holds, 0.1 * period);
  breath_ = SyntheticBreath{};
  breath_.start_s = start_s;
  breath_.inhale_s = active * config_.ie_ratio / (1.0 + config_.ie_ratio);
  breath_.exhale_s = active - breath_.inhale_s;
  breath_.inhale_hold_s = config_.inhale_hold_s;
  breath_.exhale_hold_s = config_.exhale_hold_s;
  if (config_.sigh_every_s > 0.0 && start_s >= next_sigh_s_) {
    breath_.sigh = true;
    breath_.depth = kSighDepth;
    breath_.inhale_s *= kSighInhaleStretch;
    next_sigh_s_ += config_.sigh_every_s;
  }
}

double SyntheticBreather::breath_shape(double t) const {
  // -1 at the trough (inhalation onset), -1 + 2 * depth at the peak.
  const SyntheticBreath& b = breath_;
  double x = t - b.start_s;
  double rise;
  if (x < b.inhale_s) {
    rise = raised_cosine(x / b.inhale_s);
  } else if ((x -= b.inhale_s) < b.inhale_hold_s) {
    rise = 1.0;
  } else if ((x -= b.inhale_hold_s) < b.exhale_s) {
    rise = 1.0 - raised_cosine(x / b.exhale_s);
  } else {
    rise = 0.0;
  }
  return -1.0 + 2.0 * b.depth * rise;
}

double SyntheticBreather::artefacts(double t) {
  double value = 0.0;
  if (const double c = since_occurrence(t, config_.cough_every_s); c >= 0.0) {
    for (int spike = 0; spike < 3; ++spike) {
      const double d = (c - spike * kCoughSpikeSpacingS - kCoughSpikeWidthS * 3) / kCoughSpikeWidthS;
      value += kCoughAmplitude * std::exp(-0.5 * d * d);
    }
  }
  if (const double s = since_occurrence(t, config_.speech_every_s);
      s >= 0.0 && s < kSpeechDurationS) {
    const double envelope = std::sin(kPi * s / kSpeechDurationS);
    double v = 0.0;
    for (int k = 0; k < 3; ++k)
      v += std::sin(2.0 * kPi * kSpeechFrequenciesHz[k] * t + speech_phase_[k]);
    value += kSpeechAmplitude * envelope * v / 1.5;
  }
  if (config_.drift_amplitude > 0.0)
    value += config_.drift_amplitude * std::sin(2.0 * kPi * t / kDriftPeriodS);
  return value;
}

bool SyntheticBreather::in_dropout(double t) const {
  const double d = since_occurrence(t, config_.dropout_every_s);
  return d >= 0.0 && d < config_.dropout_s;
}

float SyntheticBreather::next() {
  const double t = time_s();
  ++index_;
  while (t >= breath_.end_s()) begin_breath(breath_.end_s());
  double value = breath_shape(t) + artefacts(t);
  if (config_.noise_rms > 0.0) value += config_.noise_rms * unit_normal_(rng_);
  return static_cast<float>(value);
}

SyntheticSource::SyntheticSource(SyntheticConfig config, std::string spec,
                                 std::shared_ptr<const Clock> clock)
    : config_(config),
      spec_(std::move(spec)),
      pacer_(std::move(clock), config.sample_rate_hz),
      breather_(config),
      level_(LevelMeterConfig{.sample_rate_hz = config.sample_rate_hz,
                              .window_s = 2.0,
                              .clip_threshold = 1e9,
                              .silence_db = -120.0,
                              .remove_mean = true}) {}

void SyntheticSource::open() {}
void SyntheticSource::start() {
  pacer_.start();
  running_ = true;
}
void SyntheticSource::stop() { running_ = false; }
void SyntheticSource::close() { running_ = false; }

SourceInfo SyntheticSource::info() const {
  return SourceInfo{.spec = spec_,
                    .kind = "synthetic",
                    .device_name = "synthetic breather",
                    .sample_rate_hz = config_.sample_rate_hz,
                    .signal_kind = dsp::SignalKind::belt};
}

std::uint64_t SyntheticSource::total_samples() const {
  if (!std::isfinite(config_.duration_s)) return std::numeric_limits<std::uint64_t>::max();
  return static_cast<std::uint64_t>(std::llround(config_.duration_s * config_.sample_rate_hz));
}

SourceHealth SyntheticSource::health() const {
  SourceHealth h;
  h.connected = running_;
  h.finished = generated_ >= total_samples();
  h.level_db = level_.level_db();
  h.noise_floor_db = level_.noise_floor_db();
  h.samples_delivered = delivered_;
  h.gaps = gaps_;
  return h;
}

ReadResult SyntheticSource::read(std::span<float> out) {
  ReadResult result;
  if (!running_) return result;
  const std::uint64_t due = std::min(pacer_.due(), total_samples());
  while (generated_ < due && result.count < out.size()) {
    if (breather_.in_dropout(breather_.time_s())) {
      if (result.count > 0) break;  // the gap is reported before the next samples
      breather_.next();
      ++generated_;
      ++gap_samples_;
      continue;
    }
    if (gap_samples_ > 0) {
      result.gap_before_s = static_cast<double>(gap_samples_) / config_.sample_rate_hz;
      gap_samples_ = 0;
      ++gaps_;
    }
    out[result.count++] = breather_.next();
    ++generated_;
  }
  delivered_ += result.count;
  level_.process(out.first(result.count));
  return result;
}

double SyntheticSource::stream_time_s() const {
  return static_cast<double>(generated_) / config_.sample_rate_hz;
}

}  // namespace respira::sensors
