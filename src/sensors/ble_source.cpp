#include "sensors/ble_source.hpp"

#include <poll.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <sdbus-c++/sdbus-c++.h>

#include "device_sources.hpp"
#include "spec_parsing.hpp"

namespace respira::sensors {
namespace {

constexpr const char* kBluez = "org.bluez";
constexpr const char* kObjectManager = "org.freedesktop.DBus.ObjectManager";
constexpr const char* kProperties = "org.freedesktop.DBus.Properties";
constexpr const char* kAdapter = "org.bluez.Adapter1";
constexpr const char* kDevice = "org.bluez.Device1";
constexpr const char* kGattService = "org.bluez.GattService1";
constexpr const char* kGattCharacteristic = "org.bluez.GattCharacteristic1";
constexpr const char* kHeartRateService = "180d";
constexpr const char* kHeartRateMeasurement = "2a37";
constexpr int kLoopTickMs = 100;
constexpr double kFirstRetryDelayS = 0.5;
constexpr double kFeedSeconds = 120.0;

using Properties = std::map<std::string, sdbus::Variant>;
using Interfaces = std::map<std::string, Properties>;
using ManagedObjects = std::map<sdbus::ObjectPath, Interfaces>;

// "0000180d-0000-1000-8000-00805f9b34fb" or "180d" name the same 16-bit UUID.
bool is_uuid16(const std::string& uuid, const char* short_hex) {
  const std::string u = spec::lower(uuid);
  return u == short_hex ||
         (u.size() == 36 && u.substr(4, 4) == short_hex && u.ends_with("-0000-1000-8000-00805f9b34fb"));
}

template <typename T>
std::optional<T> property(const Interfaces& interfaces, const char* interface, const char* name) {
  const auto i = interfaces.find(interface);
  if (i == interfaces.end()) return std::nullopt;
  const auto p = i->second.find(name);
  if (p == i->second.end()) return std::nullopt;
  try {
    return p->second.get<T>();
  } catch (const sdbus::Error&) {
    return std::nullopt;
  }
}

// Calls on_change with the new value of interface's property `name` each time BlueZ
// signals it changed. A value of the wrong type throws sdbus::Error into the event loop.
template <typename T, typename OnChange>
void watch_property(sdbus::IProxy& proxy, const char* interface, const char* name,
                    OnChange on_change) {
  proxy.uponSignal("PropertiesChanged")
      .onInterface(kProperties)
      .call([=](const std::string& changed_interface, const Properties& changed,
                const std::vector<std::string>&) {
        if (changed_interface != interface) return;
        if (const auto v = changed.find(name); v != changed.end()) on_change(v->second.get<T>());
      });
  proxy.finishRegistration();
}

}  // namespace

struct BleSource::Bus {
  std::unique_ptr<sdbus::IConnection> connection;
  std::unique_ptr<sdbus::IProxy> root;
  std::unique_ptr<sdbus::IProxy> device;
  std::unique_ptr<sdbus::IProxy> characteristic;
  std::string device_path;

  ManagedObjects objects() {
    ManagedObjects result;
    root->callMethod("GetManagedObjects").onInterface(kObjectManager).storeResultsTo(result);
    return result;
  }
  // Drains whatever the bus has for us for up to `seconds`.
  void pump(double seconds) {
    const double until = wall_now_s() + seconds;
    do {
      while (connection->processPendingRequest()) {
      }
      const auto data = connection->getEventLoopPollData();
      pollfd p{data.fd, data.events, 0};
      const int wait_ms = static_cast<int>(std::max(0.0, std::min(until - wall_now_s(), 0.05)) * 1000);
      ::poll(&p, 1, wait_ms);
    } while (wall_now_s() < until);
    while (connection->processPendingRequest()) {
    }
  }
};

BleSource::BleSource(BleConfig config, std::string spec)
    : config_(std::move(config)),
      spec_(std::move(spec)),
      rsa_(config_.rsa),
      backoff_(kFirstRetryDelayS, config_.max_backoff_s) {
  const auto& a = config_.address;
  const bool valid = a.size() == 17 && std::all_of(a.begin(), a.end(), [&](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) || c == ':';
  }) && a[2] == ':' && a[5] == ':' && a[8] == ':' && a[11] == ':' && a[14] == ':';
  if (!valid)
    throw SourceError("ble: '" + a + "' is not a Bluetooth address (AA:BB:CC:DD:EE:FF)");
}

BleSource::~BleSource() { close(); }

