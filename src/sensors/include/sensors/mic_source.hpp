#pragma once
// MicSource: microphone capture through PortAudio's callback API.
//
// The callback only mixes the channels to mono and pushes into a preallocated
// SampleFeed (wait-free ring): no allocation, lock, log or device call there. Level,
// clipping, silence and the noise-floor calibration are measured on the consumer side.
// A supervisor thread (std::jthread) watches the callback count: when audio stops
// arriving (device unplugged, sound server gone) it reports the fault, closes the
// stream and reopens the same device with back-off, marking the gap in the feed so the
// analyzer restarts cleanly. (The blocking Pa_ReadStream API corrupted memory under
// JACK's dummy driver; the callback API does not.)

#include <memory>
#include <string>
#include <thread>

#include "sensors/device_source.hpp"

namespace respira::sensors {

struct MicConfig {
  std::string device;               // "" = default input; a number = index; else name substring
  double stall_timeout_s = 2.0;     // no callback for this long = device gone
  double max_backoff_s = 5.0;
  double ring_seconds = 4.0;
};

class MicSource final : public DeviceSource {
 public:
  MicSource(MicConfig config, std::string spec);
  ~MicSource() override;

  void open() override;  // finds the device and negotiates the rate; throws SourceError
  void start() override;
  void stop() override;
  void close() override;
  SourceInfo info() const override;

  struct Capture;  // what the audio callback sees

 private:
  struct Stream;
  bool open_stream();   // supervisor/owner thread; false (with last_error set) on failure
  void close_stream();
  void supervise(std::stop_token stop);

  MicConfig config_;
  std::string spec_;
  std::string device_name_;
  double sample_rate_hz_ = 0.0;
  int channels_ = 1;
  std::unique_ptr<Stream> stream_;
  std::jthread supervisor_;
  bool library_open_ = false;
};

// Silences ALSA's and JACK's start-up chatter, then initialises PortAudio. Paired with
// Pa_Terminate() by the caller. Throws SourceError.
void initialise_portaudio();

}  // namespace respira::sensors
