#include <algorithm>
#include <cmath>
#include <cstdio>

#include "charts.hpp"
#include "ui.hpp"

namespace respira::app {

namespace {

constexpr double kWavePastS = 20.0;
constexpr double kWaveAheadS = 10.0;

// Colour share of the exhale hue: turns over the first fifth of each moving phase.
float exhale_share(const pacer::PacerState& s) {
  const auto turn = static_cast<float>(std::clamp(s.progress / 0.2, 0.0, 1.0));
  const float eased = turn * turn * (3.0f - 2.0f * turn);
  switch (s.phase) {
    case pacer::Phase::inhale: return 1.0f - eased;
    case pacer::Phase::inhale_hold: return 0.0f;
    case pacer::Phase::exhale: return eased;
    case pacer::Phase::exhale_hold: return 1.0f;
  }
  return 0.0f;
}

void centred_text(ImDrawList* list, ImFont* font, ImVec2 centre, ImU32 colour, const char* text) {
  const ImVec2 size = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0.0f, text);
  const ImVec2 at{centre.x - size.x * 0.5f, centre.y - size.y * 0.5f};
  list->AddText(font, font->FontSize, {at.x + 1.0f, at.y + 1.5f}, IM_COL32(0, 0, 0, 90), text);
  list->AddText(font, font->FontSize, at, colour, text);
}

// One figure in the side column: label, big value, unit, a line of detail, optional bar.
void metric(UiContext& c, const char* label, const char* value, const char* unit,
            const char* detail, float bar, ImU32 bar_colour) {
  const Palette& p = c.colours();
  ImDrawList* list = ImGui::GetWindowDrawList();
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  const float line = ImGui::GetTextLineHeight();
  const float value_h = c.fonts.heading->FontSize;
  const float height = line * 2.0f + value_h + 22.0f;
  c.view.card(list, at, {at.x + width, at.y + height}, 10.0f, p.surface, p.background);
  list->AddText({at.x + 14.0f, at.y + 8.0f}, p.muted.u32(), label);
  const ImVec2 value_at{at.x + 14.0f, at.y + 10.0f + line};
  list->AddText(c.fonts.heading, value_h, value_at, p.text.u32(), value);
  const float value_w = c.fonts.heading->CalcTextSizeA(value_h, FLT_MAX, 0.0f, value).x;
  list->AddText({value_at.x + value_w + 6.0f, value_at.y + value_h - line - 1.0f}, p.muted.u32(), unit);
  list->AddText({at.x + 14.0f, value_at.y + value_h + 4.0f}, p.muted.u32(0.85f), detail);
  if (bar >= 0.0f) {
    const float x0 = at.x + width * 0.52f, x1 = at.x + width - 14.0f;
    const float y = value_at.y + value_h * 0.5f;
    list->AddRectFilled({x0, y - 3.0f}, {x1, y + 3.0f}, p.muted.u32(0.2f), 3.0f);
    list->AddRectFilled({x0, y - 3.0f}, {x0 + (x1 - x0) * std::clamp(bar, 0.0f, 1.0f), y + 3.0f}, bar_colour, 3.0f);
  }
  ImGui::Dummy({width, height});
}

}  // namespace

void LivePanel::publish_audio(UiContext& c) const {
  const Trainer& trainer = c.trainer;
  const bool wanted = c.audio_allowed && (c.settings.audio_cues || c.settings.eyes_closed);
  if (wanted && !c.audio.is_open() && c.audio.error().empty()) c.audio.open();
  if (!wanted && c.audio.is_open()) c.audio.close();
  if (!c.audio.is_open()) return;
  if (trainer.state() != SessionState::running) {
    c.audio.publish(0.0f, 0.0f);
    return;
  }
  const pacer::PacerState guide = trainer.guide();
  const bool moving = guide.phase == pacer::Phase::inhale || guide.phase == pacer::Phase::exhale;
  c.audio.publish(static_cast<float>(guide.volume), c.settings.volume * (moving ? 1.0f : 0.12f));
}

