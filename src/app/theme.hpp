#pragma once
// Colours and type. The palettes come from Okabe & Ito's colour-blind-safe set: the
// guide's inhale (blue) and exhale (orange) differ in hue for every common form of colour
// blindness and also in lightness, and the person's own breath is near-white so it stands
// apart from both by lightness alone.

#include "imgui.h"
#include "settings.hpp"

namespace respira::app {

struct Rgb {
  float r, g, b;
  ImU32 u32(float alpha = 1.0f) const { return ImGui::ColorConvertFloat4ToU32({r, g, b, alpha}); }
  ImVec4 vec4(float alpha = 1.0f) const { return {r, g, b, alpha}; }
};

// a at t = 0 to b at t = 1, e.g. the guide's colour from the inhale to the exhale hue.
inline Rgb mix(const Rgb& a, const Rgb& b, float t) {
  return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t};
}

struct Palette {
  Rgb background;   // window
  Rgb surface;      // cards
  Rgb text;
  Rgb muted;
  Rgb inhale;       // guide breathing in
  Rgb exhale;       // guide breathing out
  Rgb measured;     // the person's own breath
  Rgb good;         // adherence / quality high
  Rgb warn;         // ... low
};

const Palette& palette(PaletteChoice choice);

struct Fonts {
  ImFont* body = nullptr;
  ImFont* heading = nullptr;
  ImFont* display = nullptr;  // large numbers and the phase cue
};

// Loads DejaVu Sans (assets/fonts, else Debian's fonts-dejavu-core) at sizes derived from
// the body size; falls back to ImGui's built-in font when neither exists.
Fonts load_fonts(float body_px);

void apply_style(const Palette& colours, float body_px);

}  // namespace respira::app
