#include "panel_progress.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <stop_token>

#include "charts.hpp"
#include "session/store_read.hpp"
#include "session/progress_export.hpp"
#include "session/progress_source.hpp"
#include "session/time_text.hpp"
#include "ui.hpp"

namespace respira::app {

namespace {

constexpr double kReloadEveryS = 5.0;  // sessions may be added from another workstation

// On the reading thread, with a connection of its own. Stops early when asked (BackgroundRead
// then drops the partial read).
ProgressPanel::Read read_store(const session::StoreLocation& location, const std::string& patient,
                               std::stop_token stop) {
  ProgressPanel::Read read{patient, {}, {}, {}};
  session::StoreRead store(location, stop);
  session::Repository& repository = store.repository();
  read.sessions = repository.list_sessions(patient.empty() ? std::nullopt : std::optional<std::string>(patient));
  std::erase_if(read.sessions, [](const session::Session& s) { return s.status == session::SessionStatus::recording; });
  std::sort(read.sessions.begin(), read.sessions.end(),
            [](const auto& a, const auto& b) { return a.started_at < b.started_at; });
  if (patient.empty() || stop.stop_requested()) return read;
  const auto found = repository.find_patient(patient);
  if (!found) throw session::StoreError("no patient " + patient + " in " + repository.describe());
  read.progress = session::load_patient_progress(repository, store.programmes(), *found,
                                                 std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  read.clinical_summary = session::progress_text(*read.progress);
  return read;
}

// What the clinician needs first: stage and today's session, the flags that are up (icon and
// word, not colour alone) and the patient's latest notes. Wording from the session module,
// so it reads as in `respira progress` and the report.
void draw_clinical_card(const session::PatientProgress& progress, const Palette& p) {
  if (progress.programme && progress.state && progress.today) {
    const session::TodaysSession& today = *progress.today;
    ImGui::Text("Stage %zu of %zu  |  today: %g/min, I:E 1:%g, %g min  |  %d done in the last 7 days, %d to go",
                progress.state->stage + 1, progress.programme->stages.size(), today.stage.rate_bpm,
                today.stage.exhale_ratio, today.stage.minutes, today.sessions_last_7_days,
                today.sessions_left_this_week);
  } else {
    ImGui::TextColored(p.muted.vec4(), "No programme set (respira programme set --patient %s --default).",
                       progress.patient_id.c_str());
  }
  bool any = false;
  const session::ProgressReport& r = progress.report;
  if (r.plateau && r.plateau->flagged) {
    any = true;
    ImGui::PushStyleColor(ImGuiCol_Text, p.exhale.vec4());
    ImGui::TextWrapped("\xE2\x96\xA0 Plateau: %s", session::plateau_description(*r.plateau).c_str());  // ■
    ImGui::PopStyleColor();
  }
  for (auto f = r.flare_ups.rbegin(); f != r.flare_ups.rend(); ++f) {
    if (progress.as_of >= session::flare_up_end(progress, *f)) continue;  // lapsed
    any = true;
    ImGui::PushStyleColor(ImGuiCol_Text, p.warn.vec4());
    ImGui::TextWrapped("\xE2\x96\xB2 Flare-up %s: %s",  // ▲
                       session::local_time_text(progress.history[f->session_index].start, "%Y-%m-%d").c_str(),
                       session::flare_up_description(progress, *f).c_str());
    ImGui::PopStyleColor();
  }
  if (!any) ImGui::TextColored(p.muted.vec4(), "No flag up.");
  if (progress.recent_notes.empty()) {
    ImGui::TextColored(p.muted.vec4(), "No session notes yet.");
    return;
  }
  ImGui::TextColored(p.muted.vec4(), "Recent notes");
  for (std::size_t i : progress.recent_notes) {
    const session::SessionOutcome& o = progress.history[i];
    const bool flare_up = i < r.sessions.size() && r.sessions[i].flare_up;
    ImGui::TextWrapped("%s%s  %s", session::local_time_text(o.start, "%Y-%m-%d").c_str(),
                       flare_up ? "  \xE2\x96\xB2 flare-up" : "", o.note.c_str());
  }
}

}  // namespace

void ProgressPanel::take_finished_read(const std::string& patient, double now_s) {
  auto finished = loader_.take_finished();
  if (!finished || reading_for_ != patient) return;  // none, or for a patient no longer chosen
  read_for_ = patient;
  read_at_s_ = now_s;
  error_ = std::move(finished->error);
  if (finished->value) shown_ = std::move(*finished->value);
}

void ProgressPanel::Draw(UiContext& c) {
  const Palette& p = c.colours();
  heading(c, "Progress");
  if (!store_is_open(c, "there is no history to show")) return;
  const std::string& patient = c.settings.patient_id;
  take_finished_read(patient, c.wall_s);
  if (!loader_.busy() && (patient != read_for_ || c.wall_s - read_at_s_ > kReloadEveryS)) {
    reading_for_ = patient;
    loader_.start([location = *c.store_location, patient](std::stop_token stop) {
      return read_store(location, patient, stop);
    });
  } else if (loader_.busy() && reading_for_ != patient) {
    loader_.request_stop();  // its answer is for a patient no longer chosen
  }

  const bool failed = read_for_ == patient && !error_.empty();
  if (!shown_ || shown_->patient_id != patient) {
    if (failed) ImGui::TextColored(p.warn.vec4(), "%s", error_.c_str());
    else ImGui::TextColored(p.muted.vec4(), "Reading %s's sessions from %s...", patient.empty() ? "everyone" : patient.c_str(),
                            c.repository->describe().c_str());
    if (ImGui::SmallButton("All patients (F6)")) c.screen = Screen::clinic;
    return;
  }
  const std::vector<session::Session>& sessions = shown_->sessions;
  const std::optional<session::PatientProgress>& progress = shown_->progress;
  const std::string& clinical_summary = shown_->clinical_summary;
  const std::string who = patient.empty() ? "everyone"
                          : progress && !progress->display_name.empty() ? progress->display_name + " (" + patient + ")"
                                                                          : patient;
  ImGui::TextColored(p.muted.vec4(), "%s  |  %zu session%s  |  %s%s", who.c_str(), sessions.size(),
                     sessions.size() == 1 ? "" : "s", c.repository->describe().c_str(),
                     loader_.busy() ? "  |  reading..." : "");
  ImGui::SameLine();
  if (ImGui::SmallButton("All patients (F6)")) c.screen = Screen::clinic;
  if (failed) ImGui::TextColored(p.warn.vec4(), "%s", error_.c_str());
  if (progress) draw_clinical_card(*progress, p);
  if (!clinical_summary.empty()) {
    // Everything else, exactly as `respira progress` prints it; the card above has the flags.
    if (ImGui::CollapsingHeader("Full summary: programme, trends, regions, home and clinic")) {
      ImGui::BeginChild("clinical_summary", {0.0f, ImGui::GetContentRegionAvail().y * 0.4f}, true);
      ImGui::TextUnformatted(clinical_summary.c_str());
      ImGui::EndChild();
    }
  }
  if (sessions.empty()) {
    ImGui::Dummy({0.0f, 30.0f});
    ImGui::TextColored(p.muted.vec4(), "No finished sessions yet. Each practice you save adds a point here.");
    return;
  }

  // One x step per session; charts show tension before/after and breathing figures.
  std::vector<TimedValue> pre, post, change, rate, adherence;
  double sum_change = 0.0;
  int changes = 0;
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    const auto& s = sessions[i];
    const double x = static_cast<double>(i + 1);
    if (s.pre_tension) pre.push_back({x, double(*s.pre_tension)});
    if (s.post_tension) post.push_back({x, double(*s.post_tension)});
    if (s.pre_tension && s.post_tension) {
      change.push_back({x, double(*s.post_tension - *s.pre_tension)});
      sum_change += *s.post_tension - *s.pre_tension;
      ++changes;
    }
    if (s.metrics.median_rate_bpm) rate.push_back({x, *s.metrics.median_rate_bpm});
    if (s.metrics.adherence) adherence.push_back({x, *s.metrics.adherence * 10.0});
  }
  if (changes > 0) {
    // The change within a session (after - before), which is what a practice is for.
    const double mean_change = sum_change / changes;
    const char* plural = changes == 1 ? "" : "s";
    if (std::abs(mean_change) < 0.05) {
      ImGui::TextColored(p.inhale.vec4(), "Tension after practice: the same as before, on average over %d rated session%s.",
                         changes, plural);
    } else {
      ImGui::TextColored(p.inhale.vec4(), "Tension after practice: %.1f points %s than before, on average over %d rated session%s.",
                         std::abs(mean_change), mean_change < 0 ? "lower" : "higher", changes, plural);
    }
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float table_h = std::min(avail.y * 0.34f, ImGui::GetTextLineHeightWithSpacing() * (sessions.size() + 2.0f));
  const ImVec2 cell{(avail.x - gap) * 0.5f, avail.y - table_h - gap};
  const double n = static_cast<double>(sessions.size());
  {
    Chart chart("Tension before (orange) and after (blue)", cell, 0.5, n + 0.5, 0.0, 10.0, p, false);
    chart.line(pre, p.exhale.u32(0.6f), 1.5f);
    chart.dots(pre, p.exhale.u32(), 4.5f);
    chart.line(post, p.inhale.u32(0.6f), 1.5f);
    chart.dots(post, p.inhale.u32(), 4.5f);
  }
  ImGui::SameLine(0.0f, gap);
  {
    double high = 16.0;
    for (const auto& r : rate) high = std::max(high, std::ceil(r.value / 4.0) * 4.0);
    Chart chart("Median rate /min (white) and with-the-guide x10 % (green)", cell, 0.5, n + 0.5, 0.0, high, p, false);
    chart.line(rate, p.measured.u32(0.7f), 1.5f);
    chart.dots(rate, p.measured.u32(), 4.0f);
    chart.dots(adherence, p.good.u32(), 4.0f);
  }
  if (ImGui::BeginTable("sessions", 7, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerH,
                        {avail.x, table_h})) {
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const char* h : {"#", "started", "minutes", "rate /min", "with guide", "tension", "status"}) {
      ImGui::TableSetupColumn(h);
    }
    ImGui::TableHeadersRow();
    for (std::size_t i = sessions.size(); i-- > 0;) {
      const auto& s = sessions[i];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%zu", i + 1);
      ImGui::TableNextColumn();
      const auto started = session::parse_iso(s.started_at);
      ImGui::TextUnformatted(started ? session::local_time_text(*started, "%Y-%m-%d %H:%M").c_str()
                                     : s.started_at.c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%.1f", s.duration_s / 60.0);
      ImGui::TableNextColumn();
      if (s.metrics.median_rate_bpm) ImGui::Text("%.1f", *s.metrics.median_rate_bpm); else ImGui::TextUnformatted("--");
      ImGui::TableNextColumn();
      if (s.metrics.adherence) ImGui::Text("%.0f%%", *s.metrics.adherence * 100.0); else ImGui::TextUnformatted("--");
      ImGui::TableNextColumn();
      ImGui::Text("%s -> %s", s.pre_tension ? std::to_string(*s.pre_tension).c_str() : "-",
                  s.post_tension ? std::to_string(*s.post_tension).c_str() : "-");
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(std::string(session::to_string(s.status)).c_str());
    }
    ImGui::EndTable();
  }
}

}  // namespace respira::app
