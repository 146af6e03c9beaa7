#pragma once
// BleSource: a standard Bluetooth heart-rate chest strap through BlueZ on the system
// D-Bus (sdbus-c++; DBUS_SYSTEM_BUS_ADDRESS is honoured). It finds the device (scanning
// when BlueZ does not know it yet), connects, finds the Heart Rate Measurement
// characteristic (0x2A37 in service 0x180D), subscribes, and turns each notification's
// RR intervals into a respiration signal by RSA (see heart_rate.hpp). Heart rate,
// RMSSD and RSA amplitude are exposed through Source::heart() and so through
// LivePipeline::snapshot()->heart.
//
// All D-Bus traffic runs on one worker std::jthread that drives the connection's event
// loop itself (poll + processPendingRequest), so no sd-bus object is shared between
// threads. A disconnection is reported, the gap marked, and the strap reconnected with
// back-off while the session goes on.

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sensors/device_source.hpp"
#include "sensors/heart_rate.hpp"

namespace respira::sensors {

struct BleConfig {
  std::string address;             // AA:BB:CC:DD:EE:FF
  double discovery_timeout_s = 10.0;
  double connect_timeout_s = 15.0;
  double stall_timeout_s = 5.0;    // no notification for this long is reported
  double max_backoff_s = 8.0;
  RsaConfig rsa;
};

class BleSource final : public DeviceSource {
 public:
  BleSource(BleConfig config, std::string spec);
  ~BleSource() override;

  void open() override;  // connects and subscribes; throws SourceError
  void start() override;
  void stop() override;
  void close() override;
  SourceInfo info() const override;
  std::optional<HeartMetrics> heart() const override;

 private:
  struct Bus;
  void connect_and_subscribe(double timeout_scale);  // throws SourceError
  void on_value(const std::vector<std::uint8_t>& packet);
  void on_device_connected(bool connected);
  void worker(std::stop_token stop);

  BleConfig config_;
  std::string spec_;
  std::unique_ptr<Bus> bus_;
  std::jthread worker_;

  // Worker thread state.
  RsaProcessor rsa_;
  std::vector<float> scratch_;
  bool link_up_ = false;
  bool resync_ = false;            // restart RSA and mark a gap at the next beat
  double last_packet_s_ = 0.0;
  double last_beat_s_ = 0.0;
  bool stalled_ = false;
  ReconnectBackoff backoff_;
  std::uint64_t malformed_ = 0;

  mutable std::mutex heart_mutex_;  // the worker writes these, info() and heart() read them
  std::string device_name_;
  HeartMetrics metrics_;
};

}  // namespace respira::sensors
