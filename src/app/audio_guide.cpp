#include "audio_guide.hpp"

#include <portaudio.h>

#include <cmath>
#include <numbers>

#include "sensors/mic_source.hpp"

namespace respira::app {

namespace {

constexpr double kSampleRateHz = 48000.0;
constexpr float kGlideSeconds = 0.04f;   // pitch and loudness follow within ~40 ms
constexpr float kHeadroom = 0.25f;       // full volume stays well below clipping

}  // namespace

struct AudioGuide::State {
  std::atomic<float> volume{0.0f};
  std::atomic<float> loudness{0.0f};
  // Callback-only state.
  double phase = 0.0;
  float pitch = AudioGuide::pitch_hz(0.0f);
  float gain = 0.0f;
  float glide = 1.0f - std::exp(-1.0f / (kGlideSeconds * static_cast<float>(kSampleRateHz)));
};

namespace {

int render(const void*, void* output, unsigned long frames, const PaStreamCallbackTimeInfo*,
           PaStreamCallbackFlags, void* user) {
  auto& s = *static_cast<AudioGuide::State*>(user);
  auto* out = static_cast<float*>(output);
  const float target_pitch = AudioGuide::pitch_hz(s.volume.load(std::memory_order_relaxed));
  const float target_gain = s.loudness.load(std::memory_order_relaxed) * kHeadroom;
  for (unsigned long i = 0; i < frames; ++i) {
    s.pitch += s.glide * (target_pitch - s.pitch);
    s.gain += s.glide * (target_gain - s.gain);
    s.phase += 2.0 * std::numbers::pi * s.pitch / kSampleRateHz;
    if (s.phase > 2.0 * std::numbers::pi) s.phase -= 2.0 * std::numbers::pi;
    // A sine with a touch of the octave and twelfth: round, not electronic.
    const double tone = std::sin(s.phase) + 0.18 * std::sin(2.0 * s.phase) + 0.05 * std::sin(3.0 * s.phase);
    out[i] = static_cast<float>(tone / 1.23) * s.gain;
  }
  return paContinue;
}

}  // namespace

AudioGuide::AudioGuide() : state_(std::make_unique<State>()) {}

AudioGuide::~AudioGuide() { close(); }

float AudioGuide::pitch_hz(float volume) {
  return 196.0f * std::pow(2.0f, 7.0f / 12.0f * std::fmin(std::fmax(volume, 0.0f), 1.0f));
}

bool AudioGuide::open() {
  if (stream_ != nullptr) return true;
  try {
    sensors::initialise_portaudio();
    library_open_ = true;
  } catch (const std::exception& e) {
    error_ = e.what();
    return false;
  }
  PaStream* stream = nullptr;
  PaError err = Pa_OpenDefaultStream(&stream, 0, 1, paFloat32, kSampleRateHz,
                                     paFramesPerBufferUnspecified, &render, state_.get());
  if (err == paNoError) err = Pa_StartStream(stream);
  if (err != paNoError) {
    error_ = std::string("no sound output: ") + Pa_GetErrorText(err);
    if (stream != nullptr) Pa_CloseStream(stream);
    Pa_Terminate();
    library_open_ = false;
    return false;
  }
  stream_ = stream;
  error_.clear();
  return true;
}

void AudioGuide::close() {
  if (stream_ != nullptr) {
    Pa_StopStream(static_cast<PaStream*>(stream_));
    Pa_CloseStream(static_cast<PaStream*>(stream_));
    stream_ = nullptr;
  }
  if (library_open_) {
    Pa_Terminate();
    library_open_ = false;
  }
}

void AudioGuide::publish(float volume, float loudness) {
  state_->volume.store(volume, std::memory_order_relaxed);
  state_->loudness.store(loudness, std::memory_order_relaxed);
}

}  // namespace respira::app
