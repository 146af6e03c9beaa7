#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <string>
#include <thread>

#include <unistd.h>

#include "../../src/app/trainer.hpp"
#include "session/metrics.hpp"
#include "session/recorder.hpp"
#include "sensors/clock.hpp"
#include "sensors/synthetic_source.hpp"

using namespace respira;
using namespace respira::app;
using Catch::Detail::Approx;

namespace {

// A breather that follows the coherent preset exactly (5.5/min, 1:1), on a manual clock
// so input time moves only when the test says.
struct Rig {
  std::shared_ptr<sensors::ManualClock> clock = std::make_shared<sensors::ManualClock>(0.0);
  Trainer trainer;

  explicit Rig(session::Repository* repository = nullptr)
      : trainer({"synthetic:5.5", false},
                [clock = clock](const std::string& spec) -> std::unique_ptr<sensors::Source> {
                  sensors::SyntheticConfig config;
                  config.sample_rate_hz = 50.0;
                  config.rate_bpm = 5.5;
                  config.ie_ratio = 1.0;
                  config.noise_rms = 0.01;
                  return std::make_unique<sensors::SyntheticSource>(config, spec, clock);
                },
                repository) {}

  // Advances input time to `to_s` in 50 ms frames, letting the pipeline thread catch up
  // before each frame (bounded: a stalled pipeline fails the test, it does not hang it).
  void run_to(double to_s) {
    while (clock->now_s() < to_s - 1e-9) {
      clock->advance(0.05);
      const double target = clock->now_s() - 0.06;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      for (;;) {
        const auto snap = trainer.snapshot();
        if (snap && snap->breath.time_s >= target) break;
        if (std::chrono::steady_clock::now() > deadline) FAIL("the pipeline stalled at " << target << " s");
        std::this_thread::yield();
        trainer.update(clock->now_s());
      }
      trainer.update(clock->now_s());
    }
  }
};

}  // namespace

TEST_CASE("the trainer paces a synthetic breather and scores it as following", "[app]") {
  Rig rig;
  rig.trainer.connect();
  rig.run_to(1.0);
  SessionPlan plan;
  plan.preset_key = "coherent";
  plan.minutes = 1.5;
  plan.pre_tension = 6;
  rig.trainer.begin(plan);
  CHECK(rig.trainer.state() == SessionState::running);
  CHECK(rig.trainer.remaining_s() == Approx(90.0).margin(0.2));

  rig.run_to(1.0 + 60.0 / 11.0 / 2.0);  // half-way through the first inhale
  CHECK(rig.trainer.guide().phase == pacer::Phase::inhale);
  CHECK(rig.trainer.guide().volume == Approx(0.5).margin(0.1));

  rig.run_to(61.0);
  // The breather starts its breaths at input 0, 10.9, ... and the guide at input 1.0, so
  // every event is ~1 s early: breath score 1 - 1/(0.25 * 10.9) = 0.63 when detected exactly.
  const double adherence = rig.trainer.adherence();
  INFO("adherence " << adherence << ", mean error " << rig.trainer.adherence_error_s());
  CHECK(adherence > 0.45);
  CHECK(rig.trainer.adherence_error_s() < 1.8);
  const auto snap = rig.trainer.snapshot();
  CHECK(snap->breath.rate_bpm == Approx(5.5).margin(0.4));

  // Pause freezes the guide; resuming carries on from the same point.
  const double before_pause = rig.trainer.pacer_time_s();
  rig.trainer.set_paused(true);
  rig.run_to(66.0);
  CHECK(rig.trainer.pacer_time_s() == Approx(before_pause).margin(1e-9));
  rig.trainer.set_paused(false);
  rig.run_to(67.0);
  CHECK(rig.trainer.pacer_time_s() == Approx(before_pause + 1.0).margin(0.15));

  rig.run_to(100.0);  // 90 s of practice plus the 5 s pause: the session asks for a rating
  CHECK(rig.trainer.state() == SessionState::awaiting_rating);
  rig.trainer.finish(3);
  CHECK(rig.trainer.state() == SessionState::finished);
  const SessionLog& log = rig.trainer.log();
  CHECK(log.post_tension == 3);
  CHECK(log.plan.pre_tension == 6);
  CHECK(log.duration_s == Approx(95.0).margin(0.3));
  REQUIRE(log.breath_interval_s.size() >= 6);
  for (const TimedValue& interval : log.breath_interval_s) CHECK(interval.value == Approx(60.0 / 5.5).margin(0.6));
  CHECK(log.target_rate_bpm.front().value == Approx(5.5));
  CHECK(log.adherence.size() >= 6);
  CHECK_FALSE(log.rate_bpm.empty());
}

