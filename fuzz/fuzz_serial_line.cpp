// The serial belt's line protocol (serial_line.hpp): the input is a byte stream cut into
// lines at '\n' as SerialSource does (over-long lines truncated the same way), each line
// parsed and fed to the rate estimator with arrival times 10 ms apart. Accepted samples
// must be finite and a declared or found rate within kMin/kMaxSerialRateHz: the source
// divides by it and sizes its ring from it.

#include <cmath>
#include <string>

#include "fuzz_support.hpp"
#include "sensors/serial_line.hpp"

namespace {

constexpr std::size_t kMaxLineLength = 256;  // SerialSource keeps at most this much of a line

void check_line(const respira::sensors::SerialLine& line) {
  using Kind = respira::sensors::SerialLine::Kind;
  using respira::fuzz::require;
  if (line.kind == Kind::sample) {
    require(std::isfinite(line.value), "a sample's value is finite");
    require(!line.t_ms || std::isfinite(*line.t_ms), "a sample's T_MS is finite");
  }
  if (line.kind == Kind::rate)
    require(line.rate_hz >= respira::sensors::kMinSerialRateHz && line.rate_hz <= respira::sensors::kMaxSerialRateHz,
            "a declared rate is within the documented bounds");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using respira::fuzz::require;
  const std::string_view text = respira::fuzz::as_text(data, size);
  respira::sensors::SerialRateEstimator estimator;
  std::string partial;
  double arrival_s = 0.0;
  for (const char c : text) {
    if (c != '\n') {
      if (partial.size() < kMaxLineLength) partial += c;
      continue;
    }
    const auto line = respira::sensors::parse_serial_line(partial);
    partial.clear();
    check_line(line);
    arrival_s += 0.01;
    if (const auto rate = estimator.add(line, arrival_s))
      require(*rate >= respira::sensors::kMinSerialRateHz && *rate <= respira::sensors::kMaxSerialRateHz,
              "an estimated rate is within the documented bounds");
  }
  check_line(respira::sensors::parse_serial_line(partial));
  return 0;
}
