#include "sensors/serial_line.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

#include "spec_parsing.hpp"

namespace respira::sensors {
namespace {

constexpr std::array<double, 12> kCommonRatesHz = {10, 20, 25, 50, 100, 125,
                                                   128, 200, 250, 256, 500, 1000};
constexpr double kSnapTolerance = 0.03;

bool is_separator(char c) { return c == ',' || c == ';' || c == '\t' || c == ' '; }

std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    const std::size_t start = i;
    while (i < line.size() && !is_separator(line[i])) ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
    // A comma or semicolon between spaces is one separator.
    while (i < line.size() && is_separator(line[i])) ++i;
  }
  return fields;
}

bool has_letter_start(std::string_view field) {
  return !field.empty() && (std::isalpha(static_cast<unsigned char>(field.front())) ||
                            field.front() == '_') &&
         field != "nan" && field != "inf";
}

std::optional<double> declared_rate(std::string_view comment) {
  std::string lowered;
  for (char c : comment)
    if (c != ' ' && c != '\t') lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const std::string_view key : {"rate", "fs", "sample_rate", "samplerate"}) {
    if (lowered.starts_with(key) && lowered.size() > key.size() &&
        (lowered[key.size()] == '=' || lowered[key.size()] == ':')) {
      std::string_view value = std::string_view(lowered).substr(key.size() + 1);
      if (value.ends_with("hz")) value.remove_suffix(2);
      return spec::to_number(value);
    }
  }
  return std::nullopt;
}

bool plausible_rate(double rate_hz) { return rate_hz >= kMinSerialRateHz && rate_hz <= kMaxSerialRateHz; }

}  // namespace

SerialLine parse_serial_line(std::string_view line) {
  SerialLine out;
  line = spec::trim(line);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  line = spec::trim(line);
  if (line.empty()) return out;
  if (line.front() == '#') {
    if (const auto rate = declared_rate(line.substr(1))) {
      if (plausible_rate(*rate)) {
        out.kind = SerialLine::Kind::rate;
        out.rate_hz = *rate;
      } else {
        out.kind = SerialLine::Kind::malformed;
      }
    }
    return out;
  }
  const auto fields = fields_of(line);
  if (fields.empty()) return out;
  if (std::all_of(fields.begin(), fields.end(), has_letter_start)) return out;  // header
  const auto first = spec::to_number(fields[0]);
  if (!first) {
    out.kind = SerialLine::Kind::malformed;
    return out;
  }
  if (fields.size() == 1) {
    out.kind = std::isfinite(*first) ? SerialLine::Kind::sample : SerialLine::Kind::malformed;
    out.value = *first;
    return out;
  }
  const auto second = spec::to_number(fields[1]);
  if (!second || !std::isfinite(*first) || !std::isfinite(*second)) {
    out.kind = SerialLine::Kind::malformed;
    return out;
  }
  out.kind = SerialLine::Kind::sample;
  out.t_ms = *first;
  out.value = *second;
  return out;
}

double snap_sample_rate(double rate_hz) {
  double best = 0.0;
  double best_error = kSnapTolerance;
  for (const double common : kCommonRatesHz) {
    const double error = std::fabs(rate_hz - common) / common;
    if (error <= best_error) {
      best = common;
      best_error = error;
    }
  }
  return best > 0.0 ? best : std::round(rate_hz * 10.0) / 10.0;
}

std::optional<double> SerialRateEstimator::add(const SerialLine& line, double arrival_s) {
  if (rate_hz_) return rate_hz_;
  if (line.kind == SerialLine::Kind::rate) {
    rate_hz_ = line.rate_hz;
    method_ = "declared";
    return rate_hz_;
  }
  if (line.kind != SerialLine::Kind::sample) return std::nullopt;
  if (arrivals_++ == 0) first_arrival_s_ = arrival_s;
  if (line.t_ms) t_ms_.push_back(*line.t_ms);
  if (t_ms_.size() >= config_.min_timestamped) {
    std::vector<double> steps;
    for (std::size_t i = 1; i < t_ms_.size(); ++i)
      if (t_ms_[i] > t_ms_[i - 1]) steps.push_back(t_ms_[i] - t_ms_[i - 1]);
    if (steps.size() + 1 >= config_.min_timestamped) {
      std::nth_element(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(steps.size() / 2),
                       steps.end());
      const double median_ms = steps[steps.size() / 2];
      // Steps that overflow or underflow gave 0 or inf Hz (fuzz/regressions/serial_line).
      const double rate = snap_sample_rate(1000.0 / median_ms);
      if (!plausible_rate(rate)) return std::nullopt;
      rate_hz_ = rate;
      method_ = "timestamps";
      return rate_hz_;
    }
  }
  const double span = arrival_s - first_arrival_s_;
  if (t_ms_.empty() && arrivals_ >= config_.min_arrivals && span >= config_.min_arrival_span_s) {
    const double rate = snap_sample_rate(static_cast<double>(arrivals_ - 1) / span);
    if (!plausible_rate(rate)) return std::nullopt;
    rate_hz_ = rate;
    method_ = "arrival";
  }
  return rate_hz_;
}

}  // namespace respira::sensors
