#include "pacer_view.hpp"

#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>
#include <GL/glext.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstddef>
#include <string>
#include <utility>

#include "app/app.hpp"
#include "data_files.hpp"

namespace respira::app {

namespace {

constexpr std::size_t kMaxCards = 16;  // more in one frame fall back to ImGui's own fill
constexpr GLsizei kOrbSides = 16;      // as in shaders/orb.vert
constexpr float kHaloFaded = 0.5f;     // the orb's halo is gone this far out (shaders/orb.frag)

// The orb's radius for a lung volume 0..1, in units of its square's side.
float orb_radius(float volume) {
  return kOrbRadiusEmpty + (kOrbRadiusFull - kOrbRadiusEmpty) * std::clamp(volume, 0.0f, 1.0f);
}

// `defines` ("#define X\n" lines) go right after the file's #version line.
GLuint compile(GLenum kind, const std::filesystem::path& file, const std::string& defines = "") {
  std::string source = read_text_file(file);
  if (!defines.empty()) source.insert(source.find('\n') + 1, defines);
  const GLuint shader = glCreateShader(kind);
  const char* text = source.c_str();
  glShaderSource(shader, 1, &text, nullptr);
  glCompileShader(shader);
  GLint ok = GL_FALSE;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (ok != GL_TRUE) {
    char log[2048] = {};
    glGetShaderInfoLog(shader, sizeof log, nullptr, log);
    glDeleteShader(shader);
    throw AppError{"shader " + file.string() + " does not compile: " + log, 1};
  }
  return shader;
}

// Links shaders/<vertex> with shaders/<fragment>; the program names the fragment file.
GLuint build_program(const char* vertex_name, const char* fragment_name, const std::string& defines = "") {
  const auto vertex_file = require_data_file(std::filesystem::path("shaders") / vertex_name);
  const auto fragment_file = require_data_file(std::filesystem::path("shaders") / fragment_name);
  const GLuint vertex = compile(GL_VERTEX_SHADER, vertex_file);
  GLuint fragment = 0;
  try {
    fragment = compile(GL_FRAGMENT_SHADER, fragment_file, defines);
  } catch (...) {
    glDeleteShader(vertex);
    throw;
  }
  const GLuint program = glCreateProgram();
  glAttachShader(program, vertex);
  glAttachShader(program, fragment);
  glLinkProgram(program);
  glDetachShader(program, vertex);
  glDetachShader(program, fragment);
  glDeleteShader(vertex);
  glDeleteShader(fragment);
  GLint ok = GL_FALSE;
  glGetProgramiv(program, GL_LINK_STATUS, &ok);
  if (ok != GL_TRUE) {
    char log[2048] = {};
    glGetProgramInfoLog(program, sizeof log, nullptr, log);
    glDeleteProgram(program);
    throw AppError{"shader program " + fragment_file.string() + " does not link: " + log, 1};
  }
  return program;
}

// A linked program with the uniform locations looked up once.
struct Program {
  GLuint id = 0;
  GLint measured = -1, background = -1;  // the colours several shaders share

  explicit Program(GLuint program)
      : id(program), measured(at("u_measured_color")), background(at("u_background")) {}
  GLint at(const char* name) const { return glGetUniformLocation(id, name); }
};

void set_colour(GLint location, const Rgb& c) { glUniform3f(location, c.r, c.g, c.b); }

// One vertex of the wave's strips (shaders/wave.vert).
struct WaveVertex {
  float u, v;          // 0..1 across the wave's rectangle, y up
  float value, strength, across;
  Rgb colour;
};

// FNV-1a over the bytes of plain float data (no padding inside).
class Hash {
 public:
  template <typename T>
  Hash& add(const T& value) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(&value);
    for (std::size_t i = 0; i < sizeof value; ++i) value_ = (value_ ^ bytes[i]) * 1099511628211ull;
    return *this;
  }
  std::uint64_t value() const { return value_; }

 private:
  std::uint64_t value_ = 14695981039346656037ull;
};

}  // namespace

