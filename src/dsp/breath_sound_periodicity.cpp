#include "dsp/breath_sound_periodicity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace respira::dsp {

EnvelopePeriodicity::EnvelopePeriodicity(const Config& config)
    : config_(config),
      min_lag_(static_cast<std::size_t>(std::max(2.0, std::floor(60.0 / config_.max_rate_bpm * config_.sample_rate_hz)))),
      period_lags_(static_cast<std::size_t>(std::ceil(60.0 / config_.min_rate_bpm * config_.sample_rate_hz))),
      max_lag_(static_cast<std::size_t>(std::ceil(1.5 * 60.0 / config_.min_rate_bpm * config_.sample_rate_hz)) + 1),
      alpha_(1.0 / (config_.memory_s * config_.sample_rate_hz)),
      update_every_(static_cast<std::size_t>(std::max(1.0, std::round(config_.update_interval_s * config_.sample_rate_hz)))),
      warm_up_(static_cast<std::size_t>(config_.warm_up_s * config_.sample_rate_hz)),
      switch_after_(static_cast<std::size_t>(std::max(1.0, std::round(config_.switch_after_s / config_.update_interval_s)))),
      mean_(config_.features, 0.0),
      history_(config_.features * (max_lag_ + 1), 0.0),
      acf_(config_.features * (max_lag_ + 1), 0.0),
      sum_(max_lag_ + 2, 0.0),
      weights_(config_.features, 0.0),
      period_s_(std::numeric_limits<double>::quiet_NaN()),
      held_period_s_(std::numeric_limits<double>::quiet_NaN()) {}

bool EnvelopePeriodicity::push(const double* values) noexcept {
  const std::size_t stride = max_lag_ + 1;
  ++count_;
  const double mean_alpha = std::max(alpha_, 1.0 / static_cast<double>(count_));
  const std::size_t lags = std::min(max_lag_, count_ - 1);
  for (std::size_t f = 0; f < config_.features; ++f) {
    mean_[f] += mean_alpha * (values[f] - mean_[f]);
    const double centred = values[f] - mean_[f];
    double* ring = &history_[f * stride];
    double* acf = &acf_[f * stride];
    ring[head_] = centred;
    std::size_t index = head_;
    if (static_cast<double>(count_ - lags) * alpha_ >= 1.0) {
      // Steady state: every lag forgets at the same rate.
      for (std::size_t lag = 0; lag <= lags; ++lag) {
        acf[lag] += alpha_ * (centred * ring[index] - acf[lag]);
        index = index == 0 ? max_lag_ : index - 1;
      }
      continue;
    }
    for (std::size_t lag = 0; lag <= lags; ++lag) {
      // Early on each lag averages the products it has seen so far, then forgets slowly.
      const double a = std::max(alpha_, 1.0 / static_cast<double>(count_ - lag));
      acf[lag] += a * (centred * ring[index] - acf[lag]);
      index = index == 0 ? max_lag_ : index - 1;
    }
  }
  head_ = head_ == max_lag_ ? 0 : head_ + 1;
  if (++since_update_ < update_every_) return false;
  since_update_ = 0;
  estimate();
  return true;
}

void EnvelopePeriodicity::skip(std::size_t samples) noexcept {
  const std::size_t stride = max_lag_ + 1;
  // Only the last max_lag_+1 samples are ever read: a longer gap leaves the ring all neutral.
  for (std::size_t i = 0; i < std::min(samples, stride); ++i) {
    for (std::size_t f = 0; f < config_.features; ++f) history_[f * stride + head_] = 0.0;
    head_ = head_ == max_lag_ ? 0 : head_ + 1;
  }
  count_ += samples;
}

double EnvelopePeriodicity::normalised(std::size_t f, std::size_t lag) const noexcept {
  const double* acf = &acf_[f * (max_lag_ + 1)];
  return acf[0] > 1e-12 ? acf[lag] / acf[0] : 0.0;
}

bool EnvelopePeriodicity::is_peak(std::size_t lag) const noexcept {
  return lag >= 1 && lag <= usable_ && sum_[lag] >= sum_[lag - 1] && sum_[lag] >= sum_[lag + 1];
}

double EnvelopePeriodicity::best_near(double lag, double& at) const noexcept {
  const auto lo = static_cast<std::size_t>(std::max(1.0, std::floor(0.85 * lag)));
  const auto hi = std::min(usable_, static_cast<std::size_t>(std::ceil(1.15 * lag)));
  double best = -std::numeric_limits<double>::infinity();
  at = lag;
  for (std::size_t l = lo; l <= hi; ++l) {
    if (is_peak(l) && sum_[l] > best) {
      best = sum_[l];
      at = static_cast<double>(l);
    }
  }
  return best;
}

