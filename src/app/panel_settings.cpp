#include <cstdio>
#include <cstring>

#include "data_files.hpp"
#include "ui.hpp"

namespace respira::app {

namespace {

constexpr float kSpaceAboveSection = 4.0f;

}  // namespace

void SettingsPanel::Draw(UiContext& c) {
  const Palette& p = c.colours();
  Settings& s = c.settings;
  if (!source_loaded) {
    source_loaded = true;
    std::snprintf(source, sizeof source, "%s", c.trainer.config().source_spec.c_str());
  }
  const float column = std::min(ImGui::GetContentRegionAvail().x, 820.0f);
  ImGui::SetCursorPosX((ImGui::GetWindowWidth() - column) * 0.5f);
  ImGui::BeginGroup();

  heading(c, "Sensor", kSpaceAboveSection);
  ImGui::TextColored(p.muted.vec4(), "%s", c.source_note.c_str());
  ImGui::SetNextItemWidth(column * 0.6f);
  const bool entered = ImGui::InputText("##source", source, sizeof source, ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  std::string chosen;
  if (ImGui::Button("Use this source") || entered) chosen = source;
  ImGui::TextColored(p.muted.vec4(), "mic[:DEVICE]  serial:/dev/PATH[@BAUD]  ble:ADDRESS  replay:FILE[@SPEED]  synthetic[:RATE]");
  if (ImGui::Button("Bundled recording")) {
    if (auto file = find_data_file(kBundledRecording)) chosen = "replay:" + file->string();
  }
  ImGui::SameLine();
  if (ImGui::Button("Synthetic breather")) chosen = "synthetic:6";
  ImGui::SameLine();
  if (ImGui::Button(devices_loaded ? "Search microphones again" : "Search microphones")) {
    devices_loaded = true;
    try {
      devices = sensors::list_input_devices();
    } catch (const std::exception& e) {
      source_error = e.what();
    }
  }
  for (const auto& device : devices) {
    if (ImGui::Selectable(device.name.c_str())) chosen = "mic:" + device.name;
  }
  if (devices_loaded && devices.empty()) ImGui::TextColored(p.muted.vec4(), "No microphone found.");
  if (!chosen.empty()) {
    try {
      const bool loop = chosen.starts_with("replay:");
      c.trainer.reconnect({chosen, loop});
      s.source_spec = chosen;
      std::snprintf(source, sizeof source, "%s", chosen.c_str());
      c.source_note = "Chosen here.";
      c.settings_dirty = true;
      source_error.clear();
    } catch (const std::exception& e) {
      source_error = e.what();
    }
  }
  if (!source_error.empty()) ImGui::TextColored(p.warn.vec4(), "%s", source_error.c_str());

  heading(c, "Sound", kSpaceAboveSection);
  if (ImGui::Checkbox("Audio cues: a tone rises as you breathe in and falls as you breathe out", &s.audio_cues)) {
    c.settings_dirty = true;
  }
  ImGui::SetNextItemWidth(column * 0.4f);
  if (ImGui::SliderFloat("volume", &s.volume, 0.0f, 1.0f, "%.2f")) c.settings_dirty = true;
  if (ImGui::Checkbox("Eyes-closed mode: sound only, the screen goes dark  (E)", &s.eyes_closed)) {
    c.settings_dirty = true;
  }
  if (!c.audio.error().empty()) ImGui::TextColored(p.warn.vec4(), "%s", c.audio.error().c_str());

  heading(c, "Look", kSpaceAboveSection);
  int palette_choice = static_cast<int>(s.palette);
  bool look_changed = ImGui::RadioButton("Calm colours", &palette_choice, 0);
  ImGui::SameLine();
  look_changed |= ImGui::RadioButton("High contrast", &palette_choice, 1);
  if (look_changed) {
    s.palette = static_cast<PaletteChoice>(palette_choice);
    c.settings_dirty = true;
    c.fonts_dirty = true;  // the style is rebuilt with the fonts
  }
  ImDrawList* list = ImGui::GetWindowDrawList();
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const float h = ImGui::GetTextLineHeight();
  const Rgb swatches[] = {p.inhale, p.exhale, p.measured, p.good};
  const char* names[] = {"breathe in", "breathe out", "your breath", "good"};
  float x = at.x;
  for (int i = 0; i < 4; ++i) {
    list->AddCircleFilled({x + h * 0.5f, at.y + h * 0.5f}, h * 0.45f, swatches[i].u32());
    list->AddText({x + h * 1.3f, at.y}, p.muted.u32(), names[i]);
    x += h * 1.3f + ImGui::CalcTextSize(names[i]).x + 24.0f;
  }
  ImGui::Dummy({column, h});
  ImGui::SetNextItemWidth(column * 0.4f);
  ImGui::SliderFloat("text size", &s.font_size, 14.0f, 28.0f, "%.0f px");
  if (ImGui::IsItemDeactivatedAfterEdit()) {
    c.settings_dirty = true;
    c.fonts_dirty = true;
  }
  if (ImGui::Checkbox("Reduced motion: no drifting light, only the breath itself moves", &s.reduced_motion)) {
    c.settings_dirty = true;
  }

  heading(c, "Keys", kSpaceAboveSection);
  ImGui::TextColored(p.muted.vec4(),
                     "F1-F5 screens   Tab / arrows move   Space or Enter choose   P pause   Esc finish   E eyes closed");
  ImGui::EndGroup();
}

}  // namespace respira::app