void LivePanel::draw_pacer(UiContext& c, ImVec2 size) const {
  const Palette& p = c.colours();
  const Trainer& trainer = c.trainer;
  const bool dim = c.settings.eyes_closed;
  ImDrawList* list = ImGui::GetWindowDrawList();
  const float wave_h = std::max(120.0f, size.y * 0.27f);
  const ImVec2 orb_min = ImGui::GetCursorScreenPos();
  const ImVec2 orb_max{orb_min.x + size.x, orb_min.y + size.y - wave_h - 10.0f};
  const double now = trainer.pacer_time_s();
  const pacer::PacerState guide = trainer.guide();
  const double measured = trainer.state() == SessionState::idle ? dsp::kNoValue : trainer.measured_volume();

  OrbFrame orb;
  orb.time_s = static_cast<float>(std::fmod(c.wall_s, 3600.0));
  orb.target = static_cast<float>(guide.volume);
  orb.measured = std::isfinite(measured) ? static_cast<float>(measured) : -1.0f;
  orb.exhale = exhale_share(guide);
  orb.motion = c.settings.reduced_motion ? 0.0f : 1.0f;
  orb.dim = dim ? 1.0f : 0.0f;
  // The shader draws only the square around the orb (its halo fades out inside it); the
  // rest of the area is the window's background, which costs nothing to draw.
  const ImVec2 centre{(orb_min.x + orb_max.x) * 0.5f, (orb_min.y + orb_max.y) * 0.5f};
  const float side = std::min(orb_max.x - orb_min.x, orb_max.y - orb_min.y);
  c.view.orb(list, {centre.x - side * 0.5f, centre.y - side * 0.5f}, {centre.x + side * 0.5f, centre.y + side * 0.5f},
             orb, p);
  ImGui::Dummy({size.x, orb_max.y - orb_min.y});
  if (dim) {
    centred_text(list, c.fonts.body, {centre.x, orb_max.y - 24.0f}, p.muted.u32(0.6f),
                 "Eyes closed: follow the tone.  E shows the screen again.");
  } else if (trainer.state() == SessionState::idle) {
    centred_text(list, c.fonts.display, centre, p.text.u32(), "Ready when you are");
    centred_text(list, c.fonts.body, {centre.x, centre.y + c.fonts.display->FontSize}, p.muted.u32(),
                 "Choose a practice on the Start screen (F1) and press Begin.");
  } else {
    const bool paused = trainer.state() == SessionState::paused;
    centred_text(list, c.fonts.display, centre, p.text.u32(), paused ? "Paused" : pacer::phase_label(guide.phase));
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.0f", std::ceil(guide.phase_remaining_s));
    if (!paused) {
      centred_text(list, c.fonts.heading, {centre.x, centre.y + c.fonts.display->FontSize * 0.95f},
                   p.text.u32(0.75f), seconds);
    }
  }

  WaveFrame wave;
  for (int i = 0; i < kWaveSamples; ++i) {
    const double t = now - kWavePastS + (kWavePastS + kWaveAheadS) * i / (kWaveSamples - 1);
    const pacer::PacerState at = trainer.guide_at(std::max(t, 0.0));
    wave.guide[static_cast<std::size_t>(i)] = static_cast<float>(at.volume);
    wave.hue[static_cast<std::size_t>(i)] = exhale_share(at);
  }
  trainer.measured_trace(wave.trace, now - kWavePastS, now + kWaveAheadS);
  for (float& v : wave.trace) {
    if (!std::isfinite(v)) v = -1.0f;
  }
  wave.now = static_cast<float>(kWavePastS / (kWavePastS + kWaveAheadS));
  wave.dim = dim ? 1.0f : 0.0f;
  const ImVec2 wave_min = ImGui::GetCursorScreenPos();
  c.view.wave(list, wave_min, {wave_min.x + size.x, wave_min.y + wave_h}, wave, p);
  ImGui::Dummy({size.x, wave_h});
  if (!dim) {
    // "Now": a faint line and a bead on the guide, ringed in the measured colour.
    const float now_x = wave_min.x + size.x * wave.now;
    list->AddLine({now_x, wave_min.y}, {now_x, wave_min.y + wave_h}, p.measured.u32(0.12f), 1.0f);
    const float now_volume = static_cast<float>(guide.volume);
    const ImVec2 bead{now_x, wave_min.y + wave_h * (1.0f - (kWaveBottom + (kWaveTop - kWaveBottom) * now_volume))};
    const Rgb bead_colour = mix(p.inhale, p.exhale, exhale_share(guide));
    const Rgb glow{std::min(1.0f, bead_colour.r * 1.15f + 0.1f), std::min(1.0f, bead_colour.g * 1.15f + 0.1f),
                   std::min(1.0f, bead_colour.b * 1.15f + 0.1f)};
    list->AddCircleFilled(bead, 15.0f, glow.u32(0.08f), 28);  // a soft light around the bead
    list->AddCircleFilled(bead, 10.0f, glow.u32(0.2f), 24);
    list->AddCircleFilled(bead, 6.0f, bead_colour.u32(), 20);
    list->AddCircle(bead, 6.0f, p.measured.u32(0.6f), 20, 1.5f);
    const float line = ImGui::GetTextLineHeight();
    list->AddText({wave_min.x + 10.0f, wave_min.y + 6.0f}, p.muted.u32(0.8f), "20 s ago");
    list->AddText({wave_min.x + size.x - ImGui::CalcTextSize("ahead").x - 10.0f, wave_min.y + 6.0f},
                  p.muted.u32(0.8f), "ahead");
    // Legend: guide and you.
    const ImVec2 legend{wave_min.x + 10.0f, wave_min.y + wave_h - line - 6.0f};
    list->AddLine({legend.x, legend.y + line * 0.5f}, {legend.x + 18.0f, legend.y + line * 0.5f}, p.inhale.u32(), 3.0f);
    list->AddText({legend.x + 24.0f, legend.y}, p.muted.u32(), "guide");
    list->AddLine({legend.x + 84.0f, legend.y + line * 0.5f}, {legend.x + 102.0f, legend.y + line * 0.5f}, p.measured.u32(), 3.0f);
    list->AddText({legend.x + 108.0f, legend.y}, p.muted.u32(), "your breath");
  }
}

