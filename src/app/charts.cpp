#include "charts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace respira::app {

Chart::Chart(const char* title, ImVec2 size, double x_min, double x_max, double y_min,
             double y_max, const Palette& colours, bool time_axis)
    : list_(ImGui::GetWindowDrawList()),
      x0_(x_min), x1_(x_max > x_min ? x_max : x_min + 1.0),
      y0_(y_min), y1_(y_max > y_min ? y_max : y_min + 1.0), colours_(colours) {
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  const float line = ImGui::GetTextLineHeight();
  list_->AddRectFilled(origin, {origin.x + size.x, origin.y + size.y}, colours.surface.u32(), 10.0f);
  list_->AddText({origin.x + 14.0f, origin.y + 10.0f}, colours.text.u32(0.9f), title);
  const float label_width = ImGui::CalcTextSize("000.0").x;
  min_ = {origin.x + 18.0f + label_width, origin.y + 20.0f + line};
  max_ = {origin.x + size.x - 16.0f, origin.y + size.y - 14.0f - line};
  // Four gridlines at round values.
  const double span = y1_ - y0_;
  const double raw = span / 4.0;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * magnitude >= raw) {
      step = m * magnitude;
      break;
    }
  }
  for (double y = std::ceil(y0_ / step) * step; y <= y1_ + 1e-9; y += step) {
    const ImVec2 p = to_screen(x0_, y);
    list_->AddLine({min_.x, p.y}, {max_.x, p.y}, colours.muted.u32(0.18f));
    char label[32];
    std::snprintf(label, sizeof label, step < 1.0 || std::fmod(step, 1.0) != 0.0 ? "%.1f" : "%.0f", y);
    const float w = ImGui::CalcTextSize(label).x;
    list_->AddText({min_.x - 8.0f - w, p.y - line * 0.5f}, colours.muted.u32(), label);
  }
  if (!time_axis) return;
  // x labels: start and end as minutes:seconds.
  const std::string left = clock_text(x0_), right = clock_text(x1_);
  list_->AddText({min_.x, max_.y + 4.0f}, colours.muted.u32(), left.c_str());
  list_->AddText({max_.x - ImGui::CalcTextSize(right.c_str()).x, max_.y + 4.0f},
                 colours.muted.u32(), right.c_str());
}

ImVec2 Chart::to_screen(double x, double y) const {
  const double fx = (x - x0_) / (x1_ - x0_);
  const double fy = (std::clamp(y, y0_, y1_) - y0_) / (y1_ - y0_);
  return {static_cast<float>(min_.x + fx * (max_.x - min_.x)),
          static_cast<float>(max_.y - fy * (max_.y - min_.y))};
}

void Chart::line(std::span<const TimedValue> points, ImU32 colour, float thickness) const {
  constexpr std::size_t kBatch = 256;
  ImVec2 batch[kBatch];
  std::size_t n = 0;
  for (const TimedValue& p : points) {
    if (!std::isfinite(p.value) || p.t < x0_ || p.t > x1_) continue;
    batch[n++] = to_screen(p.t, p.value);
    if (n == kBatch) {
      list_->AddPolyline(batch, static_cast<int>(n), colour, 0, thickness);
      batch[0] = batch[n - 1];
      n = 1;
    }
  }
  if (n >= 2) list_->AddPolyline(batch, static_cast<int>(n), colour, 0, thickness);
}

void Chart::dots(std::span<const TimedValue> points, ImU32 colour, float radius) const {
  for (const TimedValue& p : points) {
    if (!std::isfinite(p.value) || p.t < x0_ || p.t > x1_) continue;
    list_->AddCircleFilled(to_screen(p.t, p.value), radius, colour, 12);
  }
}

void Chart::bars(std::span<const TimedValue> points, double width, ImU32 colour) const {
  for (const TimedValue& p : points) {
    if (!std::isfinite(p.value)) continue;
    const ImVec2 top = to_screen(p.t - width * 0.5, p.value);
    const ImVec2 bottom = to_screen(p.t + width * 0.5, y0_);
    list_->AddRectFilled({top.x + 1.0f, top.y}, {std::max(bottom.x - 1.0f, top.x + 2.0f), bottom.y},
                         colour, 3.0f, ImDrawFlags_RoundCornersTop);
  }
}

void Chart::note(const char* text) const {
  const ImVec2 size = ImGui::CalcTextSize(text);
  list_->AddText({(min_.x + max_.x - size.x) * 0.5f, (min_.y + max_.y - size.y) * 0.5f},
                 colours_.muted.u32(), text);
}

std::string clock_text(double seconds) {
  const long total = std::lround(std::max(0.0, seconds));
  char text[24];
  std::snprintf(text, sizeof text, "%ld:%02ld", total / 60, total % 60);
  return text;
}

}  // namespace respira::app
