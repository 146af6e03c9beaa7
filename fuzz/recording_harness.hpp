#pragma once
// The recording harnesses (CSV, WAV, EDF) share one check: read_recording either throws a
// RecordingError whose message starts with the file name, or returns a recording the
// analyzer can use — samples present, all finite, a sample rate within the documented
// bounds — and then the analyzer runs over it in one-second blocks as `respira analyze`
// does, so hostile values also reach the DSP core.

#include <algorithm>
#include <cmath>
#include <span>
#include <string>

#include "fuzz_support.hpp"
#include "dsp/breath_analyzer.hpp"
#include "sensors/recording.hpp"

namespace respira::fuzz {

inline void analyze(const sensors::Recording& rec) {
  dsp::AnalyzerConfig config;
  config.sample_rate_hz = rec.sample_rate_hz;
  config.kind = rec.default_kind;
  const auto block = static_cast<std::size_t>(std::ceil(rec.sample_rate_hz));
  config.max_block_samples = block;
  dsp::BreathAnalyzer analyzer(config);
  const std::span<const float> samples(rec.samples);
  for (std::size_t done = 0; done < samples.size(); done += block) {
    analyzer.process(samples.subspan(done, std::min(block, samples.size() - done)));
    const double rate = analyzer.state().rate_bpm;
    require(std::isnan(rate) || (rate > 0 && std::isfinite(rate)), "the analyzer's rate is NaN or positive");
  }
}

inline void check_read_recording(const std::filesystem::path& path,
                                 const sensors::RecordingOptions& options) {
  try {
    const sensors::Recording rec = sensors::read_recording(path, options);
    require(!rec.samples.empty(), "an accepted recording has samples");
    require(rec.sample_rate_hz >= sensors::kMinRecordingRateHz &&
                rec.sample_rate_hz <= sensors::kMaxRecordingRateHz,
            "an accepted recording's sample rate is within the documented bounds");
    for (const float v : rec.samples) require(std::isfinite(v), "an accepted recording's samples are finite");
    analyze(rec);
  } catch (const sensors::RecordingError& e) {
    require(std::string(e.what()).starts_with(path.string() + ": "),
            "a recording error starts with the file name");
  }
}

}  // namespace respira::fuzz