void LivePanel::draw_metrics(UiContext& c, ImVec2 size) {
  const Palette& p = c.colours();
  Trainer& trainer = c.trainer;
  const auto snapshot = trainer.snapshot();
  const dsp::BreathState breath = snapshot ? snapshot->breath : dsp::BreathState{};
  const pacer::PacerState guide = trainer.guide();
  char value[48], detail[96];
  ImGui::BeginChild("metrics", size, false, ImGuiWindowFlags_NoBackground);

  std::snprintf(value, sizeof value, std::isfinite(breath.rate_bpm) ? "%.1f" : "--", breath.rate_bpm);
  std::snprintf(detail, sizeof detail, "guide %.1f /min", guide.pattern.rate_bpm());
  metric(c, "Your breathing rate", value, "/min", detail, -1.0f, 0);

  if (std::isfinite(breath.ie_ratio) && breath.ie_ratio > 0.0) {
    std::snprintf(value, sizeof value, "1 : %.1f", 1.0 / breath.ie_ratio);
  } else {
    std::snprintf(value, sizeof value, "--");
  }
  std::snprintf(detail, sizeof detail, "guide 1 : %.1f", guide.pattern.exhale_s / guide.pattern.inhale_s);
  metric(c, "In : out", value, "", detail, -1.0f, 0);

  std::snprintf(value, sizeof value, std::isfinite(breath.depth) ? "%.2f" : "--", breath.depth);
  const bool from_sound = snapshot && snapshot->source.signal_kind == dsp::SignalKind::audio;
  metric(c, "Depth", value, std::isfinite(breath.depth) ? "x usual" : "",
         from_sound ? "not measured from breath sounds" : "1.00 = your typical breath",
         std::isfinite(breath.depth) ? static_cast<float>(breath.depth / 2.0) : -1.0f, p.measured.u32(0.8f));

  const double adherence = trainer.adherence();
  const double error = trainer.adherence_error_s();
  std::snprintf(value, sizeof value, std::isfinite(adherence) ? "%.0f" : "--", adherence * 100.0);
  if (std::isfinite(error)) std::snprintf(detail, sizeof detail, "timing off by %.1f s on average", error);
  else std::snprintf(detail, sizeof detail, "scored after each breath");
  metric(c, "With the guide", value, "%", detail, std::isfinite(adherence) ? static_cast<float>(adherence) : -1.0f,
         adherence >= 0.6 ? p.good.u32() : p.exhale.u32());

  const double quality = breath.signal_quality;
  std::snprintf(value, sizeof value, "%s", quality >= 0.6 ? "good" : quality >= 0.3 ? "fair" : "weak");
  std::snprintf(detail, sizeof detail, "%s", snapshot && !snapshot->health.last_error.empty()
                                                 ? snapshot->health.last_error.c_str()
                                                 : (snapshot ? snapshot->source.kind.c_str() : "no source"));
  metric(c, "Signal", value, "", detail, static_cast<float>(quality),
         quality >= 0.6 ? p.good.u32() : p.warn.u32());

  const std::string left = clock_text(trainer.remaining_s());
  const pacer::ResonanceSearch* search = trainer.resonance();
  if (search != nullptr && search->current_step() < search->steps().size()) {
    std::snprintf(detail, sizeof detail, "resonance step %zu of %zu",
                  search->current_step() + 1, search->steps().size());
  } else {
    std::snprintf(detail, sizeof detail, "%s", pacer::describe(guide.pattern).c_str());
  }
  metric(c, "Time left", left.c_str(), "", detail, -1.0f, 0);

  const bool active = trainer.state() == SessionState::running || trainer.state() == SessionState::paused;
  if (active) {
    const float w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    if (ImGui::Button(trainer.state() == SessionState::paused ? "Resume  (P)" : "Pause  (P)", {w, 0.0f})) {
      trainer.set_paused(trainer.state() == SessionState::running);
    }
    ImGui::SameLine();
    if (ImGui::Button("Finish  (Esc)", {w, 0.0f})) trainer.stop();
  }
  if (!trainer.message().empty()) ImGui::TextColored(p.warn.vec4(), "%s", trainer.message().c_str());
  ImGui::EndChild();
}

