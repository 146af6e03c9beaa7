#include "dsp/breath_sound.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

#include "dsp/biquad.hpp"
#include "dsp/breath_sound_bands.hpp"
#include "dsp/breath_sound_periodicity.hpp"
#include "dsp/running_stats.hpp"

namespace respira::dsp {

namespace {

// Features whose rhythm is tracked: overall loudness, each band's loudness, and two
// spectral tilts (inhalation and exhalation differ in tilt even when equally loud).
constexpr std::size_t kLoudness = 0;
constexpr std::size_t kFeatures = 3 + BreathSoundBands::kBands;

void make_features(const std::array<double, BreathSoundBands::kBands>& db,
                   std::array<double, kFeatures>& features) noexcept {
  features[kLoudness] = (db[0] + db[1] + db[2]) / 3.0;
  features[1] = db[0];
  features[2] = db[1];
  features[3] = db[2];
  features[4] = db[2] - db[0];
  features[5] = db[1] - db[0];
}

// Renders one feature's component at the breath frequency f0: two high-passes and three
// low-passes, all at f0. After the fourth section the phase at f0 is 0 degrees, after the
// fifth -90 degrees: an in-phase / quadrature pair from which the breath's phase is read.
// The quadrature output peaks a quarter breath after the loudest sound, like lung volume
// after inspiratory flow, and the burst rhythm at 2 f0 is 25 dB down relative to f0.
class BreathBand {
 public:
  BreathBand()
      : filters_{make(Biquad::Kind::high_pass), make(Biquad::Kind::high_pass), make(Biquad::Kind::low_pass),
                 make(Biquad::Kind::low_pass), make(Biquad::Kind::low_pass)} {}

  void tune(double rate_hz, double f0_hz) noexcept {
    for (std::size_t i = 0; i < filters_.size(); ++i) {
      filters_[i].design({.kind = i < 2 ? Biquad::Kind::high_pass : Biquad::Kind::low_pass,
                          .sample_rate_hz = rate_hz,
                          .cutoff_hz = f0_hz});
    }
  }
  // Returns the quadrature output; in_phase receives the in-phase one, scaled to the
  // same amplitude at f0 (each Butterworth section has gain 1/sqrt(2) at its cut-off).
  double process(double x, double& in_phase) noexcept {
    for (std::size_t i = 0; i + 1 < filters_.size(); ++i) x = filters_[i].process(x);
    in_phase = x / std::numbers::sqrt2;
    return filters_.back().process(x);
  }
  // Starts in steady state for a constant input x, so the first breath is not lost
  // in the filters' step response to the envelope's level (tens of dB).
  void reset(double x = 0.0) noexcept {
    filters_[0].reset(x);
    for (std::size_t i = 1; i < filters_.size(); ++i) filters_[i].reset();
  }

 private:
  static Biquad make(Biquad::Kind kind) { return Biquad{{.kind = kind, .sample_rate_hz = 25.0, .cutoff_hz = 0.2}}; }
  std::array<Biquad, 5> filters_;
};

double ema_alpha(double time_constant_s, double rate_hz) { return 1.0 / (time_constant_s * rate_hz); }

}  // namespace

struct BreathSoundFrontEnd::Impl {
  explicit Impl(const BreathSoundConfig& c)
      : config(c),
        bands({.input_rate_hz = c.input_rate_hz,
               .feature_rate_hz = c.output_rate_hz,
               .band_low_hz = c.band_low_hz,
               .band_high_hz = c.band_high_hz}),
        periodicity({.features = kFeatures,
                     .sample_rate_hz = c.output_rate_hz,
                     .min_rate_bpm = c.min_rate_bpm,
                     .max_rate_bpm = c.max_rate_bpm}),
        slow_alpha(ema_alpha(10.0, c.output_rate_hz)),
        level_alpha(ema_alpha(2.0, c.output_rate_hz)) {}

  void on_features(const std::array<double, BreathSoundBands::kBands>& db, float& out) noexcept;
  void on_period() noexcept;
  void reset() noexcept;
  void resume_after_gap(double gap_s) noexcept;

