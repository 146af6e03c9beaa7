#include "sensors/device_source.hpp"

#include <utility>

namespace respira::sensors {

void DeviceStatus::set(bool connected, std::string error) {
  const std::lock_guard lock(mutex_);
  connected_ = connected;
  last_error_ = std::move(error);
}

void DeviceStatus::set_connected(bool connected) {
  const std::lock_guard lock(mutex_);
  connected_ = connected;
}

void DeviceStatus::report(std::string error) {
  const std::lock_guard lock(mutex_);
  last_error_ = std::move(error);
}

void DeviceStatus::lost(std::string error) {
  const std::lock_guard lock(mutex_);
  connected_ = false;
  ++gaps_;
  last_error_ = std::move(error);
}

void DeviceStatus::reconnected() {
  const std::lock_guard lock(mutex_);
  connected_ = true;
  ++reconnects_;
  last_error_.clear();
}

void DeviceStatus::count_gap() {
  const std::lock_guard lock(mutex_);
  ++gaps_;
}

void DeviceStatus::set_device_dropped(std::uint64_t samples) {
  const std::lock_guard lock(mutex_);
  device_dropped_ = samples;
}

std::string DeviceStatus::last_error() const {
  const std::lock_guard lock(mutex_);
  return last_error_;
}

SourceHealth DeviceStatus::health() const {
  SourceHealth h;
  const std::lock_guard lock(mutex_);
  h.connected = connected_;
  h.gaps = gaps_;
  h.reconnects = reconnects_;
  h.last_error = last_error_;
  h.samples_dropped = device_dropped_;
  return h;
}

namespace {
LevelMeterConfig at_rate(LevelMeterConfig level, double sample_rate_hz) {
  level.sample_rate_hz = sample_rate_hz;
  return level;
}
}  // namespace

DeviceStream::DeviceStream(const DeviceStreamConfig& config)
    : sample_rate_hz_(config.sample_rate_hz),
      feed_(config.capacity),
      level_(at_rate(config.level, config.sample_rate_hz)) {}

ReadResult DeviceStream::read(std::span<float> out) {
  const ReadResult r = feed_.read(out);
  gap_time_s_ += r.gap_before_s;
  level_.process(out.first(r.count));
  return r;
}

double DeviceStream::time_s() const noexcept {
  return static_cast<double>(feed_.consumed()) / sample_rate_hz_ + gap_time_s_;
}

void DeviceStream::add_to(SourceHealth& health) const {
  health.samples_delivered = feed_.consumed();
  health.samples_dropped += feed_.dropped();
  health.level_db = level_.level_db();
  health.clipping = level_.clipping();
  health.silent = level_.silent();
  health.noise_floor_db = level_.noise_floor_db();
}

SourceHealth DeviceSource::health() const {
  SourceHealth h = status_.health();
  if (stream_) stream_->add_to(h);
  return h;
}

ReadResult DeviceSource::read(std::span<float> out) {
  return stream_ ? stream_->read(out) : ReadResult{};
}

double DeviceSource::stream_time_s() const { return stream_ ? stream_->time_s() : 0.0; }

SampleFeed& DeviceSource::begin_stream(const DeviceStreamConfig& config) {
  stream_ = std::make_unique<DeviceStream>(config);
  return stream_->feed();
}

}  // namespace respira::sensors
