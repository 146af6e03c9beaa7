// EDF/EDF+/BDF read through EDFlib: signal labels, the respiration signal search, the
// sample rate from the record duration, physical sample conversion. EDFlib is the Debian
// build (not coverage-instrumented); ASan sees its heap through the interceptors.

#include "recording_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static respira::fuzz::ScratchFile file("input.edf");
  respira::fuzz::check_read_recording(file.write(data, size), {});
  return 0;
}