  BreathSoundConfig config;
  BreathSoundBands bands;
  EnvelopePeriodicity periodicity;
  std::array<double, kFeatures> features{};
  std::array<BreathBand, kFeatures> breath_bands{};
  std::array<double, kFeatures> power{};         // running mean square of each rendered feature
  std::array<double, kFeatures> with_loudness{};  // running product with the loudness rendering
  std::array<double, kFeatures> weights{};
  Ring<5> periods;          // recent period estimates (s); their median tunes the renderers
  double tuned_period_s = 0.0;
  int missing_estimates = 0;
  double previous_output = 0.0;
  double previous_angle = 0.0;  // phase of the breath component at the last sample
  double source_phase = 0.0;    // unwrapped phase of the breath component
  double breath_phase = 0.0;    // the rendered oscillator's phase (only moves forward)
  double floor_db = std::numeric_limits<double>::quiet_NaN();
  double level_db = std::numeric_limits<double>::quiet_NaN();
  double slow_alpha;
  double level_alpha;
  double render_alpha = 0.0;
  std::uint64_t rendered_samples = 0;  // since amplitudes were last learned afresh
  bool resuming = false;  // after a gap: renderers restart, the cycle picks up their phase
  BreathPhase phase = BreathPhase::unknown;
};

void BreathSoundFrontEnd::Impl::on_period() noexcept {
  const double period = periodicity.period_s();
  if (std::isnan(period)) {
    // A few seconds without rhythm (noise, speech, silence): stop claiming a rate.
    if (++missing_estimates >= 6) periods.clear();
    return;
  }
  missing_estimates = 0;
  periods.push(period);
  // Weights glide (about 5 s) so the rendered breath has no steps when they change.
  for (std::size_t f = 0; f < kFeatures; ++f) weights[f] += 0.1 * (periodicity.fundamental_weight(f) - weights[f]);
  const double target = periods.median();
  if (tuned_period_s == 0.0 || std::abs(target / tuned_period_s - 1.0) > 0.01) {
    const bool first = tuned_period_s == 0.0;
    // After the first tuning or a jump (often an octave) amplitudes are learned afresh.
    if (first || std::abs(target / tuned_period_s - 1.0) > 0.2) rendered_samples = 0;
    tuned_period_s = target;
    for (std::size_t f = 0; f < kFeatures; ++f) {
      breath_bands[f].tune(config.output_rate_hz, 1.0 / target);
      if (first) breath_bands[f].reset(features[f]);
    }
    // Amplitudes are followed over about two breaths.
    render_alpha = std::min(1.0, 1.0 / (2.0 * target * config.output_rate_hz));
  }
}

void BreathSoundFrontEnd::Impl::on_features(const std::array<double, BreathSoundBands::kBands>& db,
                                            float& out) noexcept {
  make_features(db, features);
  if (periodicity.push(features.data())) on_period();

  // Noise floor follows the quietest moments within ~10 s; level the loud ones within ~2 s.
  const double loud = features[kLoudness];
  if (std::isnan(floor_db)) floor_db = level_db = loud;
  floor_db = loud < floor_db ? loud : floor_db + slow_alpha * (loud - floor_db) * 0.1;
  level_db = loud > level_db ? loud : level_db + level_alpha * (loud - level_db) * 0.2;

  if (tuned_period_s == 0.0) {
    out = 0.0f;
    return;
  }
  if (resuming && rendered_samples == 0)
    for (std::size_t f = 0; f < kFeatures; ++f) breath_bands[f].reset(features[f]);
  std::array<double, kFeatures> rendered{}, in_phase{};
  ++rendered_samples;
  const double alpha = std::max(render_alpha, 1.0 / static_cast<double>(rendered_samples));
  for (std::size_t f = 0; f < kFeatures; ++f) {
    rendered[f] = breath_bands[f].process(features[f], in_phase[f]);
    power[f] += alpha * (rendered[f] * rendered[f] - power[f]);
    with_loudness[f] += slow_alpha * (rendered[f] * rendered[kLoudness] - with_loudness[f]);
  }
  // Combine features in phase with loudness, each at unit power, weighted by how much of
  // its rhythm is at the breath period rather than the burst period.
  double quadrature = 0.0, in_phase_sum = 0.0, weight_sum = 0.0;
  for (std::size_t f = 0; f < kFeatures; ++f) {
    if (power[f] <= 1e-12 || power[kLoudness] <= 1e-12 || weights[f] <= 0.0) continue;
    // The correlation with loudness (not just its sign) keeps a feature whose relation
    // to loudness is unclear from flipping the output.
    const double correlation = std::clamp(with_loudness[f] / std::sqrt(power[f] * power[kLoudness]), -1.0, 1.0);
    const double scale = weights[f] * correlation / std::sqrt(power[f]);
    quadrature += scale * rendered[f];
    in_phase_sum += scale * in_phase[f];
    weight_sum += weights[f] * std::abs(correlation);
  }
  if (weight_sum > 0.0) {
    quadrature /= weight_sum;
    in_phase_sum /= weight_sum;
  }
  // Features are at unit power, so a coherent breath component has an amplitude near 1.
  const double amplitude2 = quadrature * quadrature + in_phase_sum * in_phase_sum;
  // The output is a unit oscillator that follows the breath component's phase but never
  // turns back: it advances only when that phase passes its furthest point so far (at
  // most three times the expected speed), so amplitude wobbles and phase jitter can
  // neither add nor remove breaths, and jitter does not bias the rate. It stalls while
  // the breath component is too weak to carry a phase.
  const double angle = std::atan2(quadrature, in_phase_sum);
  if (amplitude2 > 0.01) {
    const double expected = 2.0 * std::numbers::pi / (tuned_period_s * config.output_rate_hz);
    // After a gap the renderers' phase is taken up where it stands nearest the cycle's.
    if (resuming) previous_angle = breath_phase;
    resuming = false;
    source_phase += std::remainder(angle - previous_angle, 2.0 * std::numbers::pi);
    if (source_phase > breath_phase) breath_phase += std::min(source_phase - breath_phase, 3.0 * expected);
  }
  previous_angle = angle;
  if (breath_phase > 1e6) {  // keep both phases small without changing their difference
    const double turns = 2.0 * std::numbers::pi * std::floor(breath_phase / (2.0 * std::numbers::pi));
    breath_phase -= turns;
    source_phase -= turns;
  }
  const double value = std::sin(breath_phase);
  out = static_cast<float>(value);

  const bool quiet = loud < floor_db + 0.25 * (level_db - floor_db);
  phase = quiet ? BreathPhase::pause : (value >= previous_output ? BreathPhase::inhale : BreathPhase::exhale);
  previous_output = value;
}

void BreathSoundFrontEnd::Impl::resume_after_gap(double gap_s) noexcept {
  // A gap keeps the rhythm as long as a rhythm lost in noise would hold.
  if (!(gap_s >= 0.0) || gap_s > periodicity.config().hold_s || tuned_period_s == 0.0) {
    reset();
    return;
  }
  bands.reset();
  periodicity.skip(static_cast<std::size_t>(std::lround(gap_s * config.output_rate_hz)));
  rendered_samples = 0;
  source_phase = breath_phase;
  resuming = true;
}

void BreathSoundFrontEnd::Impl::reset() noexcept {
  bands.reset();
  periodicity.reset();
  for (auto& band : breath_bands) band.reset();
  power.fill(0.0);
  with_loudness.fill(0.0);
  weights.fill(0.0);
  periods.clear();
  tuned_period_s = 0.0;
  missing_estimates = 0;
  rendered_samples = 0;
  previous_output = 0.0;
  previous_angle = 0.0;
  source_phase = 0.0;
  breath_phase = 0.0;
  resuming = false;
  floor_db = level_db = std::numeric_limits<double>::quiet_NaN();
  phase = BreathPhase::unknown;
}

BreathSoundFrontEnd::BreathSoundFrontEnd(const BreathSoundConfig& config)
    : impl_(std::make_unique<Impl>(config)) {}
BreathSoundFrontEnd::~BreathSoundFrontEnd() = default;
BreathSoundFrontEnd::BreathSoundFrontEnd(BreathSoundFrontEnd&&) noexcept = default;
BreathSoundFrontEnd& BreathSoundFrontEnd::operator=(BreathSoundFrontEnd&&) noexcept = default;

std::size_t BreathSoundFrontEnd::process(std::span<const float> audio, std::span<float> out,
                                         std::span<float> loudness_db) noexcept {
  std::size_t written = 0;
  std::array<double, BreathSoundBands::kBands> db{};
  for (const float sample : audio) {
    if (!impl_->bands.push(sample, db)) continue;
    float value = 0.0f;
    impl_->on_features(db, value);
    if (written < loudness_db.size()) loudness_db[written] = static_cast<float>(impl_->features[kLoudness]);
    if (written < out.size()) out[written++] = value;
  }
  return written;
}

std::size_t BreathSoundFrontEnd::max_output_for(std::size_t input_samples) const noexcept {
  const double per_sample = impl_->config.output_rate_hz / impl_->config.input_rate_hz;
  return static_cast<std::size_t>(std::ceil(static_cast<double>(input_samples) * per_sample)) + 1;
}

double BreathSoundFrontEnd::output_rate_hz() const noexcept { return impl_->bands.feature_rate_hz(); }

double BreathSoundFrontEnd::rate_hint_bpm() const noexcept {
  return impl_->periods.size() == 0 ? kNoValue : 60.0 / impl_->periods.median();
}

double BreathSoundFrontEnd::signal_quality() const noexcept {
  if (impl_->periods.size() == 0 || std::isnan(impl_->level_db)) return 0.0;
  // Breath sounds should swing the loudness by several dB above the floor.
  const double depth = std::clamp((impl_->level_db - impl_->floor_db - 3.0) / 9.0, 0.0, 1.0);
  return std::clamp(impl_->periodicity.strength() / 0.5, 0.0, 1.0) * depth;
}

void BreathSoundFrontEnd::resume_after_gap(double gap_s) noexcept { impl_->resume_after_gap(gap_s); }
BreathPhase BreathSoundFrontEnd::phase() const noexcept { return impl_->phase; }
double BreathSoundFrontEnd::delay_s() const noexcept { return impl_->bands.delay_s(); }
void BreathSoundFrontEnd::reset() noexcept { impl_->reset(); }
const BreathSoundConfig& BreathSoundFrontEnd::config() const noexcept { return impl_->config; }

}  // namespace respira::dsp
