#include "frame_damage.hpp"

#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>
#include <GL/glx.h>
#include <GLFW/glfw3.h>
#include <X11/Xutil.h>
#define GLFW_EXPOSE_NATIVE_X11
#define GLFW_EXPOSE_NATIVE_GLX
#include <GLFW/glfw3native.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <utility>

#include "backends/imgui_impl_opengl3.h"

namespace respira::app {

namespace {

constexpr double kFullScreenShare = 0.6;  // regions covering more than this: draw it all

bool same_rect(const ImVec4& a, const ImVec4& b) { return a.x == b.x && a.y == b.y && a.z == b.z && a.w == b.w; }
bool empty(const ImVec4& r) { return r.z <= r.x || r.w <= r.y; }
double area(const ImVec4& r) { return empty(r) ? 0.0 : static_cast<double>(r.z - r.x) * (r.w - r.y); }
// The smallest rectangle holding both; kNothing holds nothing (not even a point).
const ImVec4 kNothing{1e30f, 1e30f, -1e30f, -1e30f};
ImVec4 unite(const ImVec4& a, const ImVec4& b) {
  return {std::min(a.x, b.x), std::min(a.y, b.y), std::max(a.z, b.z), std::max(a.w, b.w)};
}
ImVec4 intersect(const ImVec4& a, const ImVec4& b) {
  return {std::max(a.x, b.x), std::max(a.y, b.y), std::min(a.z, b.z), std::min(a.w, b.w)};
}
bool touch(const ImVec4& a, const ImVec4& b) { return a.x <= b.z && b.x <= a.z && a.y <= b.w && b.y <= a.w; }

// One triangle's three vertices, compared byte for byte.
using TriangleVerts = std::array<ImDrawVert, 3>;

ImVec4 box_of(const TriangleVerts& t) {
  ImVec4 box = kNothing;
  for (const ImDrawVert& v : t) box = unite(box, {v.pos.x, v.pos.y, v.pos.x, v.pos.y});
  return box;
}

void append_triangles(const ImDrawList& list, const ImDrawCmd& command, std::vector<TriangleVerts>& out) {
  for (unsigned int e = 0; e + 2 < command.ElemCount; e += 3) {
    TriangleVerts t;
    for (unsigned int k = 0; k < 3; ++k) {
      const auto index = list.IdxBuffer[static_cast<int>(command.IdxOffset + e + k)];
      t[k] = list.VtxBuffer[static_cast<int>(command.VtxOffset + index)];
    }
    out.push_back(t);
  }
}

// A rectangle in display coordinates as framebuffer pixels (x, y from the bottom, width,
// height), clipped to the framebuffer: what glScissor and glXCopySubBufferMESA take.
struct FramebufferRect {
  int x, y, width, height;
};
FramebufferRect to_framebuffer(const ImVec4& r, const ImDrawData& data) {
  const ImVec2 scale = data.FramebufferScale;
  const float fb_width = data.DisplaySize.x * scale.x, fb_height = data.DisplaySize.y * scale.y;
  const float x0 = std::clamp((r.x - data.DisplayPos.x) * scale.x, 0.0f, fb_width);
  const float x1 = std::clamp((r.z - data.DisplayPos.x) * scale.x, 0.0f, fb_width);
  const float y0 = std::clamp(fb_height - (r.w - data.DisplayPos.y) * scale.y, 0.0f, fb_height);  // GL rows run up
  const float y1 = std::clamp(fb_height - (r.y - data.DisplayPos.y) * scale.y, 0.0f, fb_height);
  return {static_cast<int>(x0), static_cast<int>(y0), static_cast<int>(x1 - x0), static_cast<int>(y1 - y0)};
}

// Calls f on every draw command of the frame, in order.
template <typename F>
void for_each_command(ImDrawData& data, F&& f) {
  for (int l = 0; l < data.CmdListsCount; ++l)
    for (ImDrawCmd& command : data.CmdLists[l]->CmdBuffer) f(command);
}

std::array<unsigned char, 3> read_back_pixel() {
  std::array<unsigned char, 4> pixel{};
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, pixel.data());
  return {pixel[0], pixel[1], pixel[2]};
}

}  // namespace

