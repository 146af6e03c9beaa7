#include "sensors/mic_source.hpp"

#include <alsa/asoundlib.h>
#include <fcntl.h>
#include <portaudio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "device_sources.hpp"
#include "spec_parsing.hpp"

namespace respira::sensors {
namespace {

constexpr std::array<double, 3> kPreferredRatesHz = {48000.0, 44100.0, 16000.0};
constexpr std::size_t kMixChunk = 1024;
constexpr auto kSupervisorTick = std::chrono::milliseconds(100);
constexpr double kFirstRetryDelayS = 0.25;

void ignore_alsa_error(const char*, int, const char*, int, const char*, ...) {}

struct DeviceChoice {
  PaDeviceIndex index = paNoDevice;
  std::string name;
  int max_channels = 0;
  double default_rate_hz = 0.0;
};

// "" = default input, digits = index, anything else = first input whose name contains it.
DeviceChoice find_input(const std::string& selector, std::string& error) {
  DeviceChoice choice;
  const PaDeviceIndex count = Pa_GetDeviceCount();
  if (count < 0) {
    error = std::string("cannot list audio devices: ") + Pa_GetErrorText(count);
    return choice;
  }
  PaDeviceIndex index = paNoDevice;
  if (selector.empty()) {
    index = Pa_GetDefaultInputDevice();
    if (index == paNoDevice) error = "no default audio input device (see `respira devices`)";
  } else if (const auto number = spec::to_number(selector);
             number && *number == std::floor(*number)) {
    index = static_cast<PaDeviceIndex>(*number);
    if (index < 0 || index >= count) {
      error = "no audio device with index " + selector + " (see `respira devices`)";
      index = paNoDevice;
    }
  } else {
    const std::string wanted = spec::lower(selector);
    for (PaDeviceIndex i = 0; i < count && index == paNoDevice; ++i) {
      const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
      if (info && info->maxInputChannels > 0 && spec::lower(info->name).find(wanted) != std::string::npos)
        index = i;
    }
    if (index == paNoDevice)
      error = "no audio input device matches '" + selector + "' (see `respira devices`)";
  }
  if (index == paNoDevice) return choice;
  const PaDeviceInfo* info = Pa_GetDeviceInfo(index);
  if (!info || info->maxInputChannels <= 0) {
    error = "audio device " + std::to_string(index) + " has no input channels";
    return choice;
  }
  choice.index = index;
  choice.name = info->name;
  choice.max_channels = info->maxInputChannels;
  choice.default_rate_hz = info->defaultSampleRate;
  return choice;
}

PaStreamParameters input_parameters(const DeviceChoice& device, int channels) {
  PaStreamParameters p{};
  p.device = device.index;
  p.channelCount = channels;
  p.sampleFormat = paFloat32;
  p.suggestedLatency = Pa_GetDeviceInfo(device.index)->defaultLowInputLatency;
  p.hostApiSpecificStreamInfo = nullptr;
  return p;
}

// First of 48 / 44.1 / 16 kHz the device accepts, else its default rate; 0 if none.
double negotiate_rate(const DeviceChoice& device, int channels) {
  const PaStreamParameters p = input_parameters(device, channels);
  for (const double rate : kPreferredRatesHz)
    if (Pa_IsFormatSupported(&p, nullptr, rate) == paFormatIsSupported) return rate;
  if (Pa_IsFormatSupported(&p, nullptr, device.default_rate_hz) == paFormatIsSupported)
    return device.default_rate_hz;
  return 0.0;
}

}  // namespace

void initialise_portaudio() {
  snd_lib_error_set_handler(&ignore_alsa_error);
  setenv("JACK_NO_START_SERVER", "1", 0);  // never spawn a JACK server as a side effect
  // JACK reports a missing server on stderr itself: mute fd 2 while PortAudio probes.
  const int saved = dup(STDERR_FILENO);
  const int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (saved >= 0 && devnull >= 0) dup2(devnull, STDERR_FILENO);
  const PaError err = Pa_Initialize();
  if (saved >= 0) {
    dup2(saved, STDERR_FILENO);
    ::close(saved);
  }
  if (devnull >= 0) ::close(devnull);
  if (err != paNoError) throw SourceError(std::string("PortAudio: ") + Pa_GetErrorText(err));
}

// Everything the audio callback touches, allocated before the stream starts.
struct MicSource::Capture {
  SampleFeed* feed = nullptr;
  int channels = 1;
  std::vector<float> mixed = std::vector<float>(kMixChunk);
  std::atomic<std::uint64_t> callbacks{0};
  std::atomic<std::uint64_t> overflows{0};
  std::atomic<float> peak{0.0f};

