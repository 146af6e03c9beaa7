#pragma once
// Audio guidance: a soft tone whose pitch rises while the guide says breathe in and falls
// while it says breathe out, fading almost to silence during holds, so a person can
// practise with eyes closed.
//
// The UI thread publishes the target (volume 0..1, loudness) every frame through atomics;
// the PortAudio callback glides toward them sample by sample (no zipper noise) and never
// allocates, locks or logs. No sound card is not an error: open() reports why.

#include <atomic>
#include <memory>
#include <string>

namespace respira::app {

class AudioGuide {
 public:
  AudioGuide();
  ~AudioGuide();
  AudioGuide(const AudioGuide&) = delete;
  AudioGuide& operator=(const AudioGuide&) = delete;

  // Opens the default output. Returns false (see error()) when there is no usable device.
  bool open();
  void close();
  bool is_open() const { return stream_ != nullptr; }
  const std::string& error() const { return error_; }

  // volume: the guide's target lung volume 0..1 (sets the pitch);
  // loudness: 0..1 (the user's volume times the phase's emphasis).
  void publish(float volume, float loudness);

  // The tone for a volume: 196 Hz (G3) at empty lungs up to a fifth above at full.
  static float pitch_hz(float volume);

  struct State;  // shared with the callback; defined in the .cpp

 private:
  std::unique_ptr<State> state_;
  void* stream_ = nullptr;
  bool library_open_ = false;
  std::string error_;
};

}  // namespace respira::app