void EnvelopePeriodicity::estimate() noexcept {
  const std::size_t usable = std::min(max_lag_ - 1, count_ / 2);  // need two periods of history
  if (usable <= min_lag_ + 1 || config_.features == 0 || count_ < warm_up_) return;
  usable_ = usable;
  for (std::size_t lag = 0; lag <= usable + 1; ++lag) {
    double s = 0.0;
    for (std::size_t f = 0; f < config_.features; ++f) s += normalised(f, lag);
    sum_[lag] = s / static_cast<double>(config_.features);
  }
  // Periods are searched up to 1 / min rate; the longer lags only serve the pairing test.
  const std::size_t longest = std::min(usable, period_lags_);
  double strongest = -std::numeric_limits<double>::infinity();
  for (std::size_t lag = min_lag_; lag <= longest; ++lag) {
    if (is_peak(lag)) strongest = std::max(strongest, sum_[lag]);
  }
  if (strongest < config_.min_correlation) {
    if (!std::isnan(period_s_)) held_period_s_ = period_s_;
    ++lost_estimates_;
    period_s_ = std::numeric_limits<double>::quiet_NaN();
    strength_ = std::max(0.0, strongest);
    std::fill(weights_.begin(), weights_.end(), 0.0);
    return;
  }
  // The shortest lag that repeats nearly as well as the best one: the best is easily a
  // multiple of the true period.
  std::size_t first = min_lag_;
  while (!(is_peak(first) && sum_[first] >= config_.repeat_ratio * strongest)) ++first;
  double lag = static_cast<double>(first);
  // That lag may still be the burst period (inhale, exhale, inhale...). The pair is the
  // breath when the rhythm repeats better at even multiples of the lag than at odd ones,
  // and some feature (loudness, tilt) tells successive bursts apart.
  if (3.0 * lag <= static_cast<double>(usable)) {
    double pair_lag = 0.0, triple_lag = 0.0;
    const double pair = best_near(2.0 * lag, pair_lag);
    const double odd = std::max(sum_[first], best_near(3.0 * lag, triple_lag));
    double alternation = -1.0;
    for (std::size_t f = 0; f < config_.features; ++f) {
      alternation = std::max(alternation, normalised(f, static_cast<std::size_t>(pair_lag)) - normalised(f, first));
    }
    if (pair >= config_.min_correlation && pair - odd >= config_.even_margin && alternation >= config_.alternation) {
      lag = pair_lag;
    }
  }
  // A jump away from the current period (most often an octave) is believed only once it
  // has persisted; meanwhile the current period keeps tracking its own peak.
  // A rhythm lost only briefly (a cough, a pause, noise) still holds: a different one must
  // persist as long as any jump before it replaces the last period.
  const bool held = std::isnan(period_s_) && !std::isnan(held_period_s_) &&
                    static_cast<double>(lost_estimates_) * config_.update_interval_s <= config_.hold_s;
  const double reference_s = held ? held_period_s_ : period_s_;
  if (!std::isnan(reference_s)) {
    const double current = reference_s * config_.sample_rate_hz;
    if (std::abs(lag / current - 1.0) > config_.jump_tolerance) {
      if (pending_count_ > 0 && std::abs(lag / pending_lag_ - 1.0) <= config_.jump_tolerance) {
        ++pending_count_;
      } else {
        pending_lag_ = lag;
        pending_count_ = 1;
      }
      if (pending_count_ < switch_after_) {
        double at = current;
        best_near(current, at);
        settle(at);
        return;
      }
    }
  }
  pending_count_ = 0;
  settle(lag);
}

void EnvelopePeriodicity::settle(double lag) noexcept {
  lost_estimates_ = 0;  // a period again: any earlier loss is over
  // Parabolic interpolation of the peak for sub-sample precision.
  const auto i = std::clamp(static_cast<std::size_t>(std::round(lag)), min_lag_, usable_);
  const double left = sum_[i - 1], mid = sum_[i], right = sum_[i + 1];
  const double curvature = left - 2.0 * mid + right;
  const double offset = curvature < 0.0 ? std::clamp(0.5 * (left - right) / curvature, -0.5, 0.5) : 0.0;
  period_s_ = (static_cast<double>(i) + offset) / config_.sample_rate_hz;
  strength_ = std::clamp(mid, 0.0, 1.0);
  const auto half = static_cast<std::size_t>(std::round(0.5 * (static_cast<double>(i) + offset)));
  for (std::size_t f = 0; f < config_.features; ++f) {
    weights_[f] = std::max(0.0, normalised(f, i) - std::max(0.0, normalised(f, half)));
  }
}

void EnvelopePeriodicity::reset() noexcept {
  count_ = 0;
  usable_ = 0;
  pending_count_ = 0;
  since_update_ = 0;
  head_ = 0;
  std::fill(mean_.begin(), mean_.end(), 0.0);
  std::fill(history_.begin(), history_.end(), 0.0);
  std::fill(acf_.begin(), acf_.end(), 0.0);
  std::fill(weights_.begin(), weights_.end(), 0.0);
  period_s_ = held_period_s_ = std::numeric_limits<double>::quiet_NaN();
  lost_estimates_ = 0;
  strength_ = 0.0;
}

}  // namespace respira::dsp