TEST_CASE("the measured trace is scaled to 0..1 and unknown outside the recent waveform", "[app]") {
  Rig rig;
  rig.trainer.connect();
  rig.run_to(0.5);
  rig.trainer.begin(SessionPlan{});
  rig.run_to(30.5);
  std::array<float, 64> trace{};
  rig.trainer.measured_trace(trace, -10.0, 40.0);  // 10 s before the session to 10 s ahead
  int known = 0;
  float low = 1.0f, high = 0.0f;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const double t = -10.0 + 50.0 * static_cast<double>(i) / (trace.size() - 1);
    if (t < 0.0 || t > 30.1) CHECK(std::isnan(trace[i]));
    if (std::isnan(trace[i])) continue;
    ++known;
    low = std::min(low, trace[i]);
    high = std::max(high, trace[i]);
  }
  CHECK(known >= 35);
  CHECK(low >= 0.0f);
  CHECK(high <= 1.0f);
  CHECK(high - low > 0.6f);  // a full breath spans most of the scale
  const double volume = rig.trainer.measured_volume();
  CHECK(volume >= 0.0);
  CHECK(volume <= 1.0);
}

TEST_CASE("adaptive pacing starts at the measured rate", "[app]") {
  SessionPlan plan;
  plan.mode = PacingMode::adaptive;
  SECTION("rate already known") {
    Rig rig;
    rig.trainer.connect();
    rig.run_to(40.0);  // long enough for the analyzer to know the rate
    rig.trainer.begin(plan);
    CHECK(rig.trainer.guide().pattern.rate_bpm() == Approx(5.5).margin(0.4));
  }
  SECTION("rate not known yet: a 12/min warm-up, then the measured rate from a breath boundary") {
    Rig rig;
    rig.trainer.connect();
    rig.run_to(0.5);
    rig.trainer.begin(plan);
    CHECK(rig.trainer.guide().pattern.rate_bpm() == Approx(12.0));
    rig.run_to(60.5);
    const pacer::PacerState now = rig.trainer.guide();
    CHECK(now.pattern.rate_bpm() == Approx(5.5).margin(0.6));
    CHECK(rig.trainer.guide_at(1.0).pattern.rate_bpm() == Approx(12.0));  // the warm-up stays in the past
    double handover = 0.0;  // first moment of the adaptive guide: a 5 s warm-up boundary
    while (rig.trainer.guide_at(handover).pattern.rate_bpm() > 11.99 && handover < 60.0) handover += 0.01;
    CHECK(handover > 5.0);
    CHECK(std::fmod(handover + 0.005, 5.0) < 0.011);
  }
}