void BleSource::connect_and_subscribe(double timeout_scale) {
  Bus& bus = *bus_;
  const std::string wanted = spec::lower(config_.address);
  auto find_device = [&]() -> std::optional<std::pair<std::string, Interfaces>> {
    for (const auto& [path, interfaces] : bus.objects()) {
      const auto address = property<std::string>(interfaces, kDevice, "Address");
      if (address && spec::lower(*address) == wanted) return std::make_pair(std::string(path), interfaces);
    }
    return std::nullopt;
  };

  auto device = find_device();
  if (!device) {
    // Unknown to BlueZ: scan on every adapter until it shows up.
    std::vector<std::unique_ptr<sdbus::IProxy>> adapters;
    for (const auto& [path, interfaces] : bus.objects()) {
      if (!interfaces.contains(kAdapter)) continue;
      adapters.push_back(sdbus::createProxy(*bus.connection, kBluez, path));
      try {
        adapters.back()->callMethod("StartDiscovery").onInterface(kAdapter);
      } catch (const sdbus::Error&) {  // already discovering: fine
      }
    }
    if (adapters.empty()) throw SourceError("ble: BlueZ has no Bluetooth adapter");
    const double until = wall_now_s() + config_.discovery_timeout_s * timeout_scale;
    while (!device && wall_now_s() < until) {
      bus.pump(0.25);
      device = find_device();
    }
    for (auto& adapter : adapters) {
      try {
        adapter->callMethod("StopDiscovery").onInterface(kAdapter);
      } catch (const sdbus::Error&) {
      }
    }
    if (!device)
      throw SourceError("ble: no device " + config_.address +
                        " found (is the strap worn, on and in range?)");
  }
  bus.device_path = device->first;
  {
    const std::lock_guard lock(heart_mutex_);
    device_name_ = property<std::string>(device->second, kDevice, "Alias")
                       .value_or(property<std::string>(device->second, kDevice, "Name").value_or(config_.address));
  }

  bus.device = sdbus::createProxy(*bus.connection, kBluez, bus.device_path);
  watch_property<bool>(*bus.device, kDevice, "Connected",
                       [this](bool connected) { on_device_connected(connected); });

  if (!property<bool>(device->second, kDevice, "Connected").value_or(false)) {
    try {
      bus.device->callMethod("Connect")
          .onInterface(kDevice)
          .withTimeout(std::chrono::microseconds(
              static_cast<std::int64_t>(config_.connect_timeout_s * timeout_scale * 1e6)));
    } catch (const sdbus::Error& e) {
      if (e.getName() != "org.bluez.Error.AlreadyConnected")
        throw SourceError("ble: cannot connect to " + config_.address + ": " + e.getMessage());
    }
  }

  // GATT objects appear once BlueZ has resolved the strap's services.
  std::string characteristic_path;
  const double until = wall_now_s() + config_.connect_timeout_s * timeout_scale;
  while (characteristic_path.empty()) {
    const ManagedObjects objects = bus.objects();
    for (const auto& [path, interfaces] : objects) {
      const std::string p = path;
      if (!p.starts_with(bus.device_path + "/")) continue;
      const auto uuid = property<std::string>(interfaces, kGattCharacteristic, "UUID");
      if (!uuid || !is_uuid16(*uuid, kHeartRateMeasurement)) continue;
      const auto service = property<sdbus::ObjectPath>(interfaces, kGattCharacteristic, "Service");
      const auto s = service ? objects.find(*service) : objects.end();
      const auto service_uuid =
          s == objects.end() ? std::nullopt : property<std::string>(s->second, kGattService, "UUID");
      if (service_uuid && is_uuid16(*service_uuid, kHeartRateService)) characteristic_path = p;
    }
    if (!characteristic_path.empty()) break;
    if (wall_now_s() >= until)
      throw SourceError("ble: " + config_.address +
                        " offers no Heart Rate Measurement (service 0x180D, characteristic 0x2A37)");
    bus.pump(0.25);
  }

  bus.characteristic = sdbus::createProxy(*bus.connection, kBluez, characteristic_path);
  watch_property<std::vector<std::uint8_t>>(
      *bus.characteristic, kGattCharacteristic, "Value",
      [this](const std::vector<std::uint8_t>& packet) { on_value(packet); });
  try {
    bus.characteristic->callMethod("StartNotify").onInterface(kGattCharacteristic);
  } catch (const sdbus::Error& e) {
    throw SourceError("ble: cannot subscribe to heart-rate notifications of " + config_.address +
                      ": " + e.getMessage());
  }
  link_up_ = true;
  last_packet_s_ = wall_now_s();
  status_.set(true, "");
}