void LivePanel::draw_rating(UiContext& c) {
  const Palette& p = c.colours();
  if (c.trainer.state() != SessionState::awaiting_rating) return;
  if (!ImGui::IsPopupOpen("How tense do you feel now?")) ImGui::OpenPopup("How tense do you feel now?");
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Always, {0.5f, 0.5f});
  if (ImGui::BeginPopupModal("How tense do you feel now?", nullptr,
                             ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoMove)) {
    ImGui::TextColored(p.muted.vec4(), "Well done. Take a moment, then rate how you feel.");
    ImGui::Dummy({0.0f, 4.0f});
    tension_picker("post", post_tension, p);
    ImGui::Dummy({0.0f, 6.0f});
    if (ImGui::Button(post_tension >= 0 ? "Save and review" : "Skip and review")) {
      c.trainer.finish(post_tension >= 0 ? std::optional<int>(post_tension) : std::nullopt);
      post_tension = -1;
      c.screen = Screen::review;
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }
}

void LivePanel::Draw(UiContext& c) {
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool eyes_closed = c.settings.eyes_closed && c.trainer.state() != SessionState::idle;
  const float side = eyes_closed ? 0.0f : std::max(280.0f, avail.x * 0.27f);
  const float spacing = eyes_closed ? 0.0f : ImGui::GetStyle().ItemSpacing.x * 2.0f;
  ImGui::BeginGroup();
  draw_pacer(c, {avail.x - side - spacing, avail.y});
  ImGui::EndGroup();
  if (!eyes_closed) {
    ImGui::SameLine(0.0f, spacing);
    draw_metrics(c, {side, avail.y});
  }
  draw_rating(c);
}

}  // namespace respira::app
