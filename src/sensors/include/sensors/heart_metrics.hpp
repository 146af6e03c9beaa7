#pragma once
// Heart figures from a heart-rate strap, for the resonance-frequency search: the
// breathing rate that maximises RSA amplitude is the resonance rate.
// Read them live from LivePipeline::snapshot()->heart (present for ble: sources).

#include <cstdint>

#include "dsp/types.hpp"

namespace respira::sensors {

struct HeartMetrics {
  double heart_rate_bpm = dsp::kNoValue;     // latest reported by the strap
  double mean_heart_rate_bpm = dsp::kNoValue;// from RR intervals over the last ~60 s
  double rmssd_ms = dsp::kNoValue;           // RMS of successive RR differences, last ~60 s
  double rsa_amplitude_bpm = dsp::kNoValue;  // mean peak-to-trough HR per breath, last 5 breaths
  double last_rr_ms = dsp::kNoValue;
  std::uint64_t beats = 0;                   // RR intervals received
  std::uint64_t packets = 0;                 // measurement notifications received
  bool sensor_contact = true;                // false when the strap reports no skin contact
  double energy_expended_kj = dsp::kNoValue; // cumulative, when the strap sends it
};

}  // namespace respira::sensors
