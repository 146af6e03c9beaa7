#pragma once
// Redraw only what changed. On a software renderer every shaded pixel is CPU time (Mesa's
// llvmpipe: about 7 ns a pixel here whatever the shader), and most of the live screen - the
// header, the cards and their labels - is the same from one frame to the next while the
// orb and the wave move. FrameDamage compares this frame's ImGui draw data with the last
// one's and returns the rectangles that differ; the window then clears and draws only
// inside those, and the back buffer keeps the rest.
//
// That last part is not promised by OpenGL: after SwapBuffers the back buffer's contents
// are undefined. A copying swap (Mesa's software GLX, as under Xvfb) keeps them, a flipping
// one (most GPU drivers) does not. swap_keeps_back_buffer() asks the running system by
// drawing, swapping and reading back; where it answers no, every frame is drawn whole.
//
// Clearing a region is not free either (llvmpipe draws a scissored clear like any
// triangle: about 1 ms for the orb's square and the wave), so a region is cleared only
// where no opaque shader callback will paint over it anyway.
//
// How a change is found: each draw command's triangles (their vertices, byte for byte) are
// compared with the last frame's like two texts - the common start and end are unchanged,
// the bounding box of the rest changed. Our own shader
// callbacks (orb, wave, cards) describe themselves by their rectangle and a hash of what
// they draw. Anything that changes the structure (a popup, another screen, a new window
// size) redraws everything, and so does every 30th frame, so no missed change can stay
// on screen for more than half a second; the window also invalidates it when the window
// system reports the window exposed (its shown pixels lost).

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "imgui.h"

struct GLFWwindow;
struct _XDisplay;  // Xlib's Display, named without including Xlib here

namespace respira::app {

// What a callback draw command paints: its rectangle (display coordinates), a hash of
// everything that decides its pixels, and whether it paints every pixel of the rectangle
// opaquely (then a partial redraw need not clear beneath it).
struct CallbackArea {
  ImVec4 rect;
  std::uint64_t hash = 0;
  bool covers = false;
};
using DescribeCallback = CallbackArea (*)(const ImDrawCmd& command);

// Draws two frames of flat colour, reading the back buffer after each swap. Call once,
// right after the window's context is made current, before the first real frame.
bool swap_keeps_back_buffer(GLFWwindow* window, float r, float g, float b);

class FrameDamage {
 public:
  static constexpr int kFullRedrawEvery = 30;  // frames
  static constexpr std::size_t kMaxRegions = 4;

  explicit FrameDamage(DescribeCallback describe) : describe_(describe) {}

  // Compares `data` with the previous frame. Returns the rectangles to redraw (display
  // coordinates, at most kMaxRegions, possibly none), or nothing when the whole frame must
  // be drawn. `frame_key` is anything else that colours every pixel (e.g. the clear colour);
  // a different key redraws everything.
  std::optional<std::span<const ImVec4>> compare(const ImDrawData& data, std::uint64_t frame_key);

  // Forget the previous frame (e.g. after fonts were rebuilt): the next frame is drawn whole.
  void invalidate() { valid_ = false; }

  // Draws the frame last compared only inside its regions: each region is cleared to the
  // colour where no covering callback paints, and every command is clipped to it.
  void render_regions(ImDrawData& data, float r, float g, float b);

 private:
  struct Command {
    ImVec4 clip;
    ImTextureID texture;
    bool callback;
    std::uint64_t hash;  // callbacks: their own; else unused
    ImVec4 area;         // callbacks: what they paint
    bool covers;         // callbacks: every pixel of area, opaquely (within clip)
    std::size_t first, count;  // triangles, in triangles_
  };
  struct Snapshot {
    std::vector<Command> commands;
    std::vector<std::array<ImDrawVert, 3>> triangles;
    std::vector<int> list_sizes;  // commands per draw list
    ImVec2 display_size;
    std::uint64_t key = 0;
  };

  void take(const ImDrawData& data, std::uint64_t frame_key, Snapshot& out) const;
  bool find_changes(const Snapshot& before, const Snapshot& now);
  void add_region(const ImVec4& rect, const ImVec4& clip);
  void merge_regions();
  void clear_uncovered(const ImVec4& region, const ImDrawData& data);

  DescribeCallback describe_;
  Snapshot previous_, current_;
  std::vector<ImVec4> regions_;
  std::vector<ImVec4> pieces_, next_pieces_;  // scratch for clear_uncovered
  std::vector<ImVec4> clips_;                 // scratch for render_regions
  bool valid_ = false;
  int since_full_ = 0;
};

// Puts regions of the back buffer on screen without a swap (GLX_MESA_copy_sub_buffer, which
// Mesa offers on X11), so a partial frame also costs only its pixels to show, and the back
// buffer, never swapped, keeps its contents as GL defines it. `window`'s context must be current.
class RegionPresenter {
 public:
  explicit RegionPresenter(GLFWwindow* window);
  bool available() const { return copy_ != nullptr; }
  // Regions in display coordinates, as from FrameDamage (or the whole display).
  void present(std::span<const ImVec4> regions, const ImDrawData& data) const;
  // What the window shows, as RGB rows from the bottom up (like glReadPixels), for checks.
  std::vector<unsigned char> read_window(int width, int height) const;

 private:
  using CopySubBuffer = void (*)(::_XDisplay* display, unsigned long drawable, int x, int y, int width, int height);
  ::_XDisplay* display_ = nullptr;
  unsigned long drawable_ = 0;  // the GLX window the copies go to
  unsigned long window_ = 0;    // the X window behind it, which read_window reads
  CopySubBuffer copy_ = nullptr;
};


}  // namespace respira::app