bool swap_keeps_back_buffer(GLFWwindow* window, float r, float g, float b) {
  // Two shades of the window's own background, so the probe is not seen.
  const float lift = 2.0f / 255.0f;
  const std::array<std::array<float, 3>, 2> shades{{{r, g, b}, {r + lift, g + lift, b + lift}}};
  int width = 0, height = 0;
  glfwGetFramebufferSize(window, &width, &height);
  glViewport(0, 0, width, height);
  for (const auto& shade : shades) {
    glClearColor(shade[0], shade[1], shade[2], 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    const auto drawn = read_back_pixel();
    glfwSwapBuffers(window);
    const auto kept = read_back_pixel();
    if (drawn != kept) return false;
  }
  return true;
}

void FrameDamage::take(const ImDrawData& data, std::uint64_t frame_key, Snapshot& out) const {
  out.commands.clear();
  out.triangles.clear();
  out.list_sizes.clear();
  out.display_size = data.DisplaySize;
  out.key = frame_key;
  for (int l = 0; l < data.CmdListsCount; ++l) {
    const ImDrawList& list = *data.CmdLists[l];
    out.list_sizes.push_back(list.CmdBuffer.Size);
    for (const ImDrawCmd& command : list.CmdBuffer) {
      Command c{command.ClipRect, command.TextureId, command.UserCallback != nullptr, 0, {}, false,
                out.triangles.size(), 0};
      if (command.UserCallback == ImDrawCallback_ResetRenderState) {
        // Draws nothing.
      } else if (c.callback) {
        const CallbackArea painted = describe_(command);
        c.hash = painted.hash;
        c.area = painted.rect;
        c.covers = painted.covers;
      } else {
        append_triangles(list, command, out.triangles);
        c.count = out.triangles.size() - c.first;
      }
      out.commands.push_back(c);
    }
  }
}

void FrameDamage::add_region(const ImVec4& rect, const ImVec4& clip) {
  ImVec4 r = intersect(rect, clip);
  if (r.z < r.x || r.w < r.y) return;  // nothing (a point or a line still has a fringe)
  // Whole pixels, one more each way for anti-aliased fringes.
  r = {std::floor(r.x) - 1.0f, std::floor(r.y) - 1.0f, std::ceil(r.z) + 1.0f, std::ceil(r.w) + 1.0f};
  regions_.push_back(r);
}

bool FrameDamage::find_changes(const Snapshot& before, const Snapshot& now) {
  regions_.clear();
  if (!valid_ || before.key != now.key || before.display_size.x != now.display_size.x ||
      before.display_size.y != now.display_size.y || before.list_sizes != now.list_sizes)
    return false;
  for (std::size_t i = 0; i < now.commands.size(); ++i) {
    const Command& a = before.commands[i];
    const Command& b = now.commands[i];
    if (a.callback != b.callback || a.texture != b.texture || !same_rect(a.clip, b.clip) || a.covers != b.covers)
      return false;
    if (b.callback) {
      if (a.hash != b.hash || !same_rect(a.area, b.area)) {
        add_region(a.area, a.clip);
        add_region(b.area, b.clip);
      }
      continue;
    }
    // Like a text diff: the common start and end are unchanged, the rest is the damage.
    const auto* old_tris = before.triangles.data() + a.first;
    const auto* new_tris = now.triangles.data() + b.first;
    const auto same = [](const TriangleVerts& x, const TriangleVerts& y) { return std::memcmp(&x, &y, sizeof x) == 0; };
    const std::size_t shorter = std::min(a.count, b.count);
    std::size_t head = 0;
    while (head < shorter && same(old_tris[head], new_tris[head])) ++head;
    std::size_t tail = 0;
    while (tail < shorter - head && same(old_tris[a.count - 1 - tail], new_tris[b.count - 1 - tail])) ++tail;
    ImVec4 changed = kNothing;
    for (std::size_t t = head; t < a.count - tail; ++t) changed = unite(changed, box_of(old_tris[t]));
    for (std::size_t t = head; t < b.count - tail; ++t) changed = unite(changed, box_of(new_tris[t]));
    add_region(changed, b.clip);
  }
  merge_regions();
  double total = 0.0;
  for (const ImVec4& r : regions_) total += area(r);
  return total <= kFullScreenShare * now.display_size.x * now.display_size.y;
}

// Overlapping regions become one; then, while there are too many, the pair whose union
// adds the least area.
void FrameDamage::merge_regions() {
  bool merged = true;
  while (merged) {
    merged = false;
    for (std::size_t i = 0; i < regions_.size() && !merged; ++i) {
      for (std::size_t j = i + 1; j < regions_.size() && !merged; ++j) {
        if (!touch(regions_[i], regions_[j])) continue;
        regions_[i] = unite(regions_[i], regions_[j]);
        regions_.erase(regions_.begin() + static_cast<std::ptrdiff_t>(j));
        merged = true;
      }
    }
  }
  while (regions_.size() > kMaxRegions) {
    std::size_t best_i = 0, best_j = 1;
    double best_growth = 1e300;
    for (std::size_t i = 0; i < regions_.size(); ++i) {
      for (std::size_t j = i + 1; j < regions_.size(); ++j) {
        const double growth = area(unite(regions_[i], regions_[j])) - area(regions_[i]) - area(regions_[j]);
        if (growth < best_growth) {
          best_growth = growth;
          best_i = i;
          best_j = j;
        }
      }
    }
    regions_[best_i] = unite(regions_[best_i], regions_[best_j]);
    regions_.erase(regions_.begin() + static_cast<std::ptrdiff_t>(best_j));
  }
}

std::optional<std::span<const ImVec4>> FrameDamage::compare(const ImDrawData& data, std::uint64_t frame_key) {
  take(data, frame_key, current_);
  const bool partial = find_changes(previous_, current_) && ++since_full_ < kFullRedrawEvery;
  std::swap(previous_, current_);
  valid_ = true;
  if (!partial) {
    since_full_ = 0;
    return std::nullopt;
  }
  return std::span<const ImVec4>(regions_);
}

RegionPresenter::RegionPresenter(GLFWwindow* window) {
  Display* display = glfwGetX11Display();
  if (display == nullptr) return;
  const char* extensions = glXQueryExtensionsString(display, DefaultScreen(display));
  if (extensions == nullptr || std::strstr(extensions, "GLX_MESA_copy_sub_buffer") == nullptr) return;
  copy_ = reinterpret_cast<CopySubBuffer>(glXGetProcAddress(reinterpret_cast<const GLubyte*>("glXCopySubBufferMESA")));
  display_ = display;
  drawable_ = glfwGetGLXWindow(window);
  window_ = glfwGetX11Window(window);
}

void RegionPresenter::present(std::span<const ImVec4> regions, const ImDrawData& data) const {
  for (const ImVec4& region : regions) {
    const FramebufferRect fb = to_framebuffer(region, data);
    if (fb.width > 0 && fb.height > 0) copy_(display_, drawable_, fb.x, fb.y, fb.width, fb.height);
  }
}

std::vector<unsigned char> RegionPresenter::read_window(int width, int height) const {
  std::vector<unsigned char> rgb(static_cast<std::size_t>(width) * height * 3);
  XImage* image = XGetImage(display_, window_, 0, 0, static_cast<unsigned>(width), static_cast<unsigned>(height),
                            AllPlanes, ZPixmap);
  if (image == nullptr) return {};
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const unsigned long pixel = XGetPixel(image, x, height - 1 - y);
      unsigned char* out = &rgb[(static_cast<std::size_t>(y) * width + x) * 3];
      out[0] = static_cast<unsigned char>((pixel & image->red_mask) >> __builtin_ctzl(image->red_mask));
      out[1] = static_cast<unsigned char>((pixel & image->green_mask) >> __builtin_ctzl(image->green_mask));
      out[2] = static_cast<unsigned char>((pixel & image->blue_mask) >> __builtin_ctzl(image->blue_mask));
    }
  }
  XDestroyImage(image);
  return rgb;
}