  void on_audio(const float* in, unsigned long frames, PaStreamCallbackFlags flags) noexcept {
    callbacks.fetch_add(1, std::memory_order_release);
    if (flags & paInputOverflow) overflows.fetch_add(1, std::memory_order_relaxed);
    if (in == nullptr) return;
    const float scale = 1.0f / static_cast<float>(channels);
    float block_peak = 0.0f;
    while (frames > 0) {
      const std::size_t n = std::min<std::size_t>(frames, mixed.size());
      for (std::size_t i = 0; i < n; ++i) {
        float sum = 0.0f;
        for (int c = 0; c < channels; ++c) {
          const float x = in[i * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)];
          block_peak = std::max(block_peak, std::fabs(x));
          sum += x;
        }
        mixed[i] = sum * scale;
      }
      feed->push(std::span<const float>(mixed.data(), n));
      in += n * static_cast<std::size_t>(channels);
      frames -= n;
    }
    float seen = peak.load(std::memory_order_relaxed);
    while (block_peak > seen &&
           !peak.compare_exchange_weak(seen, block_peak, std::memory_order_relaxed)) {
    }
  }
};

namespace {
int audio_callback(const void* input, void*, unsigned long frames,
                   const PaStreamCallbackTimeInfo*, PaStreamCallbackFlags flags, void* user) {
  static_cast<MicSource::Capture*>(user)->on_audio(static_cast<const float*>(input), frames,
                                                   flags);
  return paContinue;
}
}  // namespace

struct MicSource::Stream {
  PaStream* handle = nullptr;
  std::unique_ptr<Capture> capture;
};

MicSource::MicSource(MicConfig config, std::string spec)
    : config_(std::move(config)), spec_(std::move(spec)) {}

MicSource::~MicSource() { close(); }

void MicSource::open() {
  if (library_open_) return;
  initialise_portaudio();
  library_open_ = true;
  std::string error;
  const DeviceChoice device = find_input(config_.device, error);
  if (device.index == paNoDevice) {
    close();
    throw SourceError("mic: " + error);
  }
  channels_ = std::min(device.max_channels, 2);
  sample_rate_hz_ = negotiate_rate(device, channels_);
  if (sample_rate_hz_ <= 0.0 && channels_ > 1) sample_rate_hz_ = negotiate_rate(device, channels_ = 1);
  if (sample_rate_hz_ <= 0.0) {
    close();
    throw SourceError("mic: '" + device.name + "' accepts none of 48000/44100/16000 Hz");
  }
  device_name_ = device.name;
  begin_stream({.sample_rate_hz = sample_rate_hz_,
                .capacity = static_cast<std::size_t>(config_.ring_seconds * sample_rate_hz_),
                .level = LevelMeterConfig{}});
}

bool MicSource::open_stream() {
  std::string error;
  const std::string selector = device_name_.empty() ? config_.device : device_name_;
  DeviceChoice device = find_input(selector, error);
  if (device.index == paNoDevice) device = find_input(config_.device, error);
  if (device.index == paNoDevice) {
    status_.set(false, "mic: " + error);
    return false;
  }
  auto stream = std::make_unique<Stream>();
  stream->capture = std::make_unique<Capture>();
  stream->capture->feed = &feed();
  stream->capture->channels = std::min(device.max_channels, channels_);
  const PaStreamParameters params = input_parameters(device, stream->capture->channels);
  PaError err = Pa_OpenStream(&stream->handle, &params, nullptr, sample_rate_hz_,
                              paFramesPerBufferUnspecified, paClipOff, &audio_callback,
                              stream->capture.get());
  if (err == paNoError) {
    err = Pa_StartStream(stream->handle);
    if (err != paNoError) Pa_CloseStream(stream->handle);
  }
  if (err != paNoError) {
    status_.set(false, "mic: cannot open '" + device.name + "': " + Pa_GetErrorText(err));
    return false;
  }
  stream_ = std::move(stream);
  return true;
}

