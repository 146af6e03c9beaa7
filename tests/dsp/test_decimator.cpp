// Decimator: averages of `factor` samples, whether pushed one by one or a block at a time.

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <span>
#include <vector>

#include "dsp/decimator.hpp"

using namespace respira::dsp;

TEST_CASE("the decimator averages each group of samples at the working rate", "[dsp][synthetic]") {
  Decimator decimator({.input_rate_hz = 125.0, .target_rate_hz = 25.0});
  REQUIRE(decimator.factor() == 5);
  CHECK(decimator.output_rate_hz() == 25.0);
  CHECK(decimator.delay_s() == Approx(2.0 / 125.0));  // (factor - 1) / 2 input samples
  const std::vector<float> block = {1, 2, 3, 4, 5, 10, 10, 10, 10, 10, 7};
  std::vector<float> outputs;
  std::vector<std::size_t> at;
  decimator.process(block, [&](float out, std::size_t i) {
    outputs.push_back(out);
    at.push_back(i);
  });
  CHECK(outputs == std::vector<float>{3.0f, 10.0f});
  CHECK(at == std::vector<std::size_t>{4, 9});
}

TEST_CASE("a block split anywhere, or pushed sample by sample, gives the same averages", "[dsp][synthetic]") {
  std::vector<float> signal(1000);
  for (std::size_t i = 0; i < signal.size(); ++i) signal[i] = static_cast<float>(std::sin(0.01 * i) + 0.001 * i);
  // Dropouts: left out of the averages, so a group closes one sample later.
  signal[17] = std::numeric_limits<float>::quiet_NaN();
  signal[503] = std::numeric_limits<float>::infinity();

  std::vector<float> by_sample;
  Decimator one({.input_rate_hz = 100.0, .target_rate_hz = 25.0});
  for (const float x : signal) {
    float out;
    if (std::isfinite(x) && one.push(x, out)) by_sample.push_back(out);
  }
  REQUIRE(by_sample.size() == (signal.size() - 2) / 4);

  for (const std::size_t block : {1, 3, 7, 64, 1000}) {
    CAPTURE(block);
    Decimator blocks({.input_rate_hz = 100.0, .target_rate_hz = 25.0});
    std::vector<float> by_block;
    for (std::size_t start = 0; start < signal.size(); start += block) {
      const auto part = std::span<const float>(signal).subspan(start, std::min(block, signal.size() - start));
      blocks.process(part, [&](float out, std::size_t) { by_block.push_back(out); });
    }
    CHECK(by_block == by_sample);
  }
}
