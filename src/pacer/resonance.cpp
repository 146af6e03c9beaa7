#include "pacer/resonance.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace respira::pacer {

ResonanceSearch::ResonanceSearch(const ResonanceConfig& config, double start_s)
    : config_(config),
      steps_(static_cast<std::size_t>(
                 std::lround((config.start_rate_bpm - config.end_rate_bpm) / config.step_bpm)) +
             1),
      schedule_(pattern_from_rate(config.start_rate_bpm, 1.0 - config.exhale_fraction,
                                  config.exhale_fraction),
                start_s),
      adherence_(config.adherence) {
  for (std::size_t i = 0; i < steps_.size(); ++i) {
    steps_[i].rate_bpm = config_.start_rate_bpm - static_cast<double>(i) * config_.step_bpm;
    steps_[i].start_s = dsp::kNoValue;
    steps_[i].end_s = dsp::kNoValue;
  }
  steps_.front().start_s = start_s;
}

BreathPattern ResonanceSearch::step_pattern(std::size_t step) const {
  return pattern_from_rate(steps_[step].rate_bpm, 1.0 - config_.exhale_fraction,
                           config_.exhale_fraction);
}

double ResonanceSearch::nominal_duration_s() const {
  return static_cast<double>(steps_.size()) * config_.step_duration_s;
}

void ResonanceSearch::add_event(const dsp::BreathEvent& event) {
  adherence_.add_event(event);
  if (event.type == dsp::BreathEventType::inhale) inhale_onsets_s_.push_back(event.time_s);
}

void ResonanceSearch::add_heart_rate(double time_s, double bpm) {
  heart_rate_.emplace_back(time_s, bpm);
}

void ResonanceSearch::update(double now_s) {
  adherence_.update(schedule_, now_s);
  // Each step ends at the first breath boundary after its nominal duration.
  while (current_ < steps_.size() && now_s >= steps_[current_].start_s + config_.step_duration_s) {
    ResonanceStep& step = steps_[current_];
    const double due_s = step.start_s + config_.step_duration_s;
    const bool last = current_ + 1 == steps_.size();
    step.end_s = last ? schedule_.breath_at(due_s).end_s()
                      : schedule_.change_pattern(step_pattern(current_ + 1), due_s);
    ++current_;
    if (!last) steps_[current_].start_s = step.end_s;
  }
  const auto& history = adherence_.history();
  for (ResonanceStep& step : steps_) {
    if (step.complete || std::isnan(step.end_s) || history.empty()) continue;
    const BreathAdherence& last = history.back();
    if (last.start_s + last.period_s >= step.end_s - 1e-9) summarise(step);
  }
  if (!finished_ && std::all_of(steps_.begin(), steps_.end(), [](const auto& s) { return s.complete; })) {
    finished_ = true;
    result_ = choose();
    if (result_) schedule_.change_pattern(step_pattern(result_->step), now_s);
  }
}

void ResonanceSearch::summarise(ResonanceStep& step) const {
  const double from_s = step.start_s + config_.settle_s;
  // The history is in schedule order, so the step's breaths are one stretch of it.
  const auto& history = adherence_.history();
  const auto first = std::find_if(history.begin(), history.end(),
                                  [&](const BreathAdherence& b) { return b.start_s >= from_s; });
  const auto end = std::find_if(first, history.end(),
                                [&](const BreathAdherence& b) { return b.start_s >= step.end_s; });
  step.scored_breaths = static_cast<std::size_t>(end - first);
  if (step.scored_breaths > 0) step.adherence = mean_score({first, end});

  std::vector<double> intervals;
  for (std::size_t i = 1; i < inhale_onsets_s_.size(); ++i) {
    if (inhale_onsets_s_[i - 1] >= from_s && inhale_onsets_s_[i] < step.end_s) {
      intervals.push_back(inhale_onsets_s_[i] - inhale_onsets_s_[i - 1]);
    }
  }
  if (intervals.size() >= 3) {
    double mean = 0.0;
    for (double v : intervals) mean += v;
    mean /= static_cast<double>(intervals.size());
    double var = 0.0;
    for (double v : intervals) var += (v - mean) * (v - mean);
    const double sd = std::sqrt(var / static_cast<double>(intervals.size() - 1));
    step.regularity = std::max(0.0, 1.0 - sd / mean);
  }

  double rsa_sum = 0.0;
  int rsa_breaths = 0;
  ScheduledBreath breath = schedule_.breath_at(from_s);
  if (breath.start_s < from_s) breath = schedule_.breath(breath.index + 1);
  for (; breath.end_s() <= step.end_s + 1e-9; breath = schedule_.breath(breath.index + 1)) {
    double low = std::numeric_limits<double>::infinity();
    double high = -low;
    int samples = 0;
    for (const auto& [time_s, bpm] : heart_rate_) {
      if (time_s < breath.start_s || time_s >= breath.end_s()) continue;
      low = std::min(low, bpm);
      high = std::max(high, bpm);
      ++samples;
    }
    if (samples >= 2) {
      rsa_sum += high - low;
      ++rsa_breaths;
    }
  }
  if (rsa_breaths > 0) step.rsa_bpm = rsa_sum / rsa_breaths;
  step.complete = true;
}

std::optional<ResonanceResult> ResonanceSearch::choose() const {
  const auto has_rsa = [](const ResonanceStep& s) { return std::isfinite(s.rsa_bpm); };
  const auto followed = [&](const ResonanceStep& s) {
    return std::isfinite(s.adherence) && s.adherence >= config_.min_adherence_for_rsa;
  };
  if (std::any_of(steps_.begin(), steps_.end(), has_rsa)) {
    const bool any_followed = std::any_of(steps_.begin(), steps_.end(),
                                          [&](const auto& s) { return has_rsa(s) && followed(s); });
    std::optional<ResonanceResult> best;
    for (std::size_t i = 0; i < steps_.size(); ++i) {
      const ResonanceStep& s = steps_[i];
      if (!has_rsa(s) || (any_followed && !followed(s))) continue;
      if (!best || s.rsa_bpm > steps_[best->step].rsa_bpm) {
        best = ResonanceResult{s.rate_bpm, i, ResonanceMethod::rsa};
      }
    }
    return best;
  }
  const auto score = [](const ResonanceStep& s) { return s.adherence * s.regularity; };
  double best_score = -1.0;
  for (const ResonanceStep& s : steps_) {
    if (std::isfinite(score(s))) best_score = std::max(best_score, score(s));
  }
  if (best_score < 0.0) return std::nullopt;
  for (std::size_t i = steps_.size(); i-- > 0;) {  // slowest first
    if (std::isfinite(score(steps_[i])) && score(steps_[i]) >= best_score - config_.tie_margin) {
      return ResonanceResult{steps_[i].rate_bpm, i, ResonanceMethod::adherence_regularity};
    }
  }
  return std::nullopt;
}

}  // namespace respira::pacer
