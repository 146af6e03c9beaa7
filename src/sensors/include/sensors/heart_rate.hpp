#pragma once
// Heart-rate strap data: the Bluetooth Heart Rate Measurement characteristic (0x2A37)
// and the respiration signal hidden in its RR intervals.
//
// parse_heart_rate_measurement() decodes every field the Heart Rate Service defines:
// flags bit 0 = heart rate as uint16 (else uint8); bits 1-2 = sensor contact
// (bit 2 supported, bit 1 detected); bit 3 = energy expended (uint16, kJ); bit 4 = RR
// intervals (uint16 each, 1/1024 s). All little-endian. Malformed packets give nullopt.
//
// RsaProcessor turns RR intervals into a respiration-like signal by respiratory sinus
// arrhythmia: heart rate rises while inhaling and falls while exhaling. The
// instantaneous heart rate (60 / RR, placed at each beat) is resampled evenly by linear
// interpolation (default 10 Hz, inside the breath detector's belt range) and detrended
// by subtracting a slow exponential mean (10 s), which keeps 3 bpm breathing. It also
// keeps the heart figures the resonance search needs (HeartMetrics): RMSSD and the RSA
// amplitude, the peak-to-trough heart rate of each breath cycle (cycles found by
// hysteresis crossings of the detrended signal), averaged over the last 5 breaths.

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

#include "sensors/heart_metrics.hpp"

namespace respira::sensors {

struct HeartRateMeasurement {
  unsigned heart_rate_bpm = 0;
  bool contact_supported = false;
  bool contact_detected = false;
  std::optional<unsigned> energy_expended_kj;
  std::vector<std::uint16_t> rr_1024;  // RR intervals in 1/1024 s, in arrival order
  double rr_seconds(std::size_t i) const { return rr_1024[i] / 1024.0; }
};

std::optional<HeartRateMeasurement> parse_heart_rate_measurement(
    std::span<const std::uint8_t> packet);

struct RsaConfig {
  double output_rate_hz = 10.0;
  double detrend_time_constant_s = 10.0;
  double min_rr_s = 0.27;   // 220 bpm
  double max_rr_s = 2.0;    // 30 bpm
  double max_rr_jump = 0.3; // an RR differing more than 30 % from the last good one is ectopic
  double window_s = 60.0;   // span of mean HR and RMSSD
  std::size_t rsa_breaths = 5;
};

class RsaProcessor {
 public:
  explicit RsaProcessor(RsaConfig config = {});

  // One RR interval (seconds), in order. Appends the evenly resampled, detrended heart
  // rate (bpm) that this beat completes to `out`.
  void add_rr(double rr_s, std::vector<float>& out);
  // One whole packet: heart rate, contact, energy, then each RR interval.
  void add_measurement(const HeartRateMeasurement& m, std::vector<float>& out);
  // The RR series was interrupted (disconnection): interpolation restarts.
  void restart();

  const HeartMetrics& metrics() const { return metrics_; }
  double output_rate_hz() const { return config_.output_rate_hz; }

 private:
  void emit(double value_bpm, std::vector<float>& out);
  void track_cycles(double detrended_bpm);
  void update_window_metrics();

  RsaConfig config_;
  HeartMetrics metrics_;
  double beat_time_s_ = 0.0;        // time of the last beat, since the start of this run
  std::optional<double> last_hr_;   // instantaneous HR at the last good beat
  double last_hr_time_s_ = 0.0;
  std::optional<double> last_good_rr_s_;
  double next_output_s_ = 0.0;
  std::optional<double> trend_;
  std::deque<std::pair<double, double>> beats_;  // (time, rr) of good beats in the window
  // Breath cycles of the detrended HR.
  double signal_power_ = 0.0;
  bool above_ = false;
  bool armed_ = false;
  double cycle_max_ = 0.0;
  double cycle_min_ = 0.0;
  std::deque<double> rsa_amplitudes_;
};

}  // namespace respira::sensors
