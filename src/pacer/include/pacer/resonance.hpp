#pragma once
// Resonance-frequency search: pace at 7.0, 6.5, ... 4.5 breaths/min for a few minutes
// each and pick the rate at which this person's heart rate swings most with the breath.
//
// Each step begins at a breath boundary; the first `settle_s` seconds of a step are not
// scored (the body needs a few breaths to entrain). Per step the search records:
//   adherence  - mean breath score (adherence.hpp) of scheduled breaths in the step;
//   regularity - 1 - coefficient of variation of measured inhale-onset intervals (>= 0);
//   RSA        - mean peak-to-trough heart rate (beats/min) within each paced breath,
//                from heart-rate samples (a chest strap), when there are any.
// Selection rule:
//   1. If any step has an RSA amplitude, choose the largest among steps whose adherence is
//      at least min_adherence_for_rsa (all steps with RSA if none qualifies): RSA is the
//      physiological definition of resonance.
//   2. Otherwise choose the largest adherence x regularity: the rate the person can follow
//      steadily. Scores within `tie_margin` of the best count as equal and the slowest of
//      them wins, since at equal ease slower breathing gives the larger baroreflex gain.
// After the last step the pacer continues at the chosen rate.

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "pacer/adherence.hpp"
#include "pacer/schedule.hpp"

namespace respira::pacer {

struct ResonanceConfig {
  double start_rate_bpm = 7.0;
  double end_rate_bpm = 4.5;
  double step_bpm = 0.5;
  double step_duration_s = 150.0;
  double settle_s = 20.0;
  double exhale_fraction = 0.5;
  double min_adherence_for_rsa = 0.5;
  double tie_margin = 0.02;
  AdherenceConfig adherence;
};

struct ResonanceStep {
  double rate_bpm = 0.0;
  double start_s = 0.0;
  double end_s = 0.0;            // NaN while running
  std::size_t scored_breaths = 0;
  double adherence = dsp::kNoValue;
  double regularity = dsp::kNoValue;
  double rsa_bpm = dsp::kNoValue;  // heart-rate peak-to-trough per breath, mean
  bool complete = false;           // every breath of the step has been scored
};

enum class ResonanceMethod { rsa, adherence_regularity };

struct ResonanceResult {
  double rate_bpm = 0.0;
  std::size_t step = 0;
  ResonanceMethod method = ResonanceMethod::rsa;
};

class ResonanceSearch {
 public:
  ResonanceSearch(const ResonanceConfig& config, double start_s);

  void add_event(const dsp::BreathEvent& event);
  void add_heart_rate(double time_s, double bpm);
  void update(double now_s);

  PacerState state_at(double time_s) const { return schedule_.state_at(time_s); }
  const PacerSchedule& schedule() const { return schedule_; }
  const AdherenceTracker& adherence() const { return adherence_; }
  std::span<const ResonanceStep> steps() const { return steps_; }
  std::size_t current_step() const { return current_; }
  // Every step done and scored. result() is empty only when nothing could be measured.
  bool finished() const { return finished_; }
  std::optional<ResonanceResult> result() const { return result_; }
  double nominal_duration_s() const;

 private:
  BreathPattern step_pattern(std::size_t step) const;
  void summarise(ResonanceStep& step) const;
  std::optional<ResonanceResult> choose() const;

  ResonanceConfig config_;
  std::vector<ResonanceStep> steps_;
  PacerSchedule schedule_;
  AdherenceTracker adherence_;
  std::vector<double> inhale_onsets_s_;
  std::vector<std::pair<double, double>> heart_rate_;  // (time, beats/min)
  std::size_t current_ = 0;
  bool finished_ = false;
  std::optional<ResonanceResult> result_;
};

}  // namespace respira::pacer
