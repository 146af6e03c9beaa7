#include "sensors/heart_rate.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace respira::sensors {
namespace {

constexpr std::uint8_t kHeartRate16Bit = 0x01;
constexpr std::uint8_t kContactDetected = 0x02;
constexpr std::uint8_t kContactSupported = 0x04;
constexpr std::uint8_t kEnergyExpended = 0x08;
constexpr std::uint8_t kRrIntervals = 0x10;
constexpr double kHysteresisFraction = 0.3;  // of the detrended HR's RMS
constexpr double kPowerTimeConstantS = 20.0;

std::uint16_t u16(std::span<const std::uint8_t> p, std::size_t at) {
  return static_cast<std::uint16_t>(p[at] | (p[at + 1] << 8));
}

}  // namespace

std::optional<HeartRateMeasurement> parse_heart_rate_measurement(
    std::span<const std::uint8_t> packet) {
  if (packet.size() < 2) return std::nullopt;
  const std::uint8_t flags = packet[0];
  HeartRateMeasurement m;
  std::size_t at = 1;
  if (flags & kHeartRate16Bit) {
    if (packet.size() < at + 2) return std::nullopt;
    m.heart_rate_bpm = u16(packet, at);
    at += 2;
  } else {
    m.heart_rate_bpm = packet[at++];
  }
  m.contact_supported = (flags & kContactSupported) != 0;
  m.contact_detected = m.contact_supported && (flags & kContactDetected) != 0;
  if (flags & kEnergyExpended) {
    if (packet.size() < at + 2) return std::nullopt;
    m.energy_expended_kj = u16(packet, at);
    at += 2;
  }
  if (flags & kRrIntervals) {
    if ((packet.size() - at) % 2 != 0) return std::nullopt;
    for (; at + 1 < packet.size(); at += 2) m.rr_1024.push_back(u16(packet, at));
  } else if (at != packet.size()) {
    return std::nullopt;  // trailing bytes no flag accounts for
  }
  return m;
}

RsaProcessor::RsaProcessor(RsaConfig config) : config_(config) {}

void RsaProcessor::restart() {
  last_hr_.reset();
  last_good_rr_s_.reset();
  trend_.reset();
  armed_ = false;
  beats_.clear();  // no successive difference across the interruption
}

void RsaProcessor::add_measurement(const HeartRateMeasurement& m, std::vector<float>& out) {
  ++metrics_.packets;
  metrics_.heart_rate_bpm = m.heart_rate_bpm;
  metrics_.sensor_contact = !m.contact_supported || m.contact_detected;
  if (m.energy_expended_kj) metrics_.energy_expended_kj = *m.energy_expended_kj;
  for (std::size_t i = 0; i < m.rr_1024.size(); ++i) add_rr(m.rr_seconds(i), out);
}

void RsaProcessor::add_rr(double rr_s, std::vector<float>& out) {
  beat_time_s_ += rr_s;
  ++metrics_.beats;
  metrics_.last_rr_ms = rr_s * 1000.0;
  const bool plausible = rr_s >= config_.min_rr_s && rr_s <= config_.max_rr_s &&
                         (!last_good_rr_s_ ||
                          std::fabs(rr_s - *last_good_rr_s_) <= config_.max_rr_jump * *last_good_rr_s_);
  if (!plausible) {
    // An ectopic or missed beat: the tachogram bridges it by interpolation.
    if (!last_good_rr_s_ && rr_s >= config_.min_rr_s && rr_s <= config_.max_rr_s)
      last_good_rr_s_ = rr_s;
    return;
  }
  last_good_rr_s_ = rr_s;
  beats_.emplace_back(beat_time_s_, rr_s);
  while (!beats_.empty() && beats_.front().first < beat_time_s_ - config_.window_s)
    beats_.pop_front();
  update_window_metrics();

  const double hr = 60.0 / rr_s;
  if (!last_hr_) {
    last_hr_ = hr;
    last_hr_time_s_ = beat_time_s_;
    next_output_s_ = beat_time_s_;
    trend_ = hr;
  }
  const double step = 1.0 / config_.output_rate_hz;
  const double span = beat_time_s_ - last_hr_time_s_;
  while (next_output_s_ <= beat_time_s_ + 1e-9) {
    const double x = span > 0.0 ? (next_output_s_ - last_hr_time_s_) / span : 1.0;
    emit(*last_hr_ + std::clamp(x, 0.0, 1.0) * (hr - *last_hr_), out);
    next_output_s_ += step;
  }
  last_hr_ = hr;
  last_hr_time_s_ = beat_time_s_;
}

void RsaProcessor::emit(double value_bpm, std::vector<float>& out) {
  const double alpha = 1.0 / (config_.detrend_time_constant_s * config_.output_rate_hz);
  *trend_ += alpha * (value_bpm - *trend_);
  const double detrended = value_bpm - *trend_;
  out.push_back(static_cast<float>(detrended));
  track_cycles(detrended);
}

// One breath = one cycle of the detrended HR between upward hysteresis crossings.
void RsaProcessor::track_cycles(double x) {
  const double beta = 1.0 / (kPowerTimeConstantS * config_.output_rate_hz);
  signal_power_ += beta * (x * x - signal_power_);
  const double h = kHysteresisFraction * std::sqrt(signal_power_);
  cycle_max_ = std::max(cycle_max_, x);
  cycle_min_ = std::min(cycle_min_, x);
  if (!above_ && x > h) {
    above_ = true;
    if (armed_) {
      rsa_amplitudes_.push_back(cycle_max_ - cycle_min_);
      while (rsa_amplitudes_.size() > config_.rsa_breaths) rsa_amplitudes_.pop_front();
      metrics_.rsa_amplitude_bpm =
          std::accumulate(rsa_amplitudes_.begin(), rsa_amplitudes_.end(), 0.0) /
          static_cast<double>(rsa_amplitudes_.size());
    }
    armed_ = true;
    cycle_max_ = cycle_min_ = x;
  } else if (above_ && x < -h) {
    above_ = false;
  }
}

void RsaProcessor::update_window_metrics() {
  double sum = 0.0;
  double sum_sq_diff = 0.0;
  std::size_t diffs = 0;
  for (std::size_t i = 0; i < beats_.size(); ++i) {
    sum += beats_[i].second;
    if (i > 0) {
      const double d = (beats_[i].second - beats_[i - 1].second) * 1000.0;
      sum_sq_diff += d * d;
      ++diffs;
    }
  }
  metrics_.mean_heart_rate_bpm = 60.0 / (sum / static_cast<double>(beats_.size()));
  if (diffs > 0) metrics_.rmssd_ms = std::sqrt(sum_sq_diff / static_cast<double>(diffs));
}

}  // namespace respira::sensors
