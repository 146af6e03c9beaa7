#pragma once
// Small charts drawn straight into ImGui draw lists (ImPlot is not packaged in Debian):
// a framed area with a y range, gridlines with labels, lines, dots and bars. Each chart
// is a value you build for one frame and throw away.

#include <span>
#include <string>

#include "imgui.h"
#include "theme.hpp"
#include "trainer.hpp"

namespace respira::app {

class Chart {
 public:
  // Reserves `size` at the cursor and draws the frame, title and y gridlines.
  // time_axis: label the x ends as minutes:seconds (session time).
  Chart(const char* title, ImVec2 size, double x_min, double x_max, double y_min, double y_max,
        const Palette& colours, bool time_axis = true);

  void line(std::span<const TimedValue> points, ImU32 colour, float thickness = 2.0f) const;
  void dots(std::span<const TimedValue> points, ImU32 colour, float radius = 3.0f) const;
  void bars(std::span<const TimedValue> points, double width, ImU32 colour) const;
  void note(const char* text) const;  // centred message, e.g. "no breaths yet"
  ImVec2 to_screen(double x, double y) const;

 private:
  ImDrawList* list_;
  ImVec2 min_, max_;       // plot area
  double x0_, x1_, y0_, y1_;
  const Palette& colours_;
};

// "12:05" for a duration in seconds.
std::string clock_text(double seconds);

}  // namespace respira::app
