#pragma once
// RippleNotch: finds a steady ripple faster than the breathing (the heartbeat on an
// impedance or belt trace) and takes it out with a notch.
//
// Why: a low-pass that removes heartbeat ripple from a respiration trace must cut off
// below ~1 Hz, and its delay (0.4-0.5 s for two poles) is most of the latency of every
// breath event. A notch at the ripple's own frequency removes it while delaying the
// breathing band by only ~1 / (Q * 2 pi f_ripple), so the breath smoothing that follows
// can be much lighter. The ripple frequency is the strongest line in the ripple band of
// a Hann-windowed spectrum of the last few seconds, re-estimated every hop; the notch
// is on only while that line clearly stands out of the band and is strong next to the
// breath, and its band starts a few breathing harmonics up, so the breath itself is
// left alone.

#include <cstddef>
#include <vector>

#include "dsp/biquad.hpp"
#include "dsp/decimator.hpp"
#include "dsp/fft.hpp"

namespace respira::dsp {

class RippleNotch {
 public:
  struct Config {
    double sample_rate_hz = 25.0;
    double min_ripple_hz = 0.7;  // slowest heartbeat expected (42 beats/min)
    double max_ripple_hz = 3.5;  // fastest (210 beats/min)
    double breath_harmonics = 2.5;  // the band starts this many x the breathing rate up
    double analysis_rate_hz = 8.0;  // the spectrum runs on a decimated copy: it costs
                                    // more than all the per-sample filtering otherwise
    double segment_s = 10.0;
    double hop_s = 3.0;  // the heart rate drifts slowly; spectra cost more than filtering
    // Line power vs the band's median power to switch on (20 dB): the notch delays the
    // breath a little, which only pays when the ripple is strong (BIDMC: at 8 dB the
    // notch also switched on for weak ripple, F1 the same, latency +130 ms).
    double prominence = 100.0;
    double q = 3.0;  // centre / bandwidth: follows heart-rate variability, ~40 ms delay
    // Line power vs the breath's own peak power: weaker ripple is no threat to the
    // smoothing that follows, and the breath's harmonics mostly stay below this.
    double relative_to_breath = 0.03;  // -15 dB
  };

  explicit RippleNotch(const Config& config);

  double process(double x) noexcept;
  // Tells the notch how fast the person breathes (NaN: unknown).
  void set_breathing_hz(double hz) noexcept { breathing_hz_ = hz; }
  void reset() noexcept;

  bool active() const noexcept { return active_; }
  double ripple_hz() const noexcept { return ripple_hz_; }
  double group_delay_s() const noexcept { return active_ ? notch_.group_delay_s() : 0.0; }

 private:
  void estimate() noexcept;

  Config config_;
  Decimator decimator_;
  double analysis_rate_hz_;
  std::size_t segment_length_;
  std::size_t hop_length_;
  RealFft fft_;
  std::vector<float> history_, window_, segment_, power_;
  std::size_t head_ = 0, filled_ = 0, since_estimate_ = 0;
  Biquad notch_;
  bool active_ = false;
  double ripple_hz_ = 0.0;
  double breathing_hz_;
};

}  // namespace respira::dsp
