// The only file that knows GLFW and OpenGL setup: it opens the window, drives the frame
// loop at the display's rate (60 fps with vsync; a timed wait where there is no vsync, as
// under Xvfb, so it never spins), and implements the screenshot and benchmark modes the
// command line offers. Everything drawn comes from Ui (ImGui) and PacerView (our GLSL).

#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>
#include <GLFW/glfw3.h>
#include <stb_image_write.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/app.hpp"
#include "audio_guide.hpp"
#include "frame_damage.hpp"
#include "backends/imgui_impl_glfw.h"
#include "backends/imgui_impl_opengl3.h"
#include "imgui.h"
#include "pacer_view.hpp"
#include "session/repository.hpp"
#include "settings.hpp"
#include "software_renderer.hpp"
#include "source_choice.hpp"
#include "theme.hpp"
#include "trainer.hpp"
#include "ui.hpp"

namespace respira::app {

namespace {

constexpr double kFrameSeconds = 1.0 / 60.0;

const char* const kHeadlessCommands =
    "Without a display, use the headless commands:\n"
    "  respira analyze FILE                                   breath events and rates of a recording\n"
    "  respira live --source SPEC                             live rate and phase in the terminal\n"
    "  respira session record --patient ID --source SPEC --duration SECONDS";

std::string g_glfw_error;  // last GLFW error; GLFW reports through a C callback

void remember_glfw_error(int code, const char* description) {
  g_glfw_error = std::to_string(code) + ": " + description;
}

// Key commands (F1-F6, P, E, Esc) gathered by the GLFW callback for the next frame.
UiCommands g_commands;

// The window system lost (part of) what the window showed, e.g. another window covered it:
// a frame shown only in regions would leave the rest damaged, so the next one is whole.
bool g_exposed = false;
void on_refresh(GLFWwindow*) { g_exposed = true; }

void on_key(GLFWwindow*, int key, int, int action, int) {
  if (action != GLFW_PRESS) return;
  if (ImGui::GetCurrentContext() != nullptr && ImGui::GetIO().WantTextInput) return;
  switch (key) {
    case GLFW_KEY_F1: g_commands.go_to = Screen::start; break;
    case GLFW_KEY_F2: g_commands.go_to = Screen::live; break;
    case GLFW_KEY_F3: g_commands.go_to = Screen::review; break;
    case GLFW_KEY_F4: g_commands.go_to = Screen::progress; break;
    case GLFW_KEY_F5: g_commands.go_to = Screen::settings; break;
    case GLFW_KEY_F6: g_commands.go_to = Screen::clinic; break;
    case GLFW_KEY_P: g_commands.toggle_pause = true; break;
    case GLFW_KEY_E: g_commands.toggle_eyes_closed = true; break;
    case GLFW_KEY_ESCAPE: g_commands.stop = true; break;
    default: break;
  }
}

// Seconds since this process started (kernel start time), for honest start-up figures.
double process_age_s() {
  std::ifstream stat("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return -1.0;
  std::vector<std::string> fields;
  std::string field;
  for (char ch : text.substr(close + 2)) {
    if (ch == ' ') {
      fields.push_back(field);
      field.clear();
    } else {
      field += ch;
    }
  }
  if (fields.size() < 20) return -1.0;
  const double start_ticks = std::stod(fields[19]);  // field 22 of stat
  std::ifstream uptime_file("/proc/uptime");
  double uptime = 0.0;
  uptime_file >> uptime;
  return uptime - start_ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// CPU seconds used by this process (all threads, including the software rasteriser's).
double process_cpu_s() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

double peak_rss_mb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return -1.0;
}

// The benchmark's record: wall time of each stage of each frame after the warm-up. A
// frame is everything the window does for it except waiting for the next one: build (the
// trainer update and the ImGui frame), submit (GL calls), rasterise (glFinish, so Mesa's
// software rasteriser threads are counted) and present (SwapBuffers' copy to the window).
class FrameBenchmark {
 public:
  static constexpr int kWarmupFrames = 60;  // 1 s: shader variants compile on first use

  explicit FrameBenchmark(int frames) : wanted_(frames) {
    for (auto& stage : stages_) stage.reserve(static_cast<std::size_t>(frames));
  }
  bool done() const { return static_cast<int>(stages_[0].size()) >= wanted_; }

  // Stage boundaries in seconds: start, built, submitted, rasterised, presented.
  void record(int frame, const std::array<double, 5>& at) {
    if (frame == kWarmupFrames) cpu_start_s_ = process_cpu_s();
    if (frame < kWarmupFrames) return;
    for (std::size_t k = 0; k < stages_.size(); ++k) stages_[k].push_back((at[k + 1] - at[k]) * 1000.0);
    total_.push_back((at[4] - at[0]) * 1000.0);
  }

  void print(const AppOptions& options, const RasteriserSpread& rasteriser, double first_frame_age_s,
             double first_frame_s) const {
    const double cpu_ms = (process_cpu_s() - cpu_start_s_) * 1000.0 / static_cast<double>(total_.size());
    const char* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
    const char* threads = std::getenv("LP_NUM_THREADS");
    std::printf("renderer            %s (LP_NUM_THREADS %s)\n", renderer ? renderer : "?", threads ? threads : "unset");
    if (rasteriser.threads > 0)
      std::printf("rasteriser threads  %zu, one per CPU (%s)\n", rasteriser.threads, rasteriser.cpus.c_str());
    std::printf("frames              %zu of the live screen at %dx%d, paced at 60 fps, after %d warm-up frames\n",
                total_.size(), options.width, options.height, kWarmupFrames);
    std::printf("frame time ms       median %.2f  p95 %.2f  max %.2f  (build + submit + rasterise + present; idle wait excluded)\n",
                quantile(total_, 0.5), quantile(total_, 0.95), quantile(total_, 1.0));
    std::printf("  stage medians ms  build %.2f  submit %.2f  rasterise %.2f  present %.2f\n", quantile(stages_[0], 0.5),
                quantile(stages_[1], 0.5), quantile(stages_[2], 0.5), quantile(stages_[3], 0.5));
    std::printf("CPU per frame ms    %.2f  (all threads of this process, rasteriser threads included)\n", cpu_ms);
    std::printf("first frame         %.0f ms after process start (%.0f ms after the window code began)\n",
                first_frame_age_s * 1000.0, first_frame_s * 1000.0);
    std::printf("peak memory         %.1f MB (VmHWM)\n", peak_rss_mb());
    std::ifstream load("/proc/loadavg");
    double load_1min = -1.0;
    load >> load_1min;
    std::printf("machine load        %.2f (1-minute average over %ld CPUs; other work slows the rasteriser threads)\n",
                load_1min, sysconf(_SC_NPROCESSORS_ONLN));
  }

 private:
  static double quantile(std::vector<double> values, double q) {
    std::sort(values.begin(), values.end());
    const auto last = values.size() - 1;
    return values[std::min(last, static_cast<std::size_t>(q * static_cast<double>(values.size())))];
  }

  int wanted_;
  std::array<std::vector<double>, 4> stages_;
  std::vector<double> total_;
  double cpu_start_s_ = 0.0;
};

void draw_whole(ImDrawData& data, const Rgb& clear) {
  glClearColor(clear.r, clear.g, clear.b, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(&data);
}

std::vector<unsigned char> read_back(int width, int height) {
  std::vector<unsigned char> pixels(static_cast<std::size_t>(width) * height * 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  return pixels;
}

// --verify-redraw: a partially redrawn frame must be pixel for pixel the frame drawn whole.
class RedrawVerifier {
 public:
  void check(ImDrawData& data, const Rgb& clear, int width, int height, int frame) {
    const auto partial = read_back(width, height);
    draw_whole(data, clear);
    whole_ = read_back(width, height);
    ++checked_;
    compare(partial, "redrawn in part", width, height, frame);
  }
  // After the frame was shown in regions: the window must show the whole frame too.
  void check_shown(const RegionPresenter& presenter, int width, int height, int frame) {
    if (whole_.empty()) return;
    compare(presenter.read_window(width, height), "shown in regions", width, height, frame);
    whole_.clear();
  }
  int checked() const { return checked_; }

 private:
  void compare(const std::vector<unsigned char>& pixels, const char* what, int width, int height, int frame) const {
    for (std::size_t i = 0; i < whole_.size(); ++i) {
      if (pixels[i] == whole_[i]) continue;
      const auto pixel = static_cast<int>(i / 3);
      throw AppError{"frame " + std::to_string(frame) + " " + what + " differs from the whole frame at x " +
                         std::to_string(pixel % width) + ", y " + std::to_string(height - 1 - pixel / width),
                     1};
    }
  }
  std::vector<unsigned char> whole_;  // the last checked frame, drawn whole
  int checked_ = 0;
};

// Everything outside the draw data that colours every pixel: a change redraws the frame whole.
std::uint64_t frame_key(const Rgb& clear, int width, int height) {
  std::uint64_t key = 0;
  for (const float channel : {clear.r, clear.g, clear.b}) key = key * 1000003u + static_cast<std::uint64_t>(channel * 65535.0f);
  return (key * 1000003u + static_cast<std::uint64_t>(width)) * 1000003u + static_cast<std::uint64_t>(height);
}

void save_screenshot(const std::filesystem::path& path, int width, int height) {
  std::vector<unsigned char> pixels = read_back(width, height);
  const std::size_t row = static_cast<std::size_t>(width) * 3;
  for (int y = 0; y < height / 2; ++y) {  // GL rows run bottom-up, PNG rows top-down
    std::swap_ranges(pixels.begin() + y * row, pixels.begin() + (y + 1) * row,
                     pixels.begin() + (height - 1 - y) * row);
  }
  if (stbi_write_png(path.c_str(), width, height, 3, pixels.data(), static_cast<int>(row)) == 0) {
    throw AppError{"cannot write the screenshot " + path.string(), 1};
  }
}

struct Window {
  GLFWwindow* handle = nullptr;
  ~Window() {
    if (handle != nullptr) glfwDestroyWindow(handle);
    glfwTerminate();
  }
};

void rebuild_fonts(UiContext& context) {
  context.fonts = load_fonts(context.settings.font_size);
  apply_style(context.colours(), context.settings.font_size);
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
}

}  // namespace

int run_app(const AppOptions& options) {
  const auto entered = std::chrono::steady_clock::now();
  const char* display = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  const bool have_x11 = display != nullptr && *display != '\0';
  if (!have_x11 && (wayland == nullptr || *wayland == '\0')) {
    throw AppError{std::string("No display available: the trainer window needs a graphical session "
                               "(DISPLAY/WAYLAND_DISPLAY unset).\n") + kHeadlessCommands, 2};
  }
  const bool unattended = options.screenshot.has_value() || options.benchmark_frames > 0;
  const std::filesystem::path settings_path = default_settings_path();
  Settings settings = unattended ? Settings{} : load_settings(settings_path);
  if (!options.preset.empty()) settings.preset = options.preset;
  if (options.patient_id) settings.patient_id = *options.patient_id;
  settings.session_minutes = static_cast<float>(options.session_minutes);

  // The session store: the user's own, or --db; screenshots and benchmarks touch it only
  // when --db names one.
  std::unique_ptr<session::Repository> repository;
  std::optional<session::StoreLocation> store_location;
  std::string repository_note = "screenshot mode without --db";
  if (!unattended || options.database) {
    try {
      store_location = session::resolve_store_location(
          options.database ? std::optional<std::string>(options.database->string()) : std::nullopt);
      repository = session::open_repository(*store_location);
    } catch (const std::exception& e) {
      repository_note = e.what();
    }
  }

  // The sensor: first candidate that starts.
  const bool ask_for_mic = options.source_spec.empty() && settings.source_spec.empty();
  bool microphone_present = false;
  if (ask_for_mic) {
    try {
      microphone_present = !sensors::list_input_devices().empty();
    } catch (const std::exception&) {
      microphone_present = false;
    }
  }
  const auto candidates = source_candidates(options.source_spec, settings.source_spec, microphone_present);
  if (candidates.empty()) throw AppError{"no sensor given and the bundled recording is missing", 1};
  std::unique_ptr<Trainer> trainer;
  std::string first_error, source_note;
  for (const SourceChoice& choice : candidates) {
    auto candidate = std::make_unique<Trainer>(Trainer::Config{choice.spec, choice.loop},
                                               [](const std::string& spec) { return sensors::make_source(spec); },
                                               repository.get());
    try {
      candidate->connect();
      trainer = std::move(candidate);
      source_note = choice.note;
      break;
    } catch (const std::exception& e) {
      if (first_error.empty()) first_error = e.what();
    }
  }
  if (!trainer) throw AppError{first_error, 1};  // before any window appears

  glfwSetErrorCallback(&remember_glfw_error);
  if (glfwInit() != GLFW_TRUE) {
    throw AppError{"cannot open the display " + std::string(have_x11 ? display : wayland) + " (GLFW " + g_glfw_error +
                       ").\n" + kHeadlessCommands, 2};
  }
  Window window;
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_RESIZABLE, unattended ? GLFW_FALSE : GLFW_TRUE);
  window.handle = glfwCreateWindow(options.width, options.height, "Respira", nullptr, nullptr);
  if (window.handle == nullptr) {
    throw AppError{"cannot open an OpenGL 3.3 window (GLFW " + g_glfw_error + ")", 2};
  }
  glfwMakeContextCurrent(window.handle);
  glfwSwapInterval(options.benchmark_frames > 0 ? 0 : 1);
  const RasteriserSpread rasteriser = spread_software_rasteriser();
  glfwSetKeyCallback(window.handle, &on_key);  // before ImGui, which chains to it
  glfwSetWindowRefreshCallback(window.handle, &on_refresh);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  struct ImGuiShutdown {
    ~ImGuiShutdown() {
      ImGui_ImplOpenGL3_Shutdown();
      ImGui_ImplGlfw_Shutdown();
      ImGui::DestroyContext();
    }
  };
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ImGui_ImplGlfw_InitForOpenGL(window.handle, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  ImGuiShutdown imgui_shutdown;

  PacerView view;  // compiles our shaders now: a broken install fails before the first frame

  AudioGuide audio;
  UiContext context{*trainer, repository.get(), repository_note, settings, view, audio};
  if (repository) context.store_location = store_location;
  context.screen = options.screen;
  context.source_note = source_note;
  context.audio_allowed = !unattended;
  rebuild_fonts(context);
  Ui ui(context);
  const Rgb& start_colour = context.colours().background;
  const bool keeps_back_buffer = swap_keeps_back_buffer(window.handle, start_colour.r, start_colour.g, start_colour.b);
  FrameDamage damage(&PacerView::describe);
  // On such a system a partial frame is also shown by copying just its regions.
  const RegionPresenter presenter(window.handle);
  const bool present_regions = keeps_back_buffer && presenter.available();
  RedrawVerifier verifier;

  const bool practising = options.screen == Screen::live || options.screen == Screen::review ||
                          options.benchmark_frames > 0;
  if (practising) {
    SessionPlan plan;
    plan.mode = options.pacing == "adaptive"    ? PacingMode::adaptive
                : options.pacing == "resonance" ? PacingMode::resonance
                                                : PacingMode::preset;
    plan.preset_key = settings.preset;
    plan.minutes = options.session_minutes;
    trainer->begin(plan);
    if (options.benchmark_frames > 0 && context.screen == Screen::start) context.screen = Screen::live;
  }

  const double start_s = glfwGetTime();
  double first_frame_s = -1.0;
  double first_frame_age_s = -1.0;
  std::optional<FrameBenchmark> benchmark;
  if (options.benchmark_frames > 0) benchmark.emplace(options.benchmark_frames);
  int frames = 0;
  while (!glfwWindowShouldClose(window.handle)) {
    const double frame_start = glfwGetTime();
    if (context.fonts_dirty) {
      context.fonts_dirty = false;
      rebuild_fonts(context);
      damage.invalidate();  // the glyphs' texture changed under unchanged vertices
    }
    if (std::exchange(g_exposed, false)) damage.invalidate();
    context.wall_s = frame_start;
    trainer->update(frame_start);

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    const UiCommands commands = std::exchange(g_commands, UiCommands{});
    view.new_frame();
    ui.Draw(commands);
    ImGui::Render();
    const double built = glfwGetTime();

    int fb_width = 0, fb_height = 0;
    glfwGetFramebufferSize(window.handle, &fb_width, &fb_height);
    glViewport(0, 0, fb_width, fb_height);
    const Rgb& clear = context.colours().background;
    ImDrawData& draw_data = *ImGui::GetDrawData();
    const bool shoot = options.screenshot && frame_start - start_s >= options.after_s;
    // Where the swap keeps the back buffer, only what changed is drawn again (frame_damage.hpp).
    const auto regions = keeps_back_buffer ? damage.compare(draw_data, frame_key(clear, fb_width, fb_height))
                                           : std::nullopt;
    if (regions) {
      damage.render_regions(draw_data, clear.r, clear.g, clear.b);
      if (options.verify_redraw) verifier.check(draw_data, clear, fb_width, fb_height, frames);
    } else {
      draw_whole(draw_data, clear);
    }
    const double submitted = glfwGetTime();

    if (shoot) save_screenshot(*options.screenshot, fb_width, fb_height);
    if (benchmark) glFinish();  // count the (software) GPU work too
    const double finished = glfwGetTime();
    if (present_regions) {
      const ImVec4 whole{draw_data.DisplayPos.x, draw_data.DisplayPos.y, draw_data.DisplayPos.x + draw_data.DisplaySize.x,
                         draw_data.DisplayPos.y + draw_data.DisplaySize.y};
      presenter.present(regions ? *regions : std::span<const ImVec4>(&whole, 1), draw_data);
      if (options.verify_redraw) verifier.check_shown(presenter, fb_width, fb_height, frames);
    } else {
      glfwSwapBuffers(window.handle);
    }
    ++frames;
    if (first_frame_s < 0.0) {
      first_frame_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - entered).count();
      first_frame_age_s = process_age_s();
    }
    if (benchmark) {
      benchmark->record(frames - 1, {frame_start, built, submitted, finished, glfwGetTime()});
      if (benchmark->done()) break;
    }
    if (shoot) break;
    if (context.settings_dirty && !unattended) {
      context.settings_dirty = false;
      save_settings(settings, settings_path);
    }

    // Vsync blocks in SwapBuffers; where there is none (Xvfb, and the benchmark, which
    // keeps it off so the present is timed without the wait), wait out the rest of the
    // frame for events instead of spinning.
    const double left = kFrameSeconds - (glfwGetTime() - frame_start);
    if (left > 0.0) {
      glfwWaitEventsTimeout(left);
    } else {
      glfwPollEvents();
    }
  }
  if (trainer->state() == SessionState::running || trainer->state() == SessionState::paused) {
    trainer->finish(std::nullopt);  // closing the window keeps what was practised
  }

  if (benchmark) benchmark->print(options, rasteriser, first_frame_age_s, first_frame_s);
  if (options.verify_redraw) {
    if (keeps_back_buffer) {
      std::printf("verify-redraw: %d of %d frames were redrawn in part, each identical to the whole frame\n",
                  verifier.checked(), frames);
    } else {
      std::printf("verify-redraw: this display's swap does not keep the back buffer, so every frame was drawn whole\n");
    }
  }
  return 0;
}

}  // namespace respira::app
