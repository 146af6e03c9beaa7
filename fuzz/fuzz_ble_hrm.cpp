// BLE Heart Rate Measurement notifications (0x2A37) and the RSA respiration derived from
// them. The input is a stream of packets, each one length byte then that many bytes, as
// BlueZ hands them over. A packet the parser accepts must re-encode to exactly its bytes
// (every field decoded, nothing skipped or invented); every accepted packet then goes
// through RsaProcessor, whose output samples must be finite and whose heart figures must
// be finite or NaN ("not known"), never infinite or negative.

#include <cmath>
#include <vector>

#include "fuzz_support.hpp"
#include "sensors/heart_rate.hpp"

namespace {

using respira::fuzz::require;
using respira::sensors::HeartRateMeasurement;

void put_u16(std::vector<std::uint8_t>& out, unsigned value) {
  out.push_back(static_cast<std::uint8_t>(value & 0xff));
  out.push_back(static_cast<std::uint8_t>(value >> 8));
}

// The Heart Rate Service encoding of `m` under the packet's own flags byte.
std::vector<std::uint8_t> encode(std::uint8_t flags, const HeartRateMeasurement& m) {
  std::vector<std::uint8_t> out{flags};
  if (flags & 0x01) put_u16(out, m.heart_rate_bpm);
  else out.push_back(static_cast<std::uint8_t>(m.heart_rate_bpm));
  if (flags & 0x08) put_u16(out, m.energy_expended_kj.value_or(0));
  for (const auto rr : m.rr_1024) put_u16(out, rr);
  return out;
}

void check_figure(double value, const char* property) {
  require(std::isnan(value) || (std::isfinite(value) && value >= 0.0), property);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  respira::sensors::RsaProcessor rsa;
  std::vector<float> samples;
  std::size_t at = 0;
  while (at < size) {
    const std::size_t length = std::min<std::size_t>(data[at], size - at - 1);
    const std::span<const std::uint8_t> packet(data + at + 1, length);
    at += 1 + length;
    const auto m = respira::sensors::parse_heart_rate_measurement(packet);
    if (!m) continue;
    require(encode(packet[0], *m) == std::vector<std::uint8_t>(packet.begin(), packet.end()),
            "an accepted packet re-encodes to its own bytes");
    require(m->contact_detected <= m->contact_supported, "contact is detected only where supported");
    samples.clear();
    rsa.add_measurement(*m, samples);
    for (const float v : samples) require(std::isfinite(v), "RSA respiration samples are finite");
    const auto& h = rsa.metrics();
    check_figure(h.mean_heart_rate_bpm, "mean heart rate is NaN or finite and >= 0");
    check_figure(h.rmssd_ms, "RMSSD is NaN or finite and >= 0");
    check_figure(h.rsa_amplitude_bpm, "RSA amplitude is NaN or finite and >= 0");
    check_figure(h.last_rr_ms, "last RR is NaN or finite and >= 0");
  }
  return 0;
}
