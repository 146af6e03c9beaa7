#pragma once
// Reading whole recordings (CSV, WAV, EDF/EDF+) into one respiration channel.
// Used by `respira analyze` and by the replay source. Errors are reported as
// RecordingError with a message that names the file and the problem.

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "dsp/types.hpp"

namespace respira::sensors {

class RecordingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RecordingOptions {
  std::optional<std::string> column;          // CSV/EDF channel name; default: found by name
  std::optional<double> sample_rate_hz;       // CSV without a time column needs this
};

struct Recording {
  std::filesystem::path path;
  std::string channel;            // which column / signal was used
  double sample_rate_hz = 0.0;
  dsp::SignalKind default_kind = dsp::SignalKind::belt;  // audio for WAV
  std::vector<float> samples;
  double duration_s() const { return sample_rate_hz > 0 ? samples.size() / sample_rate_hz : 0.0; }
};

// Sample rates a recording may have: below 1 Hz a breath is barely sampled, above
// 384 kHz (the fastest audio) the file is corrupt, and either would make consumers size
// buffers from a nonsense rate.
inline constexpr double kMinRecordingRateHz = 1.0;
inline constexpr double kMaxRecordingRateHz = 384000.0;

// Throws RecordingError on any problem (missing file, unknown column, corrupt data).
Recording read_recording(const std::filesystem::path& path, const RecordingOptions& options = {});

}  // namespace respira::sensors