void MicSource::close_stream() {
  if (!stream_) return;
  Pa_AbortStream(stream_->handle);
  Pa_CloseStream(stream_->handle);
  stream_.reset();
}

void MicSource::start() {
  if (!library_open_) open();
  if (!open_stream()) throw SourceError(status_.last_error());
  status_.set(true, "");
  supervisor_ = std::jthread([this](std::stop_token stop) { supervise(stop); });
}

// Watches the callback count; on a stall closes the stream and retries with back-off.
void MicSource::supervise(std::stop_token stop) {
  std::uint64_t last_count = 0;
  double last_progress_s = wall_now_s();
  ReconnectBackoff backoff(kFirstRetryDelayS, config_.max_backoff_s);
  while (!stop.stop_requested()) {
    idle_until_stop(stop, kSupervisorTick);
    if (stop.stop_requested()) break;
    const double now = wall_now_s();
    if (stream_) {
      const std::uint64_t count = stream_->capture->callbacks.load(std::memory_order_acquire);
      status_.set_device_dropped(stream_->capture->overflows.load(std::memory_order_relaxed));
      if (count != last_count) {
        last_count = count;
        last_progress_s = now;
        continue;
      }
      if (now - last_progress_s < config_.stall_timeout_s && Pa_IsStreamActive(stream_->handle) == 1)
        continue;
      close_stream();
      Pa_Terminate();  // re-initialised below so a device that comes back is seen again
      library_open_ = false;
      status_.lost("mic: '" + device_name_ + "' stopped delivering audio; reconnecting");
      backoff.lost(now);
      continue;
    }
    if (!backoff.due(now)) continue;
    if (!library_open_) {
      try {
        initialise_portaudio();
        library_open_ = true;
      } catch (const SourceError&) {
      }
    }
    if (library_open_ && open_stream()) {
      feed().mark_gap(now - last_progress_s);  // before any sample of the new stream
      last_count = 0;
      last_progress_s = now;
      status_.reconnected();
    } else {
      if (library_open_) {
        Pa_Terminate();
        library_open_ = false;
      }
      backoff.failed(now);
    }
  }
}

void MicSource::stop() {
  stop_and_join(supervisor_);
  close_stream();
  status_.set(false, "");
}

void MicSource::close() {
  stop();
  if (library_open_) {
    Pa_Terminate();
    library_open_ = false;
  }
}

SourceInfo MicSource::info() const {
  return SourceInfo{.spec = spec_,
                    .kind = "mic",
                    .device_name = device_name_,
                    .sample_rate_hz = sample_rate_hz_,
                    .signal_kind = dsp::SignalKind::audio};
}

std::unique_ptr<Source> make_mic_source(std::string spec, std::string_view device) {
  return std::make_unique<MicSource>(MicConfig{.device = std::string(device)}, std::move(spec));
}

std::vector<InputDevice> list_input_devices() {
  initialise_portaudio();
  std::vector<InputDevice> devices;
  const PaDeviceIndex default_input = Pa_GetDefaultInputDevice();
  const PaDeviceIndex count = Pa_GetDeviceCount();
  for (PaDeviceIndex i = 0; i < count; ++i) {
    const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
    if (!info || info->maxInputChannels <= 0) continue;
    devices.push_back(InputDevice{.index = i,
                                  .name = info->name,
                                  .max_input_channels = info->maxInputChannels,
                                  .default_sample_rate_hz = info->defaultSampleRate,
                                  .is_default = i == default_input});
  }
  Pa_Terminate();
  return devices;
}

}  // namespace respira::sensors
