#pragma once
// Draws the orb and the wave with our own GLSL (shaders/) inside ImGui layouts. Each is
// queued as an ImDrawList callback: when ImGui renders, the callback sets the viewport to
// the widget's rectangle, draws one full-screen triangle with our program, and ImGui's
// backend state is restored right after. No framebuffer object, no extra pass.

#include <array>
#include <memory>

#include "imgui.h"
#include "theme.hpp"

namespace respira::app {

inline constexpr int kWaveSamples = 128;

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
