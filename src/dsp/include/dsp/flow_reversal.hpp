#pragma once
// FlowReversal: times the turns of breathing (inhale onset, exhale onset) from breath sounds.
//
// Why: breath sound is the noise of air flow, and the flow passes through zero where
// inhalation turns into exhalation and back, so each turn is the quiet moment between two
// sound bursts: a short dip at the top of the breath, the end of the pause at the bottom.
// The breath-sound front end renders one smooth cycle per breath, which counts breaths
// reliably but is a sine: its extrema sit half a cycle apart whatever the I:E ratio, and a
// quarter cycle after the loudness' fundamental, so they land late and by a varying amount
// (synthetic 0.4 : 0.5 breaths: exhale onsets 0.16-0.3 of a breath late). The rendered turn
// says *which* turn it is and roughly when; this stage finds the quiet stretch before it in
// the loudness and places the turn where that stretch ends (sound resumes with the new
// flow). Without a clear dip (min_dip_db) the rendered time stands.
//
// Streaming; memory allocated in the constructor; push() and place() never allocate.

#include <cstddef>
#include <vector>

namespace respira::dsp {

class FlowReversal {
 public:
  struct Config {
    double sample_rate_hz = 25.0;  // loudness samples per second
    double history_s = 12.0;       // reaches back search_before x the slowest period looked at
    double search_before = 0.45;   // x period before the rendered turn
    double search_after = 0.1;     // x period after it (when already heard)
    double min_dip_db = 3.0;       // loudness range in the search window needed to move a turn
    double quiet_fraction = 0.15;  // quiet = within this x the window's range of its minimum
  };

  explicit FlowReversal(const Config& config);

  // One loudness sample (dB), at input time time_s; times increase.
  void push(double time_s, double loudness_db) noexcept;
  // The turn near rough_s (the rendered cycle's extremum) for breathing period period_s,
  // never at or before not_before_s (the previous turn). Returns rough_s when the loudness
  // shows no clear quiet moment.
  double place(double rough_s, double period_s, double not_before_s) const noexcept;
  void reset() noexcept;

 private:
  struct Sample {
    double time_s;
    double db;
  };
  const Sample& at(std::size_t age) const noexcept;  // 0 = newest

  Config config_;
  std::vector<Sample> ring_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace respira::dsp
