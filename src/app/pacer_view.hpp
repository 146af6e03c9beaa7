#pragma once
// Draws the orb, the wave and the live screen's cards with our own GLSL (shaders/) inside
// ImGui layouts. Each is queued as an ImDrawList callback: when ImGui renders, the
// callback points the viewport at the widget's rectangle, clipped like the ImGui window
// it sits in, and draws straight into the window at full resolution; ImGui's state is
// restored right after. Nothing goes through an offscreen target: on Mesa's software
// renderer switching render targets stalls for the rasteriser threads and a scaled blit
// costs as much as shading, so the shaders instead keep every pixel cheap (no per-pixel
// array look-ups or trigonometry) and draw the crisp rings and curves themselves.

#include <array>
#include <memory>

#include "frame_damage.hpp"
#include "imgui.h"
#include "theme.hpp"

namespace respira::app {

inline constexpr int kWaveSamples = 128;
// Geometry shared by the shaders (as uniforms) and the panel's layout.
inline constexpr float kOrbRadiusEmpty = 0.13f;  // of the rectangle's shorter side
inline constexpr float kOrbRadiusFull = 0.41f;
inline constexpr float kWaveBottom = 0.14f;      // volume 0, fraction of the height from below
inline constexpr float kWaveTop = 0.86f;         // volume 1

struct OrbFrame {
  float time_s = 0.0f;
  float target = 0.0f;      // guide volume 0..1
  float measured = -1.0f;   // measured volume 0..1, negative when unknown
  float exhale = 0.0f;      // 0 inhale colour .. 1 exhale colour
  float motion = 1.0f;      // 0 with reduced motion
  float dim = 0.0f;
};

struct WaveFrame {
  std::array<float, kWaveSamples> guide{};  // 0..1
  std::array<float, kWaveSamples> trace{};  // 0..1, negative where unknown
  std::array<float, kWaveSamples> hue{};    // exhale-hue share 0..1, as the orb's
  float now = 0.66f;
  float dim = 0.0f;
};

class PacerView {
 public:
  // Compiles the shaders in shaders/; throws AppError naming the file and the compiler's
  // log. Needs a current OpenGL 3.3 context.
  PacerView();
  ~PacerView();
  PacerView(const PacerView&) = delete;
  PacerView& operator=(const PacerView&) = delete;

  // Call before building each frame: cards queued last frame are forgotten.
  void new_frame();

  // Queue drawing into the rectangle [min, max) of the current window.
  void orb(ImDrawList* list, ImVec2 min, ImVec2 max, const OrbFrame& frame, const Palette& colours);
  void wave(ImDrawList* list, ImVec2 min, ImVec2 max, const WaveFrame& frame, const Palette& colours);
  // A rounded card in `fill` on the window's background colour (what it must sit on).
  void card(ImDrawList* list, ImVec2 min, ImVec2 max, float rounding, const Rgb& fill, const Rgb& background);

  // For FrameDamage: the rectangle a queued callback paints, a hash of what decides its
  // pixels, and that it covers the rectangle. Callbacks that are not ours are described as
  // changing every frame and covering nothing.
  static CallbackArea describe(const ImDrawCmd& command);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace respira::app
