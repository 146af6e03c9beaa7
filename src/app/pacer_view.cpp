#include "pacer_view.hpp"

#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>
#include <GL/glext.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "app/app.hpp"
#include "data_files.hpp"

namespace respira::app {

namespace {

GLuint compile(GLenum kind, const std::filesystem::path& file) {
  const std::string source = read_text_file(file);
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

GLuint link(GLuint vertex, GLuint fragment, const std::filesystem::path& name) {
  const GLuint program = glCreateProgram();
  glAttachShader(program, vertex);
  glAttachShader(program, fragment);
  glLinkProgram(program);
  glDetachShader(program, vertex);
  glDetachShader(program, fragment);
  GLint ok = GL_FALSE;
  glGetProgramiv(program, GL_LINK_STATUS, &ok);
  if (ok != GL_TRUE) {
    char log[2048] = {};
    glGetProgramInfoLog(program, sizeof log, nullptr, log);
    glDeleteProgram(program);
    throw AppError{"shader program " + name.string() + " does not link: " + log, 1};
  }
  return program;
}

void set_colour(GLuint program, const char* name, const Rgb& c) {
  glUniform3f(glGetUniformLocation(program, name), c.r, c.g, c.b);
}

}  // namespace

struct PacerView::Impl {
  GLuint orb_program = 0;
  GLuint wave_program = 0;
  GLuint vertex_array = 0;

  // What the callbacks draw this frame; they run later, inside ImGui's render.
  struct Job {
    Impl* impl = nullptr;
    bool is_orb = true;
    ImVec2 min, max;
    OrbFrame orb;
    WaveFrame wave;
    Palette colours;
    // Offscreen target, resized with the widget.
    GLuint framebuffer = 0;
    GLuint texture = 0;
    GLsizei width = 0;
    GLsizei height = 0;
  };
  Job orb_job, wave_job;

  static void callback(const ImDrawList*, const ImDrawCmd* command) {
    Job& job = *static_cast<Job*>(command->UserCallbackData);
    job.impl->render(job, command->ClipRect);
  }

  static void ensure_target(Job& job, GLsizei width, GLsizei height) {
    if (job.framebuffer != 0 && job.width == width && job.height == height) return;
    if (job.framebuffer == 0) {
      glGenFramebuffers(1, &job.framebuffer);
      glGenTextures(1, &job.texture);
    }
    glBindTexture(GL_TEXTURE_2D, job.texture);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glBindFramebuffer(GL_FRAMEBUFFER, job.framebuffer);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, job.texture, 0);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    job.width = width;
    job.height = height;
  }

  static void release(Job& job) {
    glDeleteFramebuffers(1, &job.framebuffer);
    glDeleteTextures(1, &job.texture);
  }

