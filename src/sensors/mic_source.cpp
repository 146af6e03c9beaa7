#include "device_sources.hpp"

namespace respira::sensors {
std::unique_ptr<Source> make_mic_source(std::string spec, std::string_view) {
  throw SourceError(spec + ": microphone input is not built yet");
}
std::vector<InputDevice> list_input_devices() { return {}; }
}  // namespace respira::sensors
