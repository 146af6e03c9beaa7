// Recording: breaths assembled from detector events, outcome metrics and adherence with
// known answers, and the batched recorder writing a real SQLite store.

#include <catch2/catch.hpp>
#include <cmath>

#include "session/breath_assembler.hpp"
#include "session/metrics.hpp"
#include "session/recorder.hpp"
#include "session/repository.hpp"
#include "session_test_support.hpp"

using namespace respira;
using namespace respira::session;
using namespace respira::session::testing;

namespace {

dsp::BreathEvent inhale(double t) { return {t, dsp::BreathEventType::inhale, t + 0.5, 0.0}; }
dsp::BreathEvent exhale(double t, double depth = 1.0) { return {t, dsp::BreathEventType::exhale, t + 0.5, depth}; }

// Events of a steady breather: inhale onsets every `period` s, exhale onsets `inhale_s` later.
std::vector<dsp::BreathEvent> steady_events(double period, double inhale_s, int breaths, double offset = 0.0) {
  std::vector<dsp::BreathEvent> events;
  for (int i = 0; i <= breaths; ++i) {
    events.push_back(inhale(offset + period * i));
    if (i < breaths) events.push_back(exhale(offset + period * i + inhale_s));
  }
  return events;
}

}  // namespace

TEST_CASE("breaths are assembled from alternating onsets", "[session][recorder]") {
  BreathAssembler assembler;
  // An exhale before any inhale is ignored; each inhale closes the breath before it.
  std::vector<dsp::BreathEvent> first = {exhale(0.5), inhale(1.0), exhale(3.0, 1.2)};
  CHECK(assembler.process(first).empty());
  std::vector<dsp::BreathEvent> second = {inhale(6.0), exhale(8.5, 0.9), inhale(11.0)};
  const auto breaths = assembler.process(second);
  REQUIRE(breaths.size() == 2);
  CHECK(breaths[0].start_s == 1.0);
  CHECK(breaths[0].exhale_start_s == 3.0);
  CHECK(breaths[0].end_s == 6.0);
  CHECK(breaths[0].inhale_s() == 2.0);
  CHECK(breaths[0].exhale_s() == 3.0);
  CHECK(breaths[0].depth == 1.2);
  CHECK(breaths[1].period_s() == 5.0);
  CHECK(breaths[1].depth == 0.9);

  // Two inhales without an exhale: no breath invented. A gap drops the breath in progress.
  std::vector<dsp::BreathEvent> doubled = {inhale(12.0), exhale(14.0), inhale(17.0)};
  CHECK(assembler.process(doubled).size() == 1);  // the 12 -> 17 breath; the 11 -> 12 one had no exhale
  assembler.mark_gap();
  std::vector<dsp::BreathEvent> after_gap = {exhale(19.0), inhale(22.0), exhale(24.0), inhale(27.0)};
  const auto resumed = assembler.process(after_gap);
  REQUIRE(resumed.size() == 1);
  CHECK(resumed[0].start_s == 22.0);
}

TEST_CASE("outcome metrics have known answers", "[session][recorder]") {
  std::vector<Breath> breaths;
  for (int i = 0; i < 9; ++i) breaths.push_back({10.0 * i, 10.0 * i + 4.0, 10.0 * (i + 1), 1.0});  // 6/min, 4:6
  breaths.push_back({90.0, 92.0, 95.0, 1.0});  // one fast breath, 12/min
  PacerSettings pacer;
  pacer.rate_bpm = 6.0;
  const auto m = compute_metrics(breaths, pacer, 0.8, std::nullopt);
  CHECK(m.breath_count == 10);
  REQUIRE(m.median_rate_bpm);
  CHECK(*m.median_rate_bpm == Approx(6.0));  // the median ignores the outlier
  REQUIRE(m.ie_ratio);
  CHECK(*m.ie_ratio == Approx(4.0 / 6.0));
  REQUIRE(m.time_in_target);
  CHECK(*m.time_in_target == Approx(90.0 / 95.0));  // share of breath time at target
  CHECK(m.signal_quality == 0.8);
  CHECK_FALSE(m.adherence);  // never invented

  const auto without_pacer = compute_metrics(breaths, PacerSettings{}, std::nullopt, std::nullopt);
  CHECK_FALSE(without_pacer.time_in_target);
  const auto empty = compute_metrics({}, pacer, std::nullopt, std::nullopt);
  CHECK_FALSE(empty.median_rate_bpm);
  CHECK_FALSE(empty.time_in_target);
  CHECK(median({3.0, 1.0, 2.0, 10.0}) == 2.5);
}

