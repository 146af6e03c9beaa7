#pragma once
// Plain value types shared by every layer above the DSP core.

#include <cstdint>
#include <limits>

namespace respira::dsp {

inline constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

// What kind of signal feeds the analyzer: a respiration waveform (belt, impedance,
// RSA-derived) or breath sounds from a microphone.
enum class SignalKind : std::uint8_t { belt, audio };

enum class BreathPhase : std::uint8_t { unknown, inhale, exhale, pause };

// inhale = inhalation onset (trough of a belt signal); exhale = exhalation onset (peak).
enum class BreathEventType : std::uint8_t { inhale, exhale };

struct BreathEvent {
  double time_s = 0.0;     // input time of the trough / peak itself
  BreathEventType type = BreathEventType::exhale;
  double emitted_s = 0.0;  // input time at which the detector emitted it (latency = emitted - time)
  // Peak-to-trough excursion relative to the running depth (1 = typical); NaN from breath
  // sounds, whose loudness says how noisy a breath was, not how deep.
  double amplitude = 0.0;
};

// Everything the live consumers (UI, session recorder, status line) read after a block.
// Rates are breaths per minute; values that are not known yet are NaN.
struct BreathState {
  double time_s = 0.0;              // input time at the end of the last processed block
  BreathPhase phase = BreathPhase::unknown;
  double phase_progress = 0.0;      // 0..1 within the current phase (expected-duration based)
  double rate_bpm = kNoValue;       // smoothed causal rate
  double instant_rate_bpm = kNoValue;   // from the last breath interval
  double spectral_rate_bpm = kNoValue;  // Welch spectrum peak
  double inhale_s = kNoValue;       // last breath's inhale / exhale durations
  double exhale_s = kNoValue;
  double ie_ratio = kNoValue;       // inhale : exhale as a single number (inhale / exhale)
  double depth = kNoValue;          // last breath's depth relative to the running median (1 = typical); NaN from sounds
  double interval_sd_s = kNoValue;  // variability over recent breaths
  double interval_cv = kNoValue;
  double regularity = kNoValue;     // 0..1, 1 = metronomic
  double signal_quality = 0.0;      // 0..1 over the last second
  double waveform = 0.0;            // conditioned respiration signal, roughly -1..1
  std::uint64_t breath_count = 0;
  std::uint32_t sigh_count = 0;
  std::uint32_t apnea_count = 0;
};

}  // namespace respira::dsp