// Region minus the covered rectangles, as up to kMaxPieces rectangles; the whole region when
// the cut leaves more (cleared pixels are redrawn anyway, so more clearing is only slower).
void FrameDamage::clear_uncovered(const ImVec4& region, const ImDrawData& data) {
  constexpr std::size_t kMaxPieces = 16;
  pieces_.assign(1, region);
  for (const Command& c : previous_.commands) {
    if (!c.covers) continue;
    ImVec4 cover = intersect(c.area, c.clip);
    // Whole pixels strictly inside: the shader's own pixel rounding stays covered.
    cover = {std::ceil(cover.x) + 1.0f, std::ceil(cover.y) + 1.0f, std::floor(cover.z) - 1.0f, std::floor(cover.w) - 1.0f};
    if (empty(cover)) continue;
    next_pieces_.clear();
    for (const ImVec4& p : pieces_) {
      const ImVec4 cut = intersect(p, cover);
      if (empty(cut)) {
        next_pieces_.push_back(p);
        continue;
      }
      const std::array<ImVec4, 4> rest{{{p.x, p.y, p.z, cut.y},       // above
                                        {p.x, cut.w, p.z, p.w},       // below
                                        {p.x, cut.y, cut.x, cut.w},   // left
                                        {cut.z, cut.y, p.z, cut.w}}};  // right
      for (const ImVec4& piece : rest)
        if (!empty(piece)) next_pieces_.push_back(piece);
    }
    std::swap(pieces_, next_pieces_);
    if (pieces_.size() > kMaxPieces) {
      pieces_.assign(1, region);
      break;
    }
  }
  for (const ImVec4& p : pieces_) {
    const FramebufferRect fb = to_framebuffer(p, data);
    if (fb.width <= 0 || fb.height <= 0) continue;
    glScissor(fb.x, fb.y, fb.width, fb.height);
    glClear(GL_COLOR_BUFFER_BIT);
  }
}

void FrameDamage::render_regions(ImDrawData& data, float r, float g, float b) {
  clips_.clear();
  for_each_command(data, [&](const ImDrawCmd& command) { clips_.push_back(command.ClipRect); });
  glClearColor(r, g, b, 1.0f);
  for (const ImVec4& region : regions_) {
    glEnable(GL_SCISSOR_TEST);
    clear_uncovered(region, data);
    std::size_t i = 0;
    for_each_command(data, [&](ImDrawCmd& command) { command.ClipRect = intersect(clips_[i++], region); });
    ImGui_ImplOpenGL3_RenderDrawData(&data);
  }
  std::size_t i = 0;
  for_each_command(data, [&](ImDrawCmd& command) { command.ClipRect = clips_[i++]; });
  glDisable(GL_SCISSOR_TEST);
}

}  // namespace respira::app
