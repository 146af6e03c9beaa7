#pragma once
// The recording harnesses (CSV, WAV, EDF) share one check: read_recording either throws a
// RecordingError whose message starts with the file name, or returns a recording the
// analyzer can use — samples present, all finite, a finite positive sample rate.

#include <cmath>
#include <string>

#include "fuzz_support.hpp"
#include "sensors/recording.hpp"

namespace respira::fuzz {

inline void check_read_recording(const std::filesystem::path& path,
                                 const sensors::RecordingOptions& options) {
  try {
    const sensors::Recording rec = sensors::read_recording(path, options);
    require(!rec.samples.empty(), "an accepted recording has samples");
    require(rec.sample_rate_hz > 0 && std::isfinite(rec.sample_rate_hz),
            "an accepted recording has a finite positive sample rate");
    for (const float v : rec.samples) require(std::isfinite(v), "an accepted recording's samples are finite");
  } catch (const sensors::RecordingError& e) {
    require(std::string(e.what()).starts_with(path.string() + ": "),
            "a recording error starts with the file name");
  }
}

}  // namespace respira::fuzz
