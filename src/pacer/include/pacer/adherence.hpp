#pragma once
// How well the measured breath follows the guide, breath by breath.
//
// Rule (also in docs): every scheduled breath has two target events, its inhale onset
// (breath start) and its exhale onset (start + inhale + hold). For each target, the
// measured event of the same type (dsp::BreathEvent: inhale = trough, exhale = peak)
// closest in time within half a period is its match; the timing error is
// measured - target in seconds. An event scores
//     max(0, 1 - |error| / (tolerance_fraction * period))
// (tolerance 0.25: on time = 1, a quarter period off = 0, i.e. breathing in when the guide
// says breathe out); an unmatched target scores 0. A breath's score is the mean of its two
// event scores and the adherence is the mean over the last `window_breaths` scored breaths.
// Timing is judged relative to the period: 1 s late is a small slip in a 10 s breath but
// half a phase in a 4 s one.
//
// A breath is scored once its exhale window has closed plus the detector's reporting
// delay, so events that arrive late are still counted.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dsp/types.hpp"
#include "pacer/schedule.hpp"

namespace respira::pacer {

struct AdherenceConfig {
  double tolerance_fraction = 0.25;  // of the period: error that scores 0
  std::size_t window_breaths = 5;    // breaths averaged into score()
  double detection_delay_s = 3.0;    // wait this long for events after a window closes
};

struct BreathAdherence {
  std::int64_t breath_index = 0;
  double start_s = 0.0;
  double period_s = 0.0;
  double inhale_error_s = dsp::kNoValue;  // measured - target; NaN when unmatched
  double exhale_error_s = dsp::kNoValue;
  double score = 0.0;                     // 0..1
};

// Mean score of the given breaths (one definition for the window, the stored session
// and the resonance steps); NaN when there are none.
double mean_score(std::span<const BreathAdherence> breaths);

class AdherenceTracker {
 public:
  explicit AdherenceTracker(const AdherenceConfig& config = {});

  void add_event(const dsp::BreathEvent& event);
  // Scores every scheduled breath whose windows closed by now_s; returns those breaths.
  std::span<const BreathAdherence> update(const PacerSchedule& schedule, double now_s);

  double score() const;              // mean over the window; NaN before the first breath
  double mean_abs_error_s() const;   // over matched events in the window; NaN if none
  const std::vector<BreathAdherence>& history() const { return history_; }
  const AdherenceConfig& config() const { return config_; }

 private:
  double match_error(dsp::BreathEventType type, double target_s, double period_s) const;
  double event_score(double error_s, double period_s) const;

  AdherenceConfig config_;
  std::vector<dsp::BreathEvent> events_;  // recent measured events, time order
  std::vector<BreathAdherence> history_;
  std::int64_t next_breath_ = 0;
};

}  // namespace respira::pacer