TEST_CASE("time in target follows the guide rate each breath saw", "[session][recorder]") {
  // A breather at 6/min throughout; the guide showed 8/min for the first four breaths.
  std::vector<Breath> breaths;
  for (int i = 0; i < 10; ++i) breaths.push_back({10.0 * i, 10.0 * i + 4.0, 10.0 * (i + 1), 1.0, i < 4 ? 8.0 : 6.0});
  PacerSettings started_at_8;
  started_at_8.rate_bpm = 8.0;
  const auto m = compute_metrics(breaths, started_at_8, std::nullopt, std::nullopt);
  REQUIRE(m.time_in_target);
  CHECK(*m.time_in_target == Approx(0.6));
  // Breaths without a logged guide count against the pacer rate, or not at all without one.
  for (int i = 0; i < 4; ++i) breaths[static_cast<std::size_t>(i)].guide_rate_bpm = std::nan("");
  CHECK(*compute_metrics(breaths, started_at_8, std::nullopt, std::nullopt).time_in_target == Approx(0.6));
  const auto unpaced = compute_metrics(breaths, PacerSettings{}, std::nullopt, std::nullopt);
  REQUIRE(unpaced.time_in_target);
  CHECK(*unpaced.time_in_target == Approx(1.0));  // only the six guided breaths count
}

TEST_CASE("the recorder stores the guide rate in force when each breath began", "[session][recorder]") {
  TempDir dir;
  auto repo = open_sqlite_repository((dir.path() / "guide.db").string());
  Session s;
  s.id = "S-GUIDERATE001";
  s.patient_id = repo->add_patient("Guide", "").id;
  s.started_at = "2026-05-01T10:00:00.000Z";
  s.planned_duration_s = 60.0;
  s.pacer.rate_bpm = 8.0;  // where the guide started
  SessionRecorder recorder(*repo, s);
  // Breaths begin at 0, 10, 20, 30, 40 s; the guide changes while they are under way and
  // is logged again at the same rate (no change). Calls and events arrive in time order.
  const auto events = steady_events(10.0, 4.0, 5);
  recorder.add_events({events.data(), 4});  // inhale 0, exhale 4, inhale 10, exhale 14
  recorder.set_guide_rate(12.0, 7.0);
  recorder.set_guide_rate(15.0, 7.0);
  recorder.add_events({events.data() + 4, 3});  // inhale 20 closes the 10 s breath, ...
  recorder.set_guide_rate(29.9, 6.0);
  recorder.set_guide_rate(30.0, std::nan(""));  // not a rate: ignored
  recorder.add_events({events.data() + 7, events.size() - 7});
  const Session done = recorder.finish(SessionStatus::completed, 50.0, std::nullopt, {});
  const auto stored = repo->load_session(done.id);
  REQUIRE(stored);
  REQUIRE(stored->breaths.size() == 5);
  const double expected[] = {8.0, 8.0, 7.0, 6.0, 6.0};  // at 0, 10, 20, 30, 40 s
  for (std::size_t i = 0; i < 5; ++i) CHECK(stored->breaths[i].guide_rate_bpm == expected[i]);
  // 6/min breaths: in target against 7 and 6 (within 1/min), not against 8.
  REQUIRE(done.metrics.time_in_target);
  CHECK(*done.metrics.time_in_target == Approx(0.6));
}

TEST_CASE("adherence follows the pacer schedule", "[session][recorder]") {
  PacerSettings pacer;
  pacer.rate_bpm = 6.0;
  pacer.ie_ratio = 4.0 / 6.0;  // 4 s in, 6 s out
  const auto on_time = steady_events(10.0, 4.0, 12);
  const auto perfect = session_adherence(pacer, on_time, 120.0);
  REQUIRE(perfect);
  CHECK(*perfect == Approx(1.0));
  // A quarter period late on every event scores 0 (the tracker's documented rule).
  const auto late = steady_events(10.0, 4.0, 12, 2.5);
  const auto poor = session_adherence(pacer, late, 120.0);
  REQUIRE(poor);
  CHECK(*poor < 0.05);
  // One second late: 1 - 1 / (0.25 * 10) = 0.6.
  const auto slightly = session_adherence(pacer, steady_events(10.0, 4.0, 12, 1.0), 120.0);
  REQUIRE(slightly);
  CHECK(*slightly == Approx(0.6).margin(0.02));
  CHECK_FALSE(session_adherence(PacerSettings{}, on_time, 120.0));
}

