#include "ui.hpp"

#include <algorithm>
#include <cstdio>
#include <iterator>

namespace respira::app {

namespace {

struct NavItem {
  Screen screen;
  const char* label;
};
constexpr NavItem kNav[] = {{Screen::start, "Start"},     {Screen::live, "Practice"},
                            {Screen::review, "Review"},   {Screen::progress, "Progress"},
                            {Screen::settings, "Settings"},   {Screen::clinic, "Patients"}};

}  // namespace

void heading(UiContext& c, const char* title, float space_above) {
  if (space_above > 0.0f) ImGui::Dummy({0.0f, space_above});
  ImGui::PushFont(c.fonts.heading);
  ImGui::TextUnformatted(title);
  ImGui::PopFont();
}

bool store_is_open(UiContext& c, const char* without_store) {
  if (c.repository != nullptr && c.store_location) return true;
  ImGui::TextColored(c.colours().muted.vec4(), "No session store is open (%s), so %s.", c.repository_note.c_str(),
                     without_store);
  return false;
}

bool tension_picker(const char* id, int& value, const Palette& colours, float width) {
  bool changed = false;
  ImGui::PushID(id);
  const float spacing = 5.0f;
  const float size = std::min(ImGui::GetFrameHeight() * 1.25f,
                              ((width > 0.0f ? width : ImGui::GetContentRegionAvail().x) - 10.0f * spacing) / 11.0f);
  for (int i = 0; i <= 10; ++i) {
    if (i > 0) ImGui::SameLine(0.0f, spacing);
    const bool selected = value == i;
    // Calm (0) to tense (10) in lightness, not hue, so it reads for every colour vision.
    const float shade = 0.12f + 0.05f * static_cast<float>(i);
    ImGui::PushStyleColor(ImGuiCol_Button, selected ? colours.inhale.vec4(0.9f) : colours.text.vec4(shade * 0.5f));
    ImGui::PushStyleColor(ImGuiCol_Text, selected ? colours.background.vec4() : colours.text.vec4());
    char label[8];
    std::snprintf(label, sizeof label, "%d", i);
    if (ImGui::Button(label, {size, size})) {
      value = i;
      changed = true;
    }
    ImGui::PopStyleColor(2);
  }
  ImGui::PopID();
  ImGui::TextColored(colours.muted.vec4(), "0 = fully relaxed    10 = as tense as can be");
  return changed;
}

void Ui::draw_navigation() {
  const Palette& p = c_.colours();
  ImGui::PushFont(c_.fonts.heading);
  ImGui::TextColored(p.inhale.vec4(), "respira");
  ImGui::PopFont();
  ImGui::SameLine(0.0f, 36.0f);
  for (int i = 0; i < static_cast<int>(std::size(kNav)); ++i) {
    const bool active = c_.screen == kNav[i].screen;
    ImGui::PushStyleColor(ImGuiCol_Button, active ? p.inhale.vec4(0.22f) : p.background.vec4(0.0f));
    ImGui::PushStyleColor(ImGuiCol_Text, active ? p.text.vec4() : p.muted.vec4());
    if (ImGui::Button(kNav[i].label)) c_.screen = kNav[i].screen;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("F%d", i + 1);
    ImGui::PopStyleColor(2);
    ImGui::SameLine();
  }
  // Right side: where the signal comes from and how it is.
  const auto snapshot = c_.trainer.snapshot();
  char status[160] = "no signal";
  ImU32 dot = p.warn.u32();
  if (snapshot) {
    const double quality = snapshot->breath.signal_quality;
    std::snprintf(status, sizeof status, "%s  %s", snapshot->source.kind.c_str(),
                  snapshot->source.device_name.c_str());
    dot = quality >= 0.6 ? p.good.u32() : quality >= 0.3 ? p.exhale.u32() : p.warn.u32();
  }
  const float width = ImGui::CalcTextSize(status).x + 24.0f;
  ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - width);
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const float h = ImGui::GetFrameHeight();
  ImGui::GetWindowDrawList()->AddCircleFilled({at.x + 6.0f, at.y + h * 0.5f}, 5.0f, dot);
  ImGui::SetCursorScreenPos({at.x + 20.0f, at.y + ImGui::GetStyle().FramePadding.y});
  ImGui::TextColored(p.muted.vec4(), "%s", status);
  ImGui::Separator();
}

void Ui::Draw(const UiCommands& commands) {
  if (commands.go_to) c_.screen = *commands.go_to;
  Trainer& trainer = c_.trainer;
  if (commands.toggle_pause) trainer.set_paused(trainer.state() == SessionState::running);
  if (commands.stop && (trainer.state() == SessionState::running || trainer.state() == SessionState::paused)) {
    trainer.stop();
    c_.screen = Screen::live;
  }
  if (commands.toggle_eyes_closed) {
    c_.settings.eyes_closed = !c_.settings.eyes_closed;
    c_.settings_dirty = true;
  }
  live_.publish_audio(c_);

  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  constexpr ImGuiWindowFlags kFlags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                      ImGuiWindowFlags_NoSavedSettings |
                                      ImGuiWindowFlags_NoBringToFrontOnFocus |
                                      ImGuiWindowFlags_NoBackground;  // glClear paints it: no full-screen blend
  ImGui::Begin("Respira", nullptr, kFlags);
  const bool eyes_closed_practice = c_.settings.eyes_closed && c_.screen == Screen::live &&
                                    trainer.state() != SessionState::idle;
  if (!eyes_closed_practice) draw_navigation();
  switch (c_.screen) {
    case Screen::start: start_.Draw(c_); break;
    case Screen::live: live_.Draw(c_); break;
    case Screen::review: review_.Draw(c_); break;
    case Screen::progress: progress_.Draw(c_); break;
    case Screen::settings: settings_.Draw(c_); break;
    case Screen::clinic: clinic_.Draw(c_); break;
  }
  ImGui::End();
}

}  // namespace respira::app