  void render(Job& job, const ImVec4& clip) const {
    const ImDrawData* data = ImGui::GetDrawData();
    const ImVec2 scale = data->FramebufferScale;
    const float fb_height = data->DisplaySize.y * scale.y;
    const auto to_fb_x = [&](float x) { return (x - data->DisplayPos.x) * scale.x; };
    const auto to_fb_y = [&](float y) { return fb_height - (y - data->DisplayPos.y) * scale.y; };
    const float w = (job.max.x - job.min.x) * scale.x;
    const float h = (job.max.y - job.min.y) * scale.y;
    const float cx0 = std::max(clip.x, job.min.x), cy0 = std::max(clip.y, job.min.y);
    const float cx1 = std::min(clip.z, job.max.x), cy1 = std::min(clip.w, job.max.y);
    if (cx1 <= cx0 || cy1 <= cy0 || w < 2.0f || h < 2.0f) return;
    const auto small_w = static_cast<GLsizei>(std::ceil(w * kRenderScale));
    const auto small_h = static_cast<GLsizei>(std::ceil(h * kRenderScale));
    ensure_target(job, small_w, small_h);

    glBindFramebuffer(GL_FRAMEBUFFER, job.framebuffer);
    glViewport(0, 0, small_w, small_h);
    glDisable(GL_SCISSOR_TEST);
    glDisable(GL_BLEND);
    const GLuint program = job.is_orb ? orb_program : wave_program;
    glUseProgram(program);
    glUniform2f(glGetUniformLocation(program, "u_size"), static_cast<float>(small_w), static_cast<float>(small_h));
    glUniform1f(glGetUniformLocation(program, "u_scale"), static_cast<float>(small_w) / w);
    set_colour(program, "u_inhale_color", job.colours.inhale);
    set_colour(program, "u_exhale_color", job.colours.exhale);
    set_colour(program, "u_measured_color", job.colours.measured);
    set_colour(program, "u_background", job.colours.background);
    if (job.is_orb) {
      glUniform1f(glGetUniformLocation(program, "u_time"), job.orb.time_s);
      glUniform1f(glGetUniformLocation(program, "u_target"), job.orb.target);
      glUniform1f(glGetUniformLocation(program, "u_measured"), job.orb.measured);
      glUniform1f(glGetUniformLocation(program, "u_exhale"), job.orb.exhale);
      glUniform1f(glGetUniformLocation(program, "u_motion"), job.orb.motion);
      glUniform1f(glGetUniformLocation(program, "u_dim"), job.orb.dim);
      glUniform2f(glGetUniformLocation(program, "u_radius_range"), kOrbRadiusEmpty, kOrbRadiusFull);
    } else {
      glUniform2f(glGetUniformLocation(program, "u_band"), kWaveBottom, kWaveTop);
      glUniform4fv(glGetUniformLocation(program, "u_guide"), kWaveSamples / 4, job.wave.guide.data());
      glUniform4fv(glGetUniformLocation(program, "u_trace"), kWaveSamples / 4, job.wave.trace.data());
      glUniform4fv(glGetUniformLocation(program, "u_hue"), kWaveSamples / 4, job.wave.hue.data());
      glUniform1f(glGetUniformLocation(program, "u_now"), job.wave.now);
      glUniform1f(glGetUniformLocation(program, "u_dim"), job.wave.dim);
    }
    glBindVertexArray(vertex_array);
    glDrawArrays(GL_TRIANGLES, 0, 3);

    // Scale up into the widget, clipped like the ImGui window it sits in.
    glBindFramebuffer(GL_READ_FRAMEBUFFER, job.framebuffer);
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, 0);
    glEnable(GL_SCISSOR_TEST);
    glScissor(static_cast<GLint>(to_fb_x(cx0)), static_cast<GLint>(to_fb_y(cy1)),
              static_cast<GLsizei>((cx1 - cx0) * scale.x), static_cast<GLsizei>((cy1 - cy0) * scale.y));
    const auto x0 = static_cast<GLint>(to_fb_x(job.min.x));
    const auto y0 = static_cast<GLint>(to_fb_y(job.max.y));
    glBlitFramebuffer(0, 0, small_w, small_h, x0, y0, x0 + static_cast<GLint>(w), y0 + static_cast<GLint>(h),
                      GL_COLOR_BUFFER_BIT, GL_LINEAR);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
  }

  void queue(ImDrawList* list, Job& job) {
    list->AddCallback(&Impl::callback, &job);
    list->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
  }
};

PacerView::PacerView() : impl_(std::make_unique<Impl>()) {
  const auto vertex_file = require_data_file("shaders/fullscreen.vert");
  const auto orb_file = require_data_file("shaders/orb.frag");
  const auto wave_file = require_data_file("shaders/wave.frag");
  const GLuint vertex = compile(GL_VERTEX_SHADER, vertex_file);
  try {
    const GLuint orb = compile(GL_FRAGMENT_SHADER, orb_file);
    impl_->orb_program = link(vertex, orb, orb_file);
    glDeleteShader(orb);
    const GLuint wave = compile(GL_FRAGMENT_SHADER, wave_file);
    impl_->wave_program = link(vertex, wave, wave_file);
    glDeleteShader(wave);
  } catch (...) {
    glDeleteShader(vertex);
    glDeleteProgram(impl_->orb_program);
    throw;
  }
  glDeleteShader(vertex);
  glGenVertexArrays(1, &impl_->vertex_array);  // core profile: a draw needs a bound VAO
  impl_->orb_job.impl = impl_.get();
  impl_->wave_job.impl = impl_.get();
  impl_->wave_job.is_orb = false;
}

PacerView::~PacerView() {
  Impl::release(impl_->orb_job);
  Impl::release(impl_->wave_job);
  glDeleteVertexArrays(1, &impl_->vertex_array);
  glDeleteProgram(impl_->orb_program);
  glDeleteProgram(impl_->wave_program);
}

void PacerView::orb(ImDrawList* list, ImVec2 min, ImVec2 max, const OrbFrame& frame,
                    const Palette& colours) {
  Impl::Job& job = impl_->orb_job;
  job.min = min;
  job.max = max;
  job.orb = frame;
  job.colours = colours;
  impl_->queue(list, job);
}

void PacerView::wave(ImDrawList* list, ImVec2 min, ImVec2 max, const WaveFrame& frame,
                     const Palette& colours) {
  Impl::Job& job = impl_->wave_job;
  job.min = min;
  job.max = max;
  job.wave = frame;
  job.colours = colours;
  impl_->queue(list, job);
}

}  // namespace respira::app
