// WAV (and whatever else libsndfile recognises in the bytes) read through libsndfile:
// our handling of its header fields (channels, rate, frame count) and of the samples it
// returns. libsndfile itself is the Debian build, not coverage-instrumented; ASan still
// sees its heap use through the allocator and memcpy interceptors.

#include "recording_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static respira::fuzz::ScratchFile file("input.wav");
  respira::fuzz::check_read_recording(file.write(data, size), {});
  return 0;
}
