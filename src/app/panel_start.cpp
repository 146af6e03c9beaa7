#include <cstdio>

#include "pacer/pattern.hpp"
#include "ui.hpp"

namespace respira::app {

namespace {

constexpr int kAdaptiveMode = 4;   // after the four presets
constexpr int kResonanceMode = 5;

constexpr float kSpaceAboveSection = 6.0f;

}  // namespace

void StartPanel::Draw(UiContext& c) {
  const Palette& p = c.colours();
  Trainer& trainer = c.trainer;
  if (!patients_loaded && c.repository != nullptr) {
    patients_loaded = true;
    try {
      patients = c.repository->list_patients();
    } catch (const std::exception& e) {
      c.repository_note = e.what();
    }
  }
  if (!mode_loaded) {
    mode_loaded = true;
    const auto all = pacer::presets();
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (all[i].key == c.settings.preset) mode = static_cast<int>(i);
    }
  }

  // Two columns so everything, Begin included, fits a 720-pixel-high window.
  const float gap = 48.0f;
  const float total = std::min(ImGui::GetContentRegionAvail().x, 1180.0f);
  const float column = (total - gap) * 0.56f;
  const float right_column = total - gap - column;
  ImGui::SetCursorPosX((ImGui::GetWindowWidth() - total) * 0.5f);
  const ImVec2 top = ImGui::GetCursorScreenPos();
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + column);

  heading(c, "Who is practising", kSpaceAboveSection);
  if (c.repository == nullptr) {
    ImGui::TextColored(p.muted.vec4(), "Sessions are not saved: %s", c.repository_note.c_str());
  } else {
    const session::Patient* chosen = nullptr;
    for (const auto& patient : patients) {
      if (patient.id == c.settings.patient_id) chosen = &patient;
    }
    ImGui::SetNextItemWidth(column * 0.52f);
    if (ImGui::BeginCombo("##person", chosen ? chosen->display_name.c_str() : "Practise without saving")) {
      if (ImGui::Selectable("Practise without saving", chosen == nullptr)) {
        c.settings.patient_id.clear();
        c.settings_dirty = true;
      }
      for (const auto& patient : patients) {
        char label[160];
        std::snprintf(label, sizeof label, "%s  (%s)", patient.display_name.c_str(), patient.id.c_str());
        if (ImGui::Selectable(label, &patient == chosen)) {
          c.settings.patient_id = patient.id;
          c.settings_dirty = true;
        }
      }
      ImGui::EndCombo();
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(column * 0.3f);
    ImGui::InputTextWithHint("##new", "new name", new_name, sizeof new_name);
    ImGui::SameLine();
    if (ImGui::Button("Add") && new_name[0] != '\0') {
      try {
        const session::Patient added = c.repository->add_patient(new_name, "");
        patients.push_back(added);
        c.settings.patient_id = added.id;
        c.settings_dirty = true;
        new_name[0] = '\0';
      } catch (const std::exception& e) {
        c.repository_note = e.what();
      }
    }
  }

  heading(c, "Today's practice", kSpaceAboveSection);
  const auto all = pacer::presets();
  for (std::size_t i = 0; i < all.size(); ++i) {
    ImGui::RadioButton(std::string(all[i].label).c_str(), &mode, static_cast<int>(i));
    ImGui::SameLine(column * 0.5f);
    ImGui::TextColored(p.muted.vec4(), "%s", pacer::describe(all[i].pattern).c_str());
  }
  ImGui::RadioButton("Adaptive", &mode, kAdaptiveMode);
  ImGui::SameLine(column * 0.5f);
  ImGui::TextColored(p.muted.vec4(), "from your own rate toward 6/min");
  ImGui::RadioButton("Find my resonance rate", &mode, kResonanceMode);
  ImGui::SameLine(column * 0.5f);
  ImGui::TextColored(p.muted.vec4(), "7 to 4.5/min, 2.5 min a step");
  if (mode != kResonanceMode) {
    ImGui::Dummy({0.0f, 2.0f});
    ImGui::SetNextItemWidth(column * 0.5f);
    if (ImGui::SliderFloat("minutes", &c.settings.session_minutes, 1.0f, 60.0f, "%.0f min")) {
      c.settings_dirty = true;
    }
  }

  ImGui::PopTextWrapPos();
  ImGui::EndGroup();

  ImGui::SetCursorScreenPos({top.x + column + gap, top.y});
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + right_column);
  heading(c, "Sensor", kSpaceAboveSection);
  const auto snapshot = trainer.snapshot();
  ImGui::TextColored(p.muted.vec4(), "%s", snapshot ? (snapshot->source.kind + ": " + snapshot->source.device_name).c_str()
                                                    : "none");
  ImGui::SameLine();
  if (ImGui::SmallButton("change")) c.screen = Screen::settings;

  heading(c, "Before you begin: how tense do you feel?", kSpaceAboveSection);
  tension_picker("pre", pre_tension, p, right_column);

  ImGui::Dummy({0.0f, 10.0f});
  const bool busy = trainer.state() == SessionState::running || trainer.state() == SessionState::paused;
  ImGui::PushStyleColor(ImGuiCol_Button, p.inhale.vec4(0.85f));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, p.inhale.vec4());
  ImGui::PushStyleColor(ImGuiCol_Text, p.background.vec4());
  ImGui::PushFont(c.fonts.heading);
  if (ImGui::Button(busy ? "Return to practice" : "Begin", {right_column * 0.6f, 0.0f})) {
    if (!busy) {
      SessionPlan plan;
      plan.mode = mode == kAdaptiveMode    ? PacingMode::adaptive
                  : mode == kResonanceMode ? PacingMode::resonance
                                           : PacingMode::preset;
      if (plan.mode == PacingMode::preset) {
        plan.preset_key = std::string(all[static_cast<std::size_t>(mode)].key);
        c.settings.preset = plan.preset_key;
        c.settings_dirty = true;
      }
      plan.minutes = c.settings.session_minutes;
      plan.patient_id = c.repository != nullptr ? c.settings.patient_id : std::string{};
      if (pre_tension >= 0) plan.pre_tension = pre_tension;
      trainer.reset();
      trainer.begin(plan);
      pre_tension = -1;
    }
    c.screen = Screen::live;
  }
  ImGui::PopFont();
  ImGui::PopStyleColor(3);
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
}

}  // namespace respira::app
