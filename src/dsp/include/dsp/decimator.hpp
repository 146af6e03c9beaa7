#pragma once
// Decimator: integrate-and-dump down to a working rate of about 25 Hz.
//
// Why: breathing lives below 1 Hz, yet inputs arrive at anything from 10 Hz (a belt)
// to 48 kHz (audio). Averaging each group of `factor` input samples is the cheapest
// anti-alias filter there is (one add per input sample, which is what makes the
// analyzer run at hundreds of thousands times real time) and its sinc response nulls
// mains hum at multiples of the output rate. Its delay, (factor - 1) / 2 input
// samples, is reported so event times can be corrected. Inputs already at or below
// twice the target rate pass through unchanged (factor 1).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

namespace respira::dsp {

class Decimator {
 public:
  struct Config {
    double input_rate_hz = 125.0;
    double target_rate_hz = 25.0;  // the output rate is the input rate / an integer near this
  };

  explicit Decimator(const Config& config) noexcept
      : factor_(static_cast<std::uint32_t>(
            std::max(1.0, std::floor(config.input_rate_hz / config.target_rate_hz + 0.5)))),
        output_rate_hz_(config.input_rate_hz / factor_),
        delay_s_((factor_ - 1) * 0.5 / config.input_rate_hz) {}

  // Returns true when a new output sample is ready in `out`.
  bool push(float x, float& out) noexcept {
    sum_ += x;
    if (++count_ < factor_) return false;
    out = static_cast<float>(sum_ / factor_);
    sum_ = 0.0;
    count_ = 0;
    return true;
  }

  // The same over a block: calls on_output(out, i) for each output sample that block[i]
  // completes. Non-finite samples (dropouts) are left out of the averages. The running sum
  // stays in a register here; push() per sample keeps it in memory around the caller's work.
  template <typename OnOutput>
  void process(std::span<const float> block, OnOutput&& on_output) {
    double sum = sum_;
    std::uint32_t count = count_;
    for (std::size_t i = 0; i < block.size(); ++i) {
      const float x = block[i];
      if (!std::isfinite(x)) continue;
      sum += x;
      if (++count < factor_) continue;
      const auto out = static_cast<float>(sum / factor_);
      sum = 0.0;
      count = 0;
      on_output(out, i);
    }
    sum_ = sum;
    count_ = count;
  }

  void reset() noexcept {
    sum_ = 0.0;
    count_ = 0;
  }

  std::uint32_t factor() const noexcept { return factor_; }
  double output_rate_hz() const noexcept { return output_rate_hz_; }
  double delay_s() const noexcept { return delay_s_; }  // output sample time lag vs its last input

 private:
  std::uint32_t factor_;
  double output_rate_hz_;
  double delay_s_;
  double sum_ = 0.0;
  std::uint32_t count_ = 0;
};

}  // namespace respira::dsp
