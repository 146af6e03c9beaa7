#include "device_sources.hpp"

namespace respira::sensors {
std::unique_ptr<Source> make_ble_source(std::string spec, std::string_view) {
  throw SourceError(spec + ": BLE input is not built yet");
}
}  // namespace respira::sensors
