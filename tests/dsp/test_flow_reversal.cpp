// FlowReversal: a breath turn is placed where the quiet stretch between sound bursts ends
// (sound resumes) or, when the new phase is silent, where sound stopped. Exact answers on
// hand-made loudness traces at 25 Hz.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

#include "dsp/flow_reversal.hpp"

using respira::dsp::FlowReversal;

namespace {

constexpr double kRate = 25.0;

// Feeds loudness(t) for t in [0, until_s) at 25 Hz.
void feed(FlowReversal& flow, double until_s, const std::function<double(double)>& loudness) {
  for (int i = 0; i < static_cast<int>(until_s * kRate); ++i) flow.push(i / kRate, loudness(i / kRate));
}

}  // namespace

TEST_CASE("flow reversal: a turn moves to where sound resumes after the quiet moment", "[dsp][flow_reversal]") {
  FlowReversal flow({.sample_rate_hz = kRate});
  // Inhale sound 0-2 s (-20 dB), quiet 2.0-2.4 s (-40 dB), exhale sound 2.4-4.4 s (-26 dB).
  feed(flow, 3.4, [](double t) { return t < 2.0 ? -20.0 : t < 2.4 ? -40.0 : -26.0; });
  // The rendered cycle turned late, at 3.0 s, in a 5 s breath.
  CHECK(flow.place(3.0, 5.0, -1e9) == Approx(2.4));
  // Never at or before the previous turn.
  CHECK(flow.place(3.0, 5.0, 2.5) == Approx(3.0));
}

TEST_CASE("flow reversal: a silent phase begins where sound stopped", "[dsp][flow_reversal]") {
  FlowReversal flow({.sample_rate_hz = kRate});
  // Inhale sound 0-2 s, then a silent exhalation still going on.
  feed(flow, 3.5, [](double t) { return t < 2.0 ? -20.0 : -40.0; });
  CHECK(flow.place(3.0, 5.0, -1e9) == Approx(2.0));
}

TEST_CASE("flow reversal: without a clear dip the rendered turn stands", "[dsp][flow_reversal]") {
  FlowReversal flow({.sample_rate_hz = kRate});
  feed(flow, 4.0, [](double t) { return -30.0 + std::sin(7.0 * t); });  // 2 dB wobble only
  CHECK(flow.place(3.0, 5.0, -1e9) == 3.0);
  FlowReversal empty({.sample_rate_hz = kRate});
  CHECK(empty.place(3.0, 5.0, -1e9) == 3.0);
  CHECK(flow.place(3.0, std::nan(""), -1e9) == 3.0);
}

TEST_CASE("flow reversal: only the window before the rendered turn is searched; reset forgets",
          "[dsp][flow_reversal]") {
  FlowReversal flow({.sample_rate_hz = kRate});
  // Two quiet moments: 1.0-1.2 s and 6.0-6.4 s. For a turn rendered at 6.8 s in a 4 s breath
  // the window is 5.0-7.2 s: the earlier one is out of reach.
  feed(flow, 7.0, [](double t) { return (t >= 1.0 && t < 1.2) || (t >= 6.0 && t < 6.4) ? -45.0 : -22.0; });
  CHECK(flow.place(6.8, 4.0, -1e9) == Approx(6.4));
  flow.reset();
  CHECK(flow.place(6.8, 4.0, -1e9) == 6.8);
}
