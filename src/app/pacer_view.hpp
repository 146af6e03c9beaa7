#pragma once
// Draws the orb and the wave with our own GLSL (shaders/) inside ImGui layouts. Each is
// queued as an ImDrawList callback: when ImGui renders, the callback draws one full-screen
// triangle with our program into a small offscreen texture (kRenderScale of the widget in
// each direction: the shaders draw only soft light, which scales up invisibly) and blits
// it into the widget's rectangle; ImGui's state is restored right after, and the crisp
// strokes (measured ring, curves) are drawn on top by the panel with ImGui. On Mesa's
// software renderer this keeps the frame within a few milliseconds.

#include <array>
#include <memory>

#include "imgui.h"
#include "theme.hpp"

namespace respira::app {

inline constexpr int kWaveSamples = 128;
inline constexpr float kRenderScale = 0.5f;
// Geometry shared by the shaders (as uniforms) and the strokes the panel draws on top.
inline constexpr float kOrbRadiusEmpty = 0.13f;  // of the rectangle's shorter side
inline constexpr float kOrbRadiusFull = 0.41f;
inline constexpr float kWaveBottom = 0.14f;      // volume 0, fraction of the height from below
inline constexpr float kWaveTop = 0.86f;         // volume 1

inline float orb_radius(float volume, float shorter_side) {
  return (kOrbRadiusEmpty + (kOrbRadiusFull - kOrbRadiusEmpty) * volume) * shorter_side;
}

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
  // Compiles shaders/fullscreen.vert, orb.frag and wave.frag; throws AppError naming the
  // file and the compiler's log. Needs a current OpenGL 3.3 context.
  PacerView();
  ~PacerView();
  PacerView(const PacerView&) = delete;
  PacerView& operator=(const PacerView&) = delete;

  // Queue drawing into the rectangle [min, max) of the current window.
  void orb(ImDrawList* list, ImVec2 min, ImVec2 max, const OrbFrame& frame, const Palette& colours);
  void wave(ImDrawList* list, ImVec2 min, ImVec2 max, const WaveFrame& frame, const Palette& colours);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace respira::app
