#include <algorithm>
#include <cmath>
#include <cstdio>

#include "charts.hpp"
#include "ui.hpp"

namespace respira::app {

namespace {

double max_value(std::span<const TimedValue> points, double floor_value) {
  double high = floor_value;
  for (const TimedValue& p : points) {
    if (std::isfinite(p.value)) high = std::max(high, p.value);
  }
  return high;
}

double median_value(std::span<const TimedValue> points) {
  std::vector<double> values;
  for (const TimedValue& p : points) {
    if (std::isfinite(p.value)) values.push_back(p.value);
  }
  if (values.empty()) return dsp::kNoValue;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2), values.end());
  return values[values.size() / 2];
}

}  // namespace

void ReviewPanel::Draw(UiContext& c) const {
  const Palette& p = c.colours();
  const SessionLog& log = c.trainer.log();
  if (c.trainer.state() == SessionState::idle && log.rate_bpm.empty()) {
    ImGui::Dummy({0.0f, 40.0f});
    ImGui::TextColored(p.muted.vec4(), "No session yet. Practise once and its review appears here.");
    return;
  }
  const double duration = std::max(log.duration_s, 1.0);

  // Summary line.
  double adherence = 0.0;
  for (const auto& b : log.adherence) adherence += b.score;
  adherence = log.adherence.empty() ? dsp::kNoValue : adherence / static_cast<double>(log.adherence.size());
  const double rate = median_value(log.rate_bpm);
  char rate_text[16] = "--", adherence_text[16] = "--", summary[256];
  if (std::isfinite(rate)) std::snprintf(rate_text, sizeof rate_text, "%.1f", rate);
  if (std::isfinite(adherence)) std::snprintf(adherence_text, sizeof adherence_text, "%.0f", adherence * 100.0);
  std::snprintf(summary, sizeof summary, "%s   |   median rate %s/min   |   with the guide %s%%   |   %zu breaths",
                clock_text(duration).c_str(), rate_text, adherence_text, log.breath_interval_s.size());
  heading(c, c.trainer.state() == SessionState::finished ? "Your session" : "This session so far");
  ImGui::TextColored(p.muted.vec4(), "%s", summary);
  if (!log.stored_session_id.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(p.good.vec4(), "  saved as %s", log.stored_session_id.c_str());
  }
  if (log.resonance) {
    ImGui::TextColored(p.inhale.vec4(), "Your resonance rate: %.1f breaths/min (%s)", log.resonance->rate_bpm,
                       log.resonance->method == pacer::ResonanceMethod::rsa ? "largest heart-rate swing"
                                                                            : "steadiest rate you followed");
  }

  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const ImVec2 cell{(avail.x - gap) * 0.5f, (avail.y - gap) * 0.5f};

  {
    const double high = std::ceil(max_value(log.rate_bpm, 16.0) / 4.0) * 4.0;
    Chart chart("Breathing rate  (breaths/min; blue: the guide)", cell, 0.0, duration, 0.0, high, p);
    chart.line(log.target_rate_bpm, p.inhale.u32(0.9f), 2.0f);
    chart.line(log.rate_bpm, p.measured.u32(), 2.0f);
    if (log.rate_bpm.empty()) chart.note("waiting for the first breaths");
  }
  ImGui::SameLine(0.0f, gap);
  {
    std::vector<TimedValue> target;
    for (const auto& r : log.target_rate_bpm) target.push_back({r.t, 60.0 / r.value});
    const double high = std::ceil(std::max(max_value(log.breath_interval_s, 10.0), max_value(target, 0.0)) / 4.0) * 4.0;
    Chart chart("Breath by breath  (seconds per breath; blue: the guide)", cell, 0.0, duration, 0.0, high, p);
    chart.line(target, p.inhale.u32(0.6f), 1.5f);
    chart.dots(log.breath_interval_s, p.measured.u32(), 3.5f);
    if (log.breath_interval_s.empty()) chart.note("no complete breaths yet");
  }
  {
    std::vector<TimedValue> scores;
    for (const auto& b : log.adherence) scores.push_back({b.start_s + b.period_s * 0.5, b.score * 100.0});
    Chart chart("With the guide  (% per breath)", cell, 0.0, duration, 0.0, 100.0, p);
    const double width = log.adherence.empty() ? 1.0 : log.adherence.front().period_s * 0.8;
    std::vector<TimedValue> good, weak;
    for (const auto& s : scores) (s.value >= 60.0 ? good : weak).push_back(s);
    chart.bars(good, width, p.good.u32(0.85f));
    chart.bars(weak, width, p.exhale.u32(0.85f));
    if (scores.empty()) chart.note("scored after each breath");
  }
  ImGui::SameLine(0.0f, gap);
  {
    const std::vector<TimedValue> before = log.plan.pre_tension
                                               ? std::vector<TimedValue>{{0.3, double(*log.plan.pre_tension)}}
                                               : std::vector<TimedValue>{};
    const std::vector<TimedValue> after =
        log.post_tension ? std::vector<TimedValue>{{0.7, double(*log.post_tension)}} : std::vector<TimedValue>{};
    Chart chart("Tension  (0 relaxed .. 10 very tense)", cell, 0.0, 1.0, 0.0, 10.0, p, false);
    chart.bars(before, 0.22, p.exhale.u32(0.85f));
    chart.bars(after, 0.22, p.inhale.u32(0.9f));
    ImDrawList* list = ImGui::GetWindowDrawList();
    const ImVec2 b = chart.to_screen(0.3, 0.0), a = chart.to_screen(0.7, 0.0);
    list->AddText({b.x - ImGui::CalcTextSize("before").x * 0.5f, b.y + 4.0f}, p.muted.u32(), "before");
    list->AddText({a.x - ImGui::CalcTextSize("after").x * 0.5f, a.y + 4.0f}, p.muted.u32(), "after");
    if (before.empty() && after.empty()) chart.note("not rated");
  }
}

}  // namespace respira::app
