#include "panel_clinic.hpp"

#include <chrono>
#include <cstdio>

#include "session/time_text.hpp"
#include "ui.hpp"

namespace respira::app {

namespace {

constexpr double kReloadEveryS = 60.0;  // other workstations add sessions; reading all is not free
constexpr double kReopenedAfterS = 0.5;  // a gap between frames this long: the screen was left

std::chrono::sys_seconds now_s() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

void open_patient(UiContext& c, const std::string& patient_id) {
  c.settings.patient_id = patient_id;
  c.settings_dirty = true;
  c.screen = Screen::progress;
}

// Icon and word, so the flag reads without colour.
void draw_flags(const session::PatientOverview& row, const Palette& p) {
  if (row.flare_up) ImGui::TextColored(p.warn.vec4(), "\xE2\x96\xB2 Flare-up");  // ▲
  if (row.flare_up && row.plateau) ImGui::SameLine();
  if (row.plateau) ImGui::TextColored(p.exhale.vec4(), "\xE2\x96\xA0 Plateau");  // ■
  if (!row.flagged()) ImGui::TextColored(p.muted.vec4(), "-");
}

void draw_trend(const session::PatientOverview& row, const Palette& p) {
  if (!row.pre_tension_trend) {
    ImGui::TextColored(p.muted.vec4(), "not enough data");
    return;
  }
  const auto& t = *row.pre_tension_trend;
  const char* arrow = "\xE2\x86\x92 steady";  // →
  switch (session::direction_of(t)) {
    case session::TrendDirection::falling: arrow = "\xE2\x86\x98 falling"; break;  // ↘
    case session::TrendDirection::rising: arrow = "\xE2\x86\x97 rising"; break;    // ↗
    case session::TrendDirection::steady: break;
  }
  ImGui::Text("%s  %+.2f/wk [%+.2f, %+.2f]", arrow, t.slope, t.slope_low, t.slope_high);
}

}  // namespace

void ClinicPanel::start_loading(const UiContext& c) {
  loader_.start([location = *c.store_location](std::stop_token stop) {
    return session::load_clinic_overview(location, now_s(), stop);
  });
}

void ClinicPanel::Draw(UiContext& c) {
  const Palette& p = c.colours();
  heading(c, "Patients");
  if (!store_is_open(c, "there are no patients to list")) return;
  const bool reopened = c.wall_s - last_drawn_s_ > kReopenedAfterS;
  last_drawn_s_ = c.wall_s;
  if (reopened) focus_first_row_ = true;
  if (auto loaded = loader_.take_finished()) {
    rows_ = std::move(loaded->value).value_or(std::vector<session::PatientOverview>{});
    error_ = std::move(loaded->error);
    have_rows_ = true;
    loaded_at_s_ = c.wall_s;
  } else if (!loader_.busy() && (reopened || c.wall_s - loaded_at_s_ > kReloadEveryS)) {
    start_loading(c);
  }

  if (!have_rows_) {
    ImGui::TextColored(p.muted.vec4(), "Reading every patient's record from %s...", c.repository->describe().c_str());
    return;
  }
  std::size_t flagged = 0;
  for (const auto& row : rows_) flagged += row.flagged() ? 1 : 0;
  ImGui::TextColored(p.muted.vec4(), "%zu patient%s  |  %zu with a flag up  |  %s%s", rows_.size(),
                     rows_.size() == 1 ? "" : "s", flagged, c.repository->describe().c_str(),
                     loader_.busy() ? "  |  reading..." : "");
  ImGui::SameLine();
  if (ImGui::SmallButton("Refresh") && !loader_.busy()) start_loading(c);
  if (!error_.empty()) ImGui::TextColored(p.warn.vec4(), "%s", error_.c_str());
  if (rows_.empty()) {
    if (error_.empty())
      ImGui::TextColored(p.muted.vec4(), "No patients yet. Add one on the Start screen or with `respira patient add`.");
    return;
  }
  ImGui::TextColored(p.muted.vec4(), "Choose a patient (click, or arrows then Enter) to open their progress.");
  draw_table(c);
}

void ClinicPanel::draw_table(UiContext& c) {
  const Palette& p = c.colours();
  constexpr ImGuiTableFlags kTable = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerH |
                                     ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("patients", 7, kTable, ImGui::GetContentRegionAvail())) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Patient", ImGuiTableColumnFlags_WidthStretch, 2.2f);
  ImGui::TableSetupColumn("Flags", ImGuiTableColumnFlags_WidthStretch, 1.5f);
  ImGui::TableSetupColumn("Stage", ImGuiTableColumnFlags_WidthStretch, 0.9f);
  ImGui::TableSetupColumn("Last session", ImGuiTableColumnFlags_WidthStretch, 1.1f);
  ImGui::TableSetupColumn("Last 7 days", ImGuiTableColumnFlags_WidthStretch, 0.8f);
  ImGui::TableSetupColumn("Tension", ImGuiTableColumnFlags_WidthStretch, 0.7f);
  ImGui::TableSetupColumn("Tension trend (points/week, 95% CI)", ImGuiTableColumnFlags_WidthStretch, 2.6f);
  ImGui::TableHeadersRow();
  const int enter = ImGui::GetKeyIndex(ImGuiKey_Enter);
  const int keypad_enter = ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter);
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    const session::PatientOverview& row = rows_[i];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    if (i == 0 && focus_first_row_) {
      ImGui::SetKeyboardFocusHere();
      focus_first_row_ = false;
    }
    const std::string label = (row.display_name.empty() ? row.patient_id : row.display_name) + "##" + row.patient_id;
    const bool current = row.patient_id == c.settings.patient_id;
    bool chosen = ImGui::Selectable(label.c_str(), current, ImGuiSelectableFlags_SpanAllColumns);
    if (ImGui::IsItemFocused() && (ImGui::IsKeyPressed(enter, false) || ImGui::IsKeyPressed(keypad_enter, false)))
      chosen = true;
    ImGui::SameLine();
    ImGui::TextColored(p.muted.vec4(), " %s", row.patient_id.c_str());
    if (!row.problem.empty()) {
      ImGui::TableNextColumn();
      ImGui::TextColored(p.warn.vec4(), "\xE2\x96\xB2 cannot assess: %s", row.problem.c_str());
    } else {
      ImGui::TableNextColumn();
      draw_flags(row, p);
      ImGui::TableNextColumn();
      if (row.stage) ImGui::Text("%zu of %zu", *row.stage + 1, row.stage_count);
      else ImGui::TextColored(p.muted.vec4(), "none");
      ImGui::TableNextColumn();
      if (row.last_session) ImGui::TextUnformatted(session::local_time_text(*row.last_session, "%Y-%m-%d").c_str());
      else ImGui::TextColored(p.muted.vec4(), "none yet");
      ImGui::TableNextColumn();
      ImGui::Text("%d", row.sessions_last_7_days);
      ImGui::TableNextColumn();
      if (row.latest_pre_tension) ImGui::Text("%g", *row.latest_pre_tension);
      else ImGui::TextColored(p.muted.vec4(), "-");
      ImGui::TableNextColumn();
      draw_trend(row, p);
    }
    if (chosen) open_patient(c, row.patient_id);
  }
  ImGui::EndTable();
}

}  // namespace respira::app
