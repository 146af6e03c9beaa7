#pragma once
// The line format a serial respiration belt speaks, and how its sample rate is found.
//
// One ASCII line per sample, '\n' or "\r\n" terminated:
//   VALUE            e.g. "512" or "-0.734"
//   T_MS,VALUE       device time in milliseconds, then the value (',', ';', tab or
//                    spaces separate; further columns are ignored)
//   #rate=HZ         declares the sample rate (also "# rate: 125", "#fs=125")
//   #anything else   a comment; a line of words ("t_ms,resp") is a header: ignored
// The rate is, in order of preference: declared by a #rate line; inferred from T_MS
// (median step); inferred from arrival timing (>= 2 s of lines). Inferred rates snap
// to a common device rate (10, 20, 25, 50, 100, 125, 128, 200, 250, 256, 500, 1000 Hz)
// when within 3 %. Pure code: the parser and the estimator are unit-tested.

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace respira::sensors {

// Rates a belt may have, declared or inferred. Others (a "#rate=1e300" line, timestamps
// whose steps overflow) are refused: the source sizes its ring and gaps from the rate.
inline constexpr double kMinSerialRateHz = 1.0;
inline constexpr double kMaxSerialRateHz = 10000.0;

struct SerialLine {
  enum class Kind { sample, rate, ignored, malformed };
  Kind kind = Kind::ignored;
  double value = 0.0;
  std::optional<double> t_ms;
  double rate_hz = 0.0;
};

SerialLine parse_serial_line(std::string_view line);

// Common device rate within 3 % of `rate_hz`, else `rate_hz` rounded to 0.1 Hz.
double snap_sample_rate(double rate_hz);

class SerialRateEstimator {
 public:
  struct Config {
    std::size_t min_timestamped = 16;  // samples with T_MS before trusting their step
    double min_arrival_span_s = 2.0;   // arrival timing needs this much data...
    std::size_t min_arrivals = 10;     // ...and this many samples
  };
  SerialRateEstimator() : SerialRateEstimator(Config{}) {}
  explicit SerialRateEstimator(Config config) : config_(config) {}

  // Feed every parsed line with its arrival time; returns the rate once it is known.
  std::optional<double> add(const SerialLine& line, double arrival_s);
  std::optional<double> rate_hz() const { return rate_hz_; }
  // How the rate was found: "declared", "timestamps", "arrival" (empty while unknown).
  const char* method() const { return method_; }

 private:
  Config config_;
  std::optional<double> rate_hz_;
  const char* method_ = "";
  std::vector<double> t_ms_;
  std::size_t arrivals_ = 0;
  double first_arrival_s_ = 0.0;
};

}  // namespace respira::sensors
