#pragma once
// SpectralRateEstimator: breathing rate from the Welch spectrum of the last 48 s.
//
// Why: counting peaks fails when the trace is buried in noise or ripple, while the
// spectrum still shows the breathing as a clear line. This stage averages the Hann-
// windowed, detrended periodograms of the last few overlapping 32 s segments (Welch),
// searches the 3-40 breaths/min band and refines the peak by parabolic interpolation.
// Its concentration (share of band power near the peak and its first harmonic) is a
// direct measure of how periodic, hence how trustworthy, the signal is. It runs on a
// further-decimated copy (~5 Hz) and updates every few seconds, so it costs almost
// nothing next to the sample-by-sample path.
// Until a whole segment is in, it estimates from what it has (from first_estimate_s on),
// so the signal quality of a session's first half minute reflects the signal rather than
// the wait; a line then counts only with two of its cycles in hand, since a shorter
// window cannot tell a slow breath from drift.

#include <cstddef>
#include <vector>

#include "dsp/decimator.hpp"
#include "dsp/fft.hpp"

namespace respira::dsp {

class SpectralRateEstimator {
 public:
  struct Config {
    double input_rate_hz = 25.0;
    double min_rate_bpm = 3.0;
    double max_rate_bpm = 40.0;
    double analysis_rate_hz = 5.0;
    double segment_s = 32.0;
    double hop_s = 8.0;
    std::size_t segments = 3;  // periodograms averaged (75 % overlap: the last 48 s)
    double first_estimate_s = 16.0;  // partial segments are analysed from this much signal on
  };

  explicit SpectralRateEstimator(const Config& config);

  // Returns true when a new estimate was computed with this sample.
  bool push(float x) noexcept;
  void reset() noexcept;

  double rate_bpm() const noexcept { return rate_bpm_; }          // NaN until known
  double concentration() const noexcept { return concentration_; }  // 0..1

 private:
  void estimate() noexcept;

  Config config_;
  Decimator decimator_;
  double rate_hz_;
  std::size_t segment_length_;
  std::size_t hop_length_;
  std::size_t first_length_;
  RealFft fft_;
  std::vector<float> history_;  // ring of the last segment_length_ samples
  std::size_t head_ = 0, filled_ = 0, since_estimate_ = 0;
  std::vector<float> window_, segment_, power_;
  std::vector<float> partial_window_;  // Hann over the samples a partial segment has
  std::vector<float> periodograms_;  // segments x bins, a ring
  std::size_t next_periodogram_ = 0, periodogram_count_ = 0;
  double rate_bpm_;
  double concentration_ = 0.0;
};

}  // namespace respira::dsp