struct PacerView::Impl {
  struct OrbProgram : Program {
    GLint unit, radius, inv_radius, measured_radius, tint, halo, highlight, drift, motion, show_ring, dim, ring;
    explicit OrbProgram(GLuint program)
        : Program(program), unit(at("u_unit")), radius(at("u_radius")), inv_radius(at("u_inv_radius")),
          measured_radius(at("u_measured")),
          tint(at("u_tint")), halo(at("u_halo")), highlight(at("u_highlight")), drift(at("u_drift")),
          motion(at("u_motion")), show_ring(at("u_show_ring")), dim(at("u_dim")), ring(at("u_ring")) {}
  };
  struct FlatProgram : Program {
    GLint colour, ring;  // ring: orb.vert's, when drawn with it
    explicit FlatProgram(GLuint program) : Program(program), colour(at("u_colour")), ring(at("u_ring")) {}
  };
  struct WaveLineProgram : Program {
    GLint glow, reach, wash, ground;
    explicit WaveLineProgram(GLuint program)
        : Program(program), glow(at("u_glow")), reach(at("u_reach")), wash(at("u_wash")),
          ground(at("u_ground")) {}
  };
  struct CardProgram : Program {
    GLint rect, rounding, fill;
    explicit CardProgram(GLuint program)
        : Program(program), rect(at("u_rect")), rounding(at("u_rounding")), fill(at("u_fill")) {}
  };

  // What the callbacks draw this frame; they run later, inside ImGui's render.
  enum class Kind { orb, wave, card };
  struct Job {
    Impl* impl = nullptr;
    Kind kind = Kind::orb;
    ImVec2 min, max;
    Palette colours{};
    float rounding = 0.0f;
    Rgb fill{};
  };

  // The wave's strips share one vertex buffer: the guide's ribbon (from the bottom to
  // kGuideReach above the curve, for the wash under it), the measured breath's (its known
  // stretches only), and the ground above the guide's ribbon up to the top. The first and
  // the last meet along the same vertices, so together they paint every pixel once.
  static constexpr std::size_t kStrip = 2 * kWaveSamples;
  static constexpr float kGuideReach = 36.0f;     // ribbon half widths in pixels: where
  static constexpr float kMeasuredReach = 26.0f;  // each glow has faded below 1/255

  OrbProgram orb_program;
  OrbProgram halo_program;  // orb.frag with HALO_ONLY: the ring outside the orb
  FlatProgram flat_orb_program;  // flat.frag with orb.vert: the square's corners past the halo
  FlatProgram flat_wave_program;  // with wave.vert: the ground above the guide
  WaveLineProgram wave_line_program;
  WaveLineProgram guide_program;  // wave_line.frag with OVER_GROUND: opaque over the ground
  CardProgram card_program;
  FlatProgram flat_card_program;  // with fullscreen.vert: a card's band between the corners
  GLuint empty_vertex_array = 0;  // core profile: even the attribute-less triangle needs a VAO
  GLuint wave_vertex_array = 0;
  GLuint wave_buffer = 0;
  Job orb_job, wave_job;
  std::array<Job, kMaxCards> card_jobs;
  std::size_t cards_used = 0;
  OrbFrame orb;
  std::array<WaveVertex, 3 * kStrip> wave_vertices{};  // guide, measured, ground above
  Rgb ground{};
  std::array<std::pair<int, int>, kWaveSamples / 2 + 1> measured_runs{};  // first sample, count
  std::size_t measured_run_count = 0;

