#pragma once
// One interface for everything that produces a respiration-related signal:
// microphone, serial belt, BLE heart-rate strap (RSA-derived), file replay, synthetic.
//
// Lifecycle: open() -> start() -> [read() repeatedly] -> stop() -> close().
// Devices deliver samples from their own thread/callback into a wait-free ring;
// read() is called by one consumer thread (the live pipeline) and never blocks.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "dsp/types.hpp"
#include "sensors/heart_metrics.hpp"

namespace respira::sensors {

class SourceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SourceInfo {
  std::string spec;            // as given, e.g. "mic:pulse", "replay:file.wav@4"
  std::string kind;            // mic | serial | ble | replay | synthetic
  std::string device_name;     // human-readable device / file name
  double sample_rate_hz = 0.0; // rate of the samples read() returns
  dsp::SignalKind signal_kind = dsp::SignalKind::belt;
};

// Counters and levels the UI / status line show. Cheap to copy.
struct SourceHealth {
  bool connected = false;
  bool finished = false;           // a finite source (replay) has delivered everything
  double level_db = -120.0;        // input level (dBFS for audio, relative for others)
  bool clipping = false;
  bool silent = false;
  double noise_floor_db = -120.0;  // from the calibration at start (mic)
  std::uint64_t samples_delivered = 0;
  std::uint64_t samples_dropped = 0;   // ring overflows
  std::uint64_t gaps = 0;              // dropouts / disconnections seen
  std::uint64_t reconnects = 0;
  std::string last_error;          // empty when healthy
};

// Values that arrived with a gap before them are reported through this marker.
struct ReadResult {
  std::size_t count = 0;        // samples written into the caller's buffer
  double gap_before_s = 0.0;    // > 0: input was missing for this long before these samples
};

class Source {
 public:
  virtual ~Source() = default;
  virtual void open() = 0;   // throws SourceError with a clear message
  virtual void start() = 0;
  virtual void stop() = 0;
  virtual void close() = 0;
  virtual SourceInfo info() const = 0;  // valid after open()
  // Consumer thread (the live pipeline copies it into every snapshot for the UI).
  virtual SourceHealth health() const = 0;
  // Non-blocking; consumer thread only.
  virtual ReadResult read(std::span<float> out) = 0;
  // Input time (seconds since start) of the next sample read() will return.
  virtual double stream_time_s() const = 0;
  // Heart figures for heart-rate sources (ble:); others have none. Consumer thread.
  virtual std::optional<HeartMetrics> heart() const { return std::nullopt; }
};

// Makes a source from a spec string: mic[:DEVICE], serial:/dev/PATH[@BAUD],
// ble:ADDRESS, replay:FILE[@SPEED], synthetic[:RATE]. Throws SourceError.
std::unique_ptr<Source> make_source(std::string_view spec);

struct InputDevice {
  int index = -1;
  std::string name;
  int max_input_channels = 0;
  double default_sample_rate_hz = 0.0;
  bool is_default = false;
};
std::vector<InputDevice> list_input_devices();

}  // namespace respira::sensors