void BleSource::open() {
  if (bus_) return;
  bus_ = std::make_unique<Bus>();
  try {
    bus_->connection = sdbus::createSystemBusConnection();
    bus_->root = sdbus::createProxy(*bus_->connection, kBluez, "/");
    // The RSA trace's level is relative: no clipping, no silence, only the variation.
    begin_stream({.sample_rate_hz = config_.rsa.output_rate_hz,
                  .capacity = static_cast<std::size_t>(kFeedSeconds * config_.rsa.output_rate_hz),
                  .level = {.window_s = 2.0,
                            .clip_threshold = 1e30,
                            .silence_db = -300.0,
                            .remove_mean = true}});
    connect_and_subscribe(1.0);
  } catch (const sdbus::Error& e) {
    bus_.reset();
    throw SourceError("ble: cannot talk to BlueZ on the D-Bus system bus (is bluetoothd "
                      "running?): " + e.getMessage());
  } catch (...) {
    bus_.reset();
    throw;
  }
}

void BleSource::on_device_connected(bool connected) {
  if (connected || !link_up_) return;
  link_up_ = false;
  resync_ = true;
  backoff_.lost(wall_now_s());
  status_.lost("ble: " + config_.address + " disconnected; reconnecting");
}

void BleSource::on_value(const std::vector<std::uint8_t>& packet) {
  const double now = wall_now_s();
  last_packet_s_ = now;
  const auto measurement = parse_heart_rate_measurement(packet);
  if (!measurement) {
    if (malformed_++ == 0) status_.set(true, "ble: ignoring malformed heart-rate packets");
    return;
  }
  if (resync_ && !measurement->rr_1024.empty()) {
    rsa_.restart();
    feed().mark_gap(now - last_beat_s_);
    resync_ = false;
  }
  scratch_.clear();
  rsa_.add_measurement(*measurement, scratch_);
  if (!measurement->rr_1024.empty()) last_beat_s_ = now;
  feed().push(scratch_);
  {
    const std::lock_guard lock(heart_mutex_);
    metrics_ = rsa_.metrics();
  }
  if (stalled_) {
    stalled_ = false;
    status_.set(true, "");
  }
}

void BleSource::worker(std::stop_token stop) {
  while (!stop.stop_requested()) {
    try {
      bus_->pump(kLoopTickMs / 1000.0);
      const double now = wall_now_s();
      if (!link_up_ && backoff_.due(now)) {
        try {
          bus_->characteristic.reset();
          bus_->device.reset();
          connect_and_subscribe(0.3);
          status_.reconnected();
        } catch (const SourceError& e) {
          status_.set(false, std::string(e.what()) + "; retrying");
          backoff_.failed(wall_now_s());
        }
      } else if (link_up_ && !stalled_ && now - last_packet_s_ > config_.stall_timeout_s) {
        stalled_ = true;
        status_.set(false, "ble: no heart-rate notification from " + config_.address + " for " +
                               std::to_string(static_cast<int>(config_.stall_timeout_s)) + " s");
      }
    } catch (const sdbus::Error& e) {
      status_.set(false, "ble: D-Bus: " + e.getMessage());
      link_up_ = false;
      resync_ = true;
      backoff_.retry_later(wall_now_s());
    }
  }
}

void BleSource::start() {
  if (!bus_) open();
  last_beat_s_ = wall_now_s();
  worker_ = std::jthread([this](std::stop_token stop) { worker(stop); });
}

void BleSource::stop() { stop_and_join(worker_); }

void BleSource::close() {
  stop();
  if (bus_ && bus_->characteristic) {
    try {
      bus_->characteristic->callMethod("StopNotify").onInterface(kGattCharacteristic);
    } catch (const sdbus::Error&) {  // the strap may already be gone
    }
  }
  bus_.reset();
  status_.set(false, "");
}

SourceInfo BleSource::info() const {
  const std::lock_guard lock(heart_mutex_);
  return SourceInfo{.spec = spec_,
                    .kind = "ble",
                    .device_name = device_name_.empty() ? config_.address
                                                        : device_name_ + " (" + config_.address + ")",
                    .sample_rate_hz = config_.rsa.output_rate_hz,
                    .signal_kind = dsp::SignalKind::belt};
}

std::optional<HeartMetrics> BleSource::heart() const {
  const std::lock_guard lock(heart_mutex_);
  return metrics_;
}

std::unique_ptr<Source> make_ble_source(std::string spec, std::string_view address) {
  BleConfig config;
  config.address = std::string(address);
  return std::make_unique<BleSource>(config, std::move(spec));
}

}  // namespace respira::sensors