  Impl()
      : orb_program(build_program("orb.vert", "orb.frag")),
        halo_program(build_program("orb.vert", "orb.frag", "#define HALO_ONLY\n")),
        flat_orb_program(build_program("orb.vert", "flat.frag")),
        flat_wave_program(build_program("wave.vert", "flat.frag")),
        wave_line_program(build_program("wave.vert", "wave_line.frag")),
        guide_program(build_program("wave.vert", "wave_line.frag", "#define OVER_GROUND\n")),
        card_program(build_program("fullscreen.vert", "card.frag")),
        flat_card_program(build_program("fullscreen.vert", "flat.frag")) {
    glGenVertexArrays(1, &empty_vertex_array);
    glGenVertexArrays(1, &wave_vertex_array);
    glGenBuffers(1, &wave_buffer);
    glBindVertexArray(wave_vertex_array);
    glBindBuffer(GL_ARRAY_BUFFER, wave_buffer);
    glBufferData(GL_ARRAY_BUFFER, sizeof wave_vertices, nullptr, GL_STREAM_DRAW);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(WaveVertex), nullptr);
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 3, GL_FLOAT, GL_FALSE, sizeof(WaveVertex),
                          reinterpret_cast<const void*>(offsetof(WaveVertex, value)));
    glEnableVertexAttribArray(2);
    glVertexAttribPointer(2, 3, GL_FLOAT, GL_FALSE, sizeof(WaveVertex),
                          reinterpret_cast<const void*>(offsetof(WaveVertex, colour)));
    glBindVertexArray(0);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
    orb_job.impl = wave_job.impl = this;
    wave_job.kind = Kind::wave;
    for (Job& job : card_jobs) {
      job.impl = this;
      job.kind = Kind::card;
    }
  }

  ~Impl() {
    glDeleteBuffers(1, &wave_buffer);
    glDeleteVertexArrays(1, &wave_vertex_array);
    glDeleteVertexArrays(1, &empty_vertex_array);
    for (GLuint program : {orb_program.id, halo_program.id, flat_orb_program.id, flat_wave_program.id,
                           wave_line_program.id, guide_program.id, card_program.id, flat_card_program.id}) {
      glDeleteProgram(program);
    }
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  static void callback(const ImDrawList*, const ImDrawCmd* command) {
    Job& job = *static_cast<Job*>(command->UserCallbackData);
    job.impl->render(job, command->ClipRect);
  }

  void render(const Job& job, const ImVec4& clip) {
    // Framebuffer pixels, y up, as GL wants them.
    const ImDrawData* data = ImGui::GetDrawData();
    const ImVec2 scale = data->FramebufferScale;
    const float fb_height = data->DisplaySize.y * scale.y;
    const auto to_fb_x = [&](float x) { return (x - data->DisplayPos.x) * scale.x; };
    const auto to_fb_y = [&](float y) { return fb_height - (y - data->DisplayPos.y) * scale.y; };
    const float cx0 = std::max(clip.x, job.min.x), cy0 = std::max(clip.y, job.min.y);
    const float cx1 = std::min(clip.z, job.max.x), cy1 = std::min(clip.w, job.max.y);
    const auto x0 = static_cast<GLint>(std::lround(to_fb_x(job.min.x)));
    const auto y0 = static_cast<GLint>(std::lround(to_fb_y(job.max.y)));
    const auto w = static_cast<GLsizei>(std::lround((job.max.x - job.min.x) * scale.x));
    const auto h = static_cast<GLsizei>(std::lround((job.max.y - job.min.y) * scale.y));
    if (cx1 <= cx0 || cy1 <= cy0 || w < 2 || h < 2) return;
    glViewport(x0, y0, w, h);
    glEnable(GL_SCISSOR_TEST);
    const GLint scissor[4] = {static_cast<GLint>(to_fb_x(cx0)), static_cast<GLint>(to_fb_y(cy1)),
                              static_cast<GLint>(std::ceil((cx1 - cx0) * scale.x)),
                              static_cast<GLint>(std::ceil((cy1 - cy0) * scale.y))};
    glScissor(scissor[0], scissor[1], scissor[2], scissor[3]);
    glDisable(GL_BLEND);  // the orb, the ground and the cards paint opaque pixels over what they know lies beneath
    switch (job.kind) {
      case Kind::orb: draw_orb(job, w, h); break;
      case Kind::wave: draw_wave(); break;
      case Kind::card: draw_card(job, to_fb_x(job.min.x), to_fb_y(job.max.y), to_fb_x(job.max.x), to_fb_y(job.min.y),
                                 job.rounding * scale.x, scissor); break;
    }
  }

  // Three passes over a 16-sided ring (orb.vert): the background from where the halo has
  // faded (half a side from the centre, orb.frag) out to the square's corners, the halo
  // from just inside the orb's rim to there, then the full shader over the disc inside, so
  // the body's lighting is computed only where the body is.
  void draw_orb(const Job& job, GLsizei w, GLsizei h) const {
    const float unit = static_cast<float>(std::min(w, h));
    const float radius = orb_radius(orb.target);
    const float disc = radius + 3.0f / unit;  // the rim's anti-aliasing reaches 1.2 px out
    glBindVertexArray(empty_vertex_array);
    glUseProgram(flat_orb_program.id);
    set_colour(flat_orb_program.colour, job.colours.background);
    glUniform2f(flat_orb_program.ring, kHaloFaded, 0.7072f);  // half the square's diagonal
    glDrawArrays(GL_TRIANGLES, 0, kOrbSides * 6);
    set_orb_uniforms(halo_program, job, unit, radius);
    glUniform2f(halo_program.ring, disc, kHaloFaded);
    glDrawArrays(GL_TRIANGLES, 0, kOrbSides * 6);
    set_orb_uniforms(orb_program, job, unit, radius);
    glUniform2f(orb_program.ring, 0.0f, disc);
    glDrawArrays(GL_TRIANGLES, 0, kOrbSides * 6);
  }

  void set_orb_uniforms(const OrbProgram& p, const Job& job, float unit, float radius) const {
    const Palette& c = job.colours;
    constexpr float kTurn = 6.2831853f;
    const float measured = orb.measured < 0.0f ? -1.0f : orb_radius(orb.measured);
    glUseProgram(p.id);
    glUniform1f(p.unit, unit);
    glUniform1f(p.radius, radius);
    glUniform1f(p.inv_radius, 1.0f / radius);
    glUniform1f(p.measured_radius, measured);
    set_colour(p.tint, mix(c.inhale, c.exhale, orb.exhale));
    glUniform1f(p.halo, 0.10f + 0.22f * orb.target);
    glUniform3f(p.highlight, -0.25f * radius, 0.32f * radius, -4.1218f / (radius * radius));  // exp(-d^2 / 0.35 r^2)
    glUniform2f(p.drift, -std::fmod(orb.time_s * 0.9f / kTurn, 1.0f), std::fmod(orb.time_s * 0.3f / kTurn, 1.0f));
    glUniform1f(p.motion, 0.06f * orb.motion);
    glUniform1f(p.show_ring, 1.0f - orb.dim);
    glUniform1f(p.dim, 0.9f * orb.dim);
    set_colour(p.measured, c.measured);
    set_colour(p.background, c.background);
  }

  void draw_wave() const {
    glBindVertexArray(wave_vertex_array);
    glBindBuffer(GL_ARRAY_BUFFER, wave_buffer);
    glBufferSubData(GL_ARRAY_BUFFER, 0, sizeof wave_vertices, wave_vertices.data());

    glUseProgram(flat_wave_program.id);
    set_colour(flat_wave_program.colour, ground);
    glDrawArrays(GL_TRIANGLE_STRIP, 2 * kStrip, kStrip);
    // Guide: a soft core and a long tail (about exp(-d^2/5) + 0.22 exp(-d/12)), full stroke.
    // Under it, a wash of 7 % of its colour, fading toward the bottom.
    glUseProgram(guide_program.id);
    set_colour(guide_program.ground, ground);
    glUniform4f(guide_program.glow, 1.0f, -0.1202f, 0.22f, 1.0f);
    glUniform1f(guide_program.reach, 1.0f / (kGuideReach * kGuideReach));
    glUniform1f(guide_program.wash, 0.07f);
    glDrawArrays(GL_TRIANGLE_STRIP, 0, kStrip);

    glEnable(GL_BLEND);
    glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
    const WaveLineProgram& p = wave_line_program;
    glUseProgram(p.id);
    // Measured breath: a fainter tail (0.16 exp(-d/8)) and a near-opaque stroke.
    glUniform4f(p.glow, 0.0f, -0.1803f, 0.16f, 0.95f);
    glUniform1f(p.reach, 1.0f / (kMeasuredReach * kMeasuredReach));
    glUniform1f(p.wash, 0.0f);
    for (std::size_t r = 0; r < measured_run_count; ++r) {
      glDrawArrays(GL_TRIANGLE_STRIP, static_cast<GLint>(kStrip) + 2 * measured_runs[r].first,
                   2 * measured_runs[r].second);
    }
  }

  // Three scissored passes: the flat band between the rounded ends, then the full
  // shader only over the top and bottom strips that hold the corners.
  void draw_card(const Job& job, float x0, float y0, float x1, float y1, float rounding, const GLint clip[4]) const {
    const auto left = static_cast<GLint>(std::floor(x0)), right = static_cast<GLint>(std::ceil(x1));
    const auto bottom = static_cast<GLint>(std::floor(y0)), top = static_cast<GLint>(std::ceil(y1));
    const GLint corner = std::min(static_cast<GLint>(std::ceil(rounding)) + 1, (top - bottom) / 2);
    const auto scissor = [&](GLint from_y, GLint to_y) {  // rows [from_y, to_y) of the card, clipped
      const GLint sx0 = std::max(left, clip[0]), sx1 = std::min(right, clip[0] + clip[2]);
      const GLint sy0 = std::max(from_y, clip[1]), sy1 = std::min(to_y, clip[1] + clip[3]);
      if (sx1 <= sx0 || sy1 <= sy0) return false;
      glScissor(sx0, sy0, sx1 - sx0, sy1 - sy0);
      return true;
    };
    glBindVertexArray(empty_vertex_array);
    glUseProgram(flat_card_program.id);
    set_colour(flat_card_program.colour, job.fill);
    if (scissor(bottom + corner, top - corner)) glDrawArrays(GL_TRIANGLES, 0, 3);
    const CardProgram& p = card_program;
    glUseProgram(p.id);
    glUniform4f(p.rect, x0, y0, x1, y1);
    glUniform1f(p.rounding, rounding);
    set_colour(p.fill, job.fill);
    set_colour(p.background, job.colours.background);
    if (scissor(bottom, bottom + corner)) glDrawArrays(GL_TRIANGLES, 0, 3);
    if (scissor(top - corner, top)) glDrawArrays(GL_TRIANGLES, 0, 3);
  }

  // Builds the wave's ribbons for a rectangle of `width` x `height` pixels.
  void build_wave(const WaveFrame& frame, const Palette& c, float width, float height) {
    const auto volume_px = [&](float volume) { return (kWaveBottom + (kWaveTop - kWaveBottom) * volume) * height; };
    const float step_px = width / (kWaveSamples - 1);
    const float brightness = 1.0f - 0.88f * frame.dim;  // eyes closed: a faint wave
    const auto scaled = [](const Rgb& colour, float k) { return Rgb{colour.r * k, colour.g * k, colour.b * k}; };
    // A little lighter than the window: one colour, the fastest fill (flat.frag).
    ground = scaled(c.background, 1.03f * brightness);
    // A ribbon `reach` pixels above a curve (and below it, or down to the bottom),
    // measured across it: its vertical extent at each sample grows with the local slope.
    // The vertices carry their vertical offsets, which interpolate exactly (the curve is
    // straight within a column), and the cosine of the slope, which turns them into the
    // distance across.
    const auto ribbon = [&](std::size_t at, int i, float y, float y_before, float y_after, float reach,
                            bool to_bottom, float strength, const Rgb& colour) {
      const float slope = (y_after - y_before) / (2.0f * step_px);
      const float across = 1.0f / std::sqrt(1.0f + slope * slope);
      const float half = reach / across;
      const float below = to_bottom ? y : half;
      const float u = static_cast<float>(i) / (kWaveSamples - 1);
      const auto k = static_cast<std::size_t>(i);
      const Rgb shown = scaled(colour, brightness);
      wave_vertices[at + 2 * k] = {u, (y - below) / height, -below, strength, across, shown};
      wave_vertices[at + 2 * k + 1] = {u, (y + half) / height, half, strength, across, shown};
    };
    measured_run_count = 0;
    for (int i = 0; i < kWaveSamples; ++i) {
      const auto k = static_cast<std::size_t>(i);
      const std::size_t before = i > 0 ? k - 1 : k, after = i + 1 < kWaveSamples ? k + 1 : k;
      const float u = static_cast<float>(i) / (kWaveSamples - 1);
      const float strength = u < frame.now ? 0.55f : 1.0f;  // the past is dimmer
      const Rgb colour = mix(c.inhale, c.exhale, frame.hue[k]);
      const float y = volume_px(frame.guide[k]);
      ribbon(0, i, y, volume_px(frame.guide[before]), volume_px(frame.guide[after]), kGuideReach, true, strength,
             colour);
      // The ground above: from the top edge of the guide's ribbon to the rectangle's top.
      const WaveVertex& ribbon_top = wave_vertices[2 * k + 1];
      wave_vertices[2 * kStrip + 2 * k] = {u, std::min(ribbon_top.v, 1.0f), 0.0f, 0.0f, 1.0f, Rgb{}};
      wave_vertices[2 * kStrip + 2 * k + 1] = {u, 1.0f, 0.0f, 0.0f, 1.0f, Rgb{}};
      if (frame.trace[k] < 0.0f) continue;
      const float m = volume_px(frame.trace[k]);
      const float m_before = frame.trace[before] < 0.0f ? m : volume_px(frame.trace[before]);
      const float m_after = frame.trace[after] < 0.0f ? m : volume_px(frame.trace[after]);
      ribbon(kStrip, i, m, m_before, m_after, kMeasuredReach, false, 1.0f, c.measured);
      if (i > 0 && frame.trace[before] >= 0.0f) {
        ++measured_runs[measured_run_count - 1].second;  // continues the stretch begun before
      } else {
        measured_runs[measured_run_count++] = {i, 1};
      }
    }
  }

  static void queue(ImDrawList* list, Job& job) {
    list->AddCallback(&Impl::callback, &job);
    list->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
  }
};

