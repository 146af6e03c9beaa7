#pragma once
// BreathSoundFrontEnd: turns breath sounds (stethoscope or microphone audio) into a
// respiration-like waveform with ONE cycle per breath, so the same peak/trough detector
// that reads a chest belt can read a microphone.
//
// Why this design: both inhalation and exhalation make noise, so a band-energy envelope
// has two bursts per breath and a naive detector doubles the rate. The stage therefore
// (1) measures log energy in three breath-sound bands (above the heart sounds, below
// hiss; BreathSoundBands), with a short running median against heart clicks; (2) finds
// the breathing period from the running autocorrelation of loudness and spectral-tilt
// features, deciding whether successive bursts form inhale/exhale pairs (they differ in
// loudness, tilt and spacing, so the rhythm repeats better at two bursts than at one;
// EnvelopePeriodicity); (3) filters the features' component at that breath frequency
// into an in-phase / quadrature pair and renders a unit oscillator locked to its phase,
// a quarter cycle after the loudest sound, so the output rises while inhaling and falls
// while exhaling, one cycle per breath; the oscillator only moves forward, so loudness
// wobbles and phase jitter cannot add or drop breaths downstream. The period is also
// exposed as a rate hint. Steady noise or silence yields no period, a flat output and
// zero quality rather than an invented rhythm. The output carries timing, not depth.
//
// Causal and streaming; all memory is allocated in the constructor; process() never
// allocates, locks or throws. Works at any input rate from 2 kHz to 48 kHz.

#include <cstddef>
#include <memory>
#include <span>

#include "dsp/types.hpp"

namespace respira::dsp {

struct BreathSoundConfig {
  double input_rate_hz = 48000.0;
  double output_rate_hz = 25.0;  // rate of the respiration-like waveform
  double min_rate_bpm = 3.0;
  double max_rate_bpm = 40.0;
  double band_low_hz = 150.0;    // heart sounds live below this
  double band_high_hz = 1500.0;  // clipped to 0.45 x input rate
};

class BreathSoundFrontEnd {
 public:
  explicit BreathSoundFrontEnd(const BreathSoundConfig& config);
  ~BreathSoundFrontEnd();
  BreathSoundFrontEnd(BreathSoundFrontEnd&&) noexcept;
  BreathSoundFrontEnd& operator=(BreathSoundFrontEnd&&) noexcept;

  // Writes the respiration-like signal (rises while inhaling, falls while exhaling,
  // roughly -1..1) produced by this block into out and returns how many samples were
  // written. out must hold at least max_output_for(audio.size()) samples. loudness_db,
  // when given (as long as out), receives the overall breath-sound loudness (dB) at the
  // same instants, for timing turns at the quiet moments between bursts (FlowReversal).
  std::size_t process(std::span<const float> audio, std::span<float> out,
                      std::span<float> loudness_db = {}) noexcept;

  std::size_t max_output_for(std::size_t input_samples) const noexcept;
  double output_rate_hz() const noexcept;

  // Breath rate from the periodicity of the sound envelope (bpm), NaN until known.
  // Already resolved for inhale/exhale pairing, so it is a breath rate, not a burst rate.
  double rate_hint_bpm() const noexcept;
  // 0..1: how clearly breath sounds stand above the noise floor and repeat.
  double signal_quality() const noexcept;
  // Phase of the sound currently heard: inhale, exhale, pause, or unknown while learning.
  BreathPhase phase() const noexcept;
  // Typical delay between a breath sound and its trace in the output, in seconds.
  double delay_s() const noexcept;

  // Forget the signal history; keeps the configuration.
  void reset() noexcept;
  // The input stopped for gap_s (a device dropout). After a gap of up to 15 s the rhythm
  // learned so far is kept: the envelope restarts, the periodicity and the rendered cycle
  // carry on, so the rate holds and breaths resume within a breath or two instead of after
  // a fresh 15 s warm-up. A longer gap forgets everything, like reset().
  void resume_after_gap(double gap_s) noexcept;

  const BreathSoundConfig& config() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace respira::dsp