TEST_CASE("a practised session is stored with its ratings and breaths", "[app]") {
  const auto dir = std::filesystem::temp_directory_path() / ("respira-app-store-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    auto repository = session::open_sqlite_repository((dir / "store.db").string());
    const session::Patient patient = repository->add_patient("Trainer test", "");
    Rig rig(repository.get());
    rig.trainer.connect();
    rig.run_to(0.5);
    SessionPlan plan;
    plan.preset_key = "coherent";
    plan.patient_id = patient.id;
    plan.pre_tension = 7;
    rig.trainer.begin(plan);
    REQUIRE_FALSE(rig.trainer.log().stored_session_id.empty());
    rig.run_to(45.5);
    rig.trainer.stop();
    rig.trainer.finish(4);
    CHECK(rig.trainer.message().empty());

    const auto stored = repository->load_session(rig.trainer.log().stored_session_id);
    REQUIRE(stored);
    CHECK(stored->session.patient_id == patient.id);
    CHECK(stored->session.status == session::SessionStatus::completed);
    CHECK(stored->session.pre_tension == 7);
    CHECK(stored->session.post_tension == 4);
    CHECK(stored->session.pacer.rate_bpm == Approx(5.5));
    CHECK(stored->session.duration_s == Approx(45.0).margin(0.3));
    CHECK(stored->breaths.size() >= 3);
    CHECK(stored->waveform_sample_count() > 40 * 20);
    for (const auto& breath : stored->breaths) CHECK(breath.period_s() == Approx(60.0 / 5.5).margin(0.6));
    // The adherence stored is the one the window scored.
    REQUIRE(stored->session.metrics.adherence);
    CHECK(*stored->session.metrics.adherence == Approx(pacer::mean_score(rig.trainer.log().adherence)));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("an adaptive session stores the adherence to the guide it showed, not to its first rate", "[app]") {
  const auto dir = std::filesystem::temp_directory_path() / ("respira-app-adaptive-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    auto repository = session::open_sqlite_repository((dir / "store.db").string());
    const session::Patient patient = repository->add_patient("Adaptive test", "");
    Rig rig(repository.get());
    rig.trainer.connect();
    rig.run_to(0.5);
    SessionPlan plan;
    plan.mode = PacingMode::adaptive;
    plan.patient_id = patient.id;
    rig.trainer.begin(plan);  // rate not known yet: the guide starts at 12/min
    rig.run_to(120.5);        // ...and follows the breather's 5.5/min once it is measured
    rig.trainer.stop();
    rig.trainer.finish(3);
    const auto stored = repository->load_session(rig.trainer.log().stored_session_id);
    REQUIRE(stored);
    CHECK(stored->session.pacer.rate_bpm == Approx(12.0));  // what the session started with
    // ...and where the guide led, in words (the breather's 5.5/min, give or take).
    const std::string& step = stored->session.pacer.programme_step;
    REQUIRE(step.rfind("adaptive 12.0 -> ", 0) == 0);
    CHECK(std::stod(step.substr(17)) == Approx(5.5).margin(0.6));
    REQUIRE(stored->session.metrics.adherence);
    const double shown = pacer::mean_score(rig.trainer.log().adherence);
    CHECK(*stored->session.metrics.adherence == Approx(shown));
    // Scored against a fixed 12/min guide, a 5.5/min breather would look like it never followed.
    const std::vector<dsp::BreathEvent> events = [&] {
      std::vector<dsp::BreathEvent> all;
      for (const auto& breath : stored->breaths) {
        all.push_back({breath.start_s, dsp::BreathEventType::inhale, breath.start_s, 1.0});
        all.push_back({breath.exhale_start_s, dsp::BreathEventType::exhale, breath.exhale_start_s, 1.0});
      }
      return all;
    }();
    const auto fixed = session::session_adherence(stored->session.pacer, events, stored->session.duration_s);
    REQUIRE(fixed);
    INFO("adherence to the guide shown " << shown << ", to a fixed 12/min guide " << *fixed);
    CHECK(shown > *fixed + 0.15);
    // Time in target, likewise: the breather's 5.5/min is within 1 bpm of the guide from when
    // the guide has come down to 6.5/min, and never of a fixed 12/min.
    REQUIRE(stored->session.metrics.time_in_target);
    const auto& targets = rig.trainer.log().target_rate_bpm;
    const auto arrived = std::find_if(targets.begin(), targets.end(), [](const TimedValue& v) { return v.value <= 6.5; });
    REQUIRE(arrived != targets.end());
    double after_s = 0.0, total_s = 0.0;
    for (const TimedValue& breath : rig.trainer.log().breath_interval_s) {
      total_s += breath.value;
      if (breath.t - breath.value >= arrived->t) after_s += breath.value;
    }
    INFO("guide at 6.5/min from " << arrived->t << " s; breath time after it " << after_s << " of " << total_s << " s");
    CHECK(*stored->session.metrics.time_in_target == Approx(after_s / total_s).margin(0.05));
    // Each stored breath says what the guide showed when it began: the warm-up's 12/min
    // first, the breather's rate at the end; so a session closed after a crash, summarised
    // from its stored breaths alone, is scored the same way.
    REQUIRE(stored->breaths.size() >= 8);
    CHECK(stored->breaths.front().guide_rate_bpm == Approx(12.0));
    CHECK(stored->breaths.back().guide_rate_bpm == Approx(5.5).margin(0.6));
    const auto from_rows = session::compute_metrics(stored->breaths, stored->session.pacer, {}, {});
    CHECK(from_rows.time_in_target == stored->session.metrics.time_in_target);
    auto without_guide = stored->breaths;
    for (auto& breath : without_guide) breath.guide_rate_bpm = std::nan("");
    const auto against_start = session::compute_metrics(without_guide, stored->session.pacer, {}, {});
    CHECK(against_start.time_in_target == Approx(0.0));
  }
  std::filesystem::remove_all(dir);
}
