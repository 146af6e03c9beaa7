// CSV recordings (respira analyze, replay:FILE.csv): header detection, delimiters, the
// respiration and time columns, missing values, the sample rate from the time column.
// Each input is read twice: as found (time column or error) and with --sample-rate given.

#include "recording_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static respira::fuzz::ScratchFile file("input.csv");
  const auto& path = file.write(data, size);
  respira::fuzz::check_read_recording(path, {});
  respira::fuzz::check_read_recording(path, {.column = std::nullopt, .sample_rate_hz = 25.0});
  return 0;
}
