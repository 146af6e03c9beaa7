// Tier 2: real thoracic-impedance recordings (BIDMC subset in tests/data/bidmc) checked
// against annotator 1 with the shared scoring rule: breaths matched one-to-one within
// +-0.5 s; the causal rate each second from 32 s on against 60 / mean annotated interval
// over the trailing 32 s. Bounds are fixed per record: 01 and 24 are clean, 05 is slow
// clipped breathing (~6/min), 19 is hard (its annotators disagree by > 1 breath/min).

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "breath_test_support.hpp"

using namespace respira::dsp;
using namespace respira::dsp::testing;

namespace {

const std::string kDir = std::string(RESPIRA_TEST_DATA_DIR) + "/bidmc/";

// The subset's Signals files are "Time [s],RESP" at 125 Hz.
std::vector<float> read_resp(const std::string& record) {
  std::ifstream in(kDir + "bidmc_" + record + "_Signals.csv");
  REQUIRE(in);
  std::string line;
  std::getline(in, line);
  REQUIRE(line == "Time [s],RESP");
  std::vector<float> out;
  while (std::getline(in, line)) out.push_back(std::stof(line.substr(line.find(',') + 1)));
  return out;
}

std::vector<double> read_annotator_1(const std::string& record) {
  std::ifstream in(kDir + "bidmc_" + record + "_Breaths.csv");
  REQUIRE(in);
  std::string line;
  std::getline(in, line);
  std::vector<double> out;
  while (std::getline(in, line)) {
    const std::string first = line.substr(0, line.find(','));
    if (first.find_first_not_of(" \r") != std::string::npos) out.push_back((std::stod(first) - 1.0) / 125.0);
  }
  return out;
}

// Mean absolute error of the per-second causal rate against the 32 s reference rule.
double rate_mae(const std::vector<double>& rates, const std::vector<double>& reference, double duration_s) {
  double sum = 0.0;
  std::size_t count = 0;
  for (std::size_t t = 32; t <= static_cast<std::size_t>(duration_s); ++t) {
    std::vector<double> inside;
    for (double r : reference)
      if (r >= t - 32.0 && r <= t) inside.push_back(r);
    if (inside.size() < 2 || t >= rates.size() || std::isnan(rates[t])) continue;
    sum += std::abs(rates[t] - 60.0 * (inside.size() - 1) / (inside.back() - inside.front()));
    ++count;
  }
  REQUIRE(count > 400);
  return sum / count;
}

struct Bounds {
  const char* record;
  double min_f1;
  double max_mae_bpm;
  double max_median_latency_s;
};

}  // namespace

TEST_CASE("BIDMC records: breaths and causal rate against annotator 1", "[dsp][real]") {
  const Bounds bounds = GENERATE(Bounds{"01", 0.99, 0.15, 0.25}, Bounds{"05", 0.98, 0.15, 1.2},
                                 Bounds{"19", 0.80, 1.7, 0.7}, Bounds{"24", 0.99, 0.15, 0.25});
  CAPTURE(bounds.record);
  const auto signal = read_resp(bounds.record);
  REQUIRE(signal.size() == 60001);
  const auto reference = read_annotator_1(bounds.record);
  const auto run = analyse(signal, 125.0);
  const auto score = match(times_of(run.events, BreathEventType::exhale), reference);
  CHECK(score.f1() >= bounds.min_f1);
  CHECK(rate_mae(run.rates, reference, 480.0) <= bounds.max_mae_bpm);
  std::vector<double> latencies;
  for (const auto& e : run.events)
    if (e.type == BreathEventType::exhale) latencies.push_back(e.emitted_s - e.time_s);
  CHECK(median(latencies) <= bounds.max_median_latency_s);
}