TEST_CASE("the recorder writes batches a crash cannot tear", "[session][recorder]") {
  TempDir dir;
  const auto path = (dir.path() / "rec.db").string();
  auto repo = open_sqlite_repository(path);
  const auto patient = repo->add_patient("Recorder", "");

  Session s;
  s.id = "S-RECORDER0001";
  s.patient_id = patient.id;
  s.started_at = "2026-05-01T10:00:00.000Z";
  s.source_kind = "synthetic";
  s.source_spec = "synthetic:6";
  s.planned_duration_s = 60.0;
  s.pre_tension = 6;
  s.pacer.rate_bpm = 6.0;
  s.pacer.ie_ratio = 4.0 / 6.0;
  SessionRecorder recorder(*repo, s);

  // 60 s at 25 Hz delivered in 0.5 s pieces (as the pipeline would), times jittered by
  // up to 16 ms as block-stamped times are; one 2 s gap at 30 s.
  const auto events = steady_events(10.0, 4.0, 6);
  std::size_t next_event = 0;
  std::size_t delivered = 0;
  for (int piece = 0; piece < 120; ++piece) {
    const double from = piece * 0.5, to = from + 0.5;
    std::vector<sensors::TimedSample> samples;
    for (int k = static_cast<int>(std::lround(from * 25)); k < static_cast<int>(std::lround(to * 25)); ++k) {
      const double t = k / 25.0;
      if (t >= 30.0 && t < 32.0) continue;  // the gap
      const double jitter = (k % 5 == 4) ? -0.016 : 0.0;
      samples.push_back({t + jitter, static_cast<float>(std::sin(2 * M_PI * t / 10.0))});
    }
    delivered += samples.size();
    if (from == 30.0) {
      std::vector<sensors::GapMark> gap = {{30.0, 2.0}};
      recorder.add_gaps(gap);
    }
    std::vector<dsp::BreathEvent> due;
    while (next_event < events.size() && events[next_event].time_s < to) due.push_back(events[next_event++]);
    recorder.add_events(due);
    recorder.add_waveform(samples, 25.0);
    recorder.add_signal_quality(0.9);
    recorder.flush(to);
    // After every batch the store holds everything delivered so far.
    if (piece == 70) {
      auto viewer = open_sqlite_repository(path);
      const auto partial = viewer->load_session(s.id);
      REQUIRE(partial);
      CHECK(partial->waveform_sample_count() == delivered);
      CHECK(partial->session.status == SessionStatus::recording);
      CHECK(partial->session.duration_s == 35.5);
    }
  }
  const Session done = recorder.finish(SessionStatus::completed, 60.0, 3, {{"neck", 5, 2}});
  CHECK(recorder.batch_write_ms().size() == 121);

  const auto stored = repo->load_session(s.id);
  REQUIRE(stored);
  CHECK(stored->session.status == SessionStatus::completed);
  CHECK(stored->session.ended_at == "2026-05-01T10:01:00.000Z");
  CHECK(stored->session.post_tension == 3);
  REQUIRE(stored->session.regions.size() == 1);
  CHECK(stored->session.regions[0].after == 2);
  CHECK(stored->waveform_sample_count() == 60 * 25 - 2 * 25);
  REQUIRE(stored->waveform.size() == 2);  // one run each side of the gap, jitter tolerated
  CHECK(stored->waveform[1].start_s == Approx(32.0));
  REQUIRE(stored->gaps.size() == 1);
  // 0-10, 10-20, 30-40, 40-50: the breath the gap cut (20-30) is dropped, and 50-60 has no
  // closing inhale inside the session.
  CHECK(stored->breaths.size() == 4);
  REQUIRE(done.metrics.median_rate_bpm);
  CHECK(*done.metrics.median_rate_bpm == Approx(6.0));
  REQUIRE(done.metrics.adherence);
  CHECK(*done.metrics.adherence > 0.9);
  CHECK(*done.metrics.signal_quality == Approx(0.9));
}