CallbackArea PacerView::describe(const ImDrawCmd& command) {
  if (command.UserCallback != &Impl::callback) {
    static std::uint64_t unknown = 0;
    return {command.ClipRect, ++unknown, false};
  }
  const Impl::Job& job = *static_cast<const Impl::Job*>(command.UserCallbackData);
  const Impl& impl = *job.impl;
  Hash hash;
  hash.add(job.kind).add(job.min).add(job.max);
  switch (job.kind) {
    case Impl::Kind::orb: hash.add(job.colours).add(impl.orb); break;
    case Impl::Kind::wave:
      hash.add(impl.wave_vertices).add(impl.ground).add(impl.measured_run_count);
      for (std::size_t r = 0; r < impl.measured_run_count; ++r) hash.add(impl.measured_runs[r]);
      break;
    case Impl::Kind::card: hash.add(job.rounding).add(job.fill).add(job.colours.background); break;
  }
  // Every kind paints each pixel of its rectangle opaquely (the orb's square included).
  return {{job.min.x, job.min.y, job.max.x, job.max.y}, hash.value(), true};
}

PacerView::PacerView() : impl_(std::make_unique<Impl>()) {}

PacerView::~PacerView() = default;

void PacerView::new_frame() { impl_->cards_used = 0; }

void PacerView::orb(ImDrawList* list, ImVec2 min, ImVec2 max, const OrbFrame& frame, const Palette& colours) {
  Impl::Job& job = impl_->orb_job;
  job.min = min;
  job.max = max;
  job.colours = colours;
  impl_->orb = frame;
  Impl::queue(list, job);
}

void PacerView::wave(ImDrawList* list, ImVec2 min, ImVec2 max, const WaveFrame& frame, const Palette& colours) {
  Impl::Job& job = impl_->wave_job;
  job.min = min;
  job.max = max;
  job.colours = colours;
  impl_->build_wave(frame, colours, max.x - min.x, max.y - min.y);
  Impl::queue(list, job);
}

void PacerView::card(ImDrawList* list, ImVec2 min, ImVec2 max, float rounding, const Rgb& fill,
                     const Rgb& background) {
  if (impl_->cards_used == kMaxCards) {
    list->AddRectFilled(min, max, fill.u32(), rounding);
    return;
  }
  Impl::Job& job = impl_->card_jobs[impl_->cards_used++];
  job.min = min;
  job.max = max;
  job.rounding = rounding;
  job.fill = fill;
  job.colours.background = background;
  Impl::queue(list, job);
}

}  // namespace respira::app
