#include "dsp/flow_reversal.hpp"

#include <algorithm>
#include <cmath>

namespace respira::dsp {

FlowReversal::FlowReversal(const Config& config)
    : config_(config),
      ring_(static_cast<std::size_t>(std::ceil(config.history_s * config.sample_rate_hz)) + 1, Sample{0.0, 0.0}) {}

void FlowReversal::push(double time_s, double loudness_db) noexcept {
  ring_[head_] = {time_s, loudness_db};
  head_ = head_ + 1 == ring_.size() ? 0 : head_ + 1;
  size_ = std::min(size_ + 1, ring_.size());
}

const FlowReversal::Sample& FlowReversal::at(std::size_t age) const noexcept {
  return ring_[(head_ + ring_.size() - 1 - age) % ring_.size()];
}

double FlowReversal::place(double rough_s, double period_s, double not_before_s) const noexcept {
  if (!(period_s > 0.0) || size_ == 0) return rough_s;
  const double from = std::max(rough_s - config_.search_before * period_s, not_before_s);
  const double to = rough_s + config_.search_after * period_s;
  // The window, oldest first: ages newest..oldest that fall inside it.
  std::size_t oldest = size_, newest = size_;  // ages; size_ = none
  for (std::size_t age = 0; age < size_; ++age) {
    const double t = at(age).time_s;
    if (t > to) continue;
    if (t <= from) break;
    if (newest == size_) newest = age;
    oldest = age;
  }
  if (newest == size_) return rough_s;
  double lowest = at(oldest).db, highest = lowest;
  std::size_t quietest = oldest;
  for (std::size_t age = oldest + 1; age-- > newest;) {
    const double db = at(age).db;
    if (db < lowest) {
      lowest = db;
      quietest = age;
    }
    highest = std::max(highest, db);
  }
  if (highest - lowest < config_.min_dip_db) return rough_s;
  // The quiet stretch around the quietest moment: where sound resumes, the new flow began.
  // If it has not resumed yet, the new phase is a silent one and began where sound stopped.
  const double quiet = lowest + config_.quiet_fraction * (highest - lowest);
  std::size_t end = quietest, start = quietest;
  while (end > newest && at(end - 1).db <= quiet) --end;
  if (end != newest) return at(end - 1).time_s;  // the first sample heard again
  while (start < oldest && at(start + 1).db <= quiet) ++start;
  return at(start).time_s;
}

void FlowReversal::reset() noexcept {
  head_ = 0;
  size_ = 0;
}

}  // namespace respira::dsp
