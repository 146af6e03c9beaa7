#pragma once
// What the hardware sources (mic, serial belt, BLE strap) share, written once so each
// device only opens, watches and describes itself:
//   - DeviceStatus: connection state, gap / reconnect counts and the last error. The
//     device's own thread (supervisor, reader, D-Bus worker) writes it and the consumer
//     reads it; a mutex is fine because the audio callback never touches it.
//   - DeviceStream: the consumer side of the SampleFeed. Counting what read() delivered
//     and the missing time it reported gives the input clock (stream_time_s) without
//     trusting arrival times, and the level meter runs here, off the real-time path.
//   - ReconnectBackoff: when to try a lost device again. The delay doubles after each
//     failed attempt up to a ceiling, so a device that comes back at once is found at
//     once while a missing one costs little.
//   - DeviceSource: the Source base that answers read(), stream_time_s() and health()
//     from the above.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>

#include "sensors/level_meter.hpp"
#include "sensors/sample_feed.hpp"
#include "sensors/source.hpp"

namespace respira::sensors {

// Thread-safe; every call takes the lock briefly. Never from the audio callback.
class DeviceStatus {
 public:
  void set(bool connected, std::string error);
  void set_connected(bool connected);       // keeps the last error
  void report(std::string error);           // keeps the connection state
  void lost(std::string error);             // disconnected: one more gap
  void reconnected();                       // back after a loss: connected, error cleared
  void count_gap();
  void set_device_dropped(std::uint64_t samples);  // lost by the driver before our feed
  std::string last_error() const;
  // connected, gaps, reconnects, last_error and the driver's drops.
  SourceHealth health() const;

 private:
  mutable std::mutex mutex_;
  bool connected_ = false;
  std::uint64_t gaps_ = 0;
  std::uint64_t reconnects_ = 0;
  std::uint64_t device_dropped_ = 0;
  std::string last_error_;
};

struct DeviceStreamConfig {
  double sample_rate_hz = 0.0;   // > 0
  std::size_t capacity = 0;      // samples the feed holds before it drops
  LevelMeterConfig level;        // its sample_rate_hz is taken from above
};

// The producer pushes into feed(); everything else is the consumer thread's.
class DeviceStream {
 public:
  explicit DeviceStream(const DeviceStreamConfig& config);

  SampleFeed& feed() noexcept { return feed_; }
  ReadResult read(std::span<float> out);
  // Input time of the next sample read() returns: delivered samples plus reported gaps.
  double time_s() const noexcept;
  // Adds delivered and dropped counts and the level readings.
  void add_to(SourceHealth& health) const;

 private:
  double sample_rate_hz_;
  SampleFeed feed_;
  LevelMeter level_;
  double gap_time_s_ = 0.0;
};

// One device thread's retry schedule; times in seconds on any monotonic clock.
class ReconnectBackoff {
 public:
  ReconnectBackoff(double first_delay_s, double max_delay_s)
      : first_delay_s_(first_delay_s), max_delay_s_(max_delay_s), delay_s_(first_delay_s) {}

  bool due(double now_s) const noexcept { return now_s >= next_attempt_s_; }
  // The device went away: first attempt after the shortest delay.
  void lost(double now_s) noexcept {
    delay_s_ = first_delay_s_;
    next_attempt_s_ = now_s + delay_s_;
  }
  // An attempt failed: wait twice as long (up to the ceiling) before the next.
  void failed(double now_s) noexcept {
    delay_s_ = delay_s_ * 2.0 < max_delay_s_ ? delay_s_ * 2.0 : max_delay_s_;
    next_attempt_s_ = now_s + delay_s_;
  }
  // Try again after the current delay, neither shorter nor longer.
  void retry_later(double now_s) noexcept { next_attempt_s_ = now_s + delay_s_; }

 private:
  double first_delay_s_;
  double max_delay_s_;
  double delay_s_;
  double next_attempt_s_ = 0.0;
};

class DeviceSource : public Source {
 public:
  SourceHealth health() const final;
  ReadResult read(std::span<float> out) final;
  double stream_time_s() const final;

 protected:
  // In open(), once the rate is known; replaces any earlier stream. Not while a
  // producer runs.
  SampleFeed& begin_stream(const DeviceStreamConfig& config);
  // The producer's end of the stream; only after begin_stream().
  SampleFeed& feed() noexcept { return stream_->feed(); }
  bool has_stream() const noexcept { return stream_ != nullptr; }

  DeviceStatus status_;

 private:
  std::unique_ptr<DeviceStream> stream_;
};

}  // namespace respira::sensors
