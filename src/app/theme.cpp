#include "theme.hpp"

#include <filesystem>

#include "data_files.hpp"

namespace respira::app {

namespace {

constexpr Rgb hex(unsigned rgb) {
  return {static_cast<float>((rgb >> 16) & 0xFF) / 255.0f,
          static_cast<float>((rgb >> 8) & 0xFF) / 255.0f, static_cast<float>(rgb & 0xFF) / 255.0f};
}

const Palette kCalm{hex(0x0F1724), hex(0x172233), hex(0xE6ECF2), hex(0x8C9AAB), hex(0x56B4E9),
                    hex(0xE69F00), hex(0xF4F1EA), hex(0x009E73), hex(0xD55E00)};
const Palette kHighContrast{hex(0x000000), hex(0x14181F), hex(0xFFFFFF), hex(0xB8C2CC),
                            hex(0x0072B2), hex(0xD55E00), hex(0xFFFFFF), hex(0x009E73),
                            hex(0xE69F00)};

std::filesystem::path font_file(const char* name) {
  if (auto bundled = find_data_file(std::filesystem::path("assets/fonts") / name)) return *bundled;
  const std::filesystem::path system = std::filesystem::path("/usr/share/fonts/truetype/dejavu") / name;
  std::error_code error;
  return std::filesystem::is_regular_file(system, error) ? system : std::filesystem::path{};
}

}  // namespace

const Palette& palette(PaletteChoice choice) {
  return choice == PaletteChoice::high_contrast ? kHighContrast : kCalm;
}

Fonts load_fonts(float body_px) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  const std::filesystem::path regular = font_file("DejaVuSans.ttf");
  const std::filesystem::path light = font_file("DejaVuSans-ExtraLight.ttf");
  Fonts fonts;
  if (regular.empty()) {
    ImFontConfig config;
    config.SizePixels = body_px;
    fonts.body = fonts.heading = fonts.display = io.Fonts->AddFontDefault(&config);
    return fonts;
  }
  static const ImWchar kRanges[] = {0x0020, 0x00FF, 0x2010, 0x2027, 0x2190, 0x21FF,
                                    0x2212, 0x2212, 0x25A0, 0x25FF, 0};
  fonts.body = io.Fonts->AddFontFromFileTTF(regular.c_str(), body_px, nullptr, kRanges);
  fonts.heading = io.Fonts->AddFontFromFileTTF(regular.c_str(), body_px * 1.35f, nullptr, kRanges);
  fonts.display = io.Fonts->AddFontFromFileTTF((light.empty() ? regular : light).c_str(),
                                               body_px * 2.6f, nullptr, kRanges);
  return fonts;
}

void apply_style(const Palette& c, float body_px) {
  ImGuiStyle style;
  ImGui::StyleColorsDark(&style);
  const float unit = body_px / 18.0f;
  style.WindowRounding = 0.0f;
  style.ChildRounding = 10.0f * unit;
  style.FrameRounding = 7.0f * unit;
  style.GrabRounding = 7.0f * unit;
  style.PopupRounding = 8.0f * unit;
  style.WindowPadding = {22.0f * unit, 18.0f * unit};
  style.FramePadding = {12.0f * unit, 7.0f * unit};
  style.ItemSpacing = {12.0f * unit, 10.0f * unit};
  style.ItemInnerSpacing = {8.0f * unit, 6.0f * unit};
  style.ScrollbarSize = 12.0f * unit;
  style.GrabMinSize = 14.0f * unit;
  style.WindowBorderSize = 0.0f;
  style.ChildBorderSize = 0.0f;
  style.FrameBorderSize = 0.0f;

  ImVec4* col = style.Colors;
  const Rgb accent = c.inhale;
  col[ImGuiCol_WindowBg] = c.background.vec4();
  col[ImGuiCol_ChildBg] = c.surface.vec4();
  col[ImGuiCol_PopupBg] = c.surface.vec4(0.98f);
  col[ImGuiCol_Text] = c.text.vec4();
  col[ImGuiCol_TextDisabled] = c.muted.vec4();
  col[ImGuiCol_Border] = c.muted.vec4(0.25f);
  col[ImGuiCol_FrameBg] = c.muted.vec4(0.16f);
  col[ImGuiCol_FrameBgHovered] = accent.vec4(0.18f);
  col[ImGuiCol_FrameBgActive] = accent.vec4(0.28f);
  col[ImGuiCol_Button] = accent.vec4(0.16f);
  col[ImGuiCol_ButtonHovered] = accent.vec4(0.32f);
  col[ImGuiCol_ButtonActive] = accent.vec4(0.45f);
  col[ImGuiCol_Header] = accent.vec4(0.20f);
  col[ImGuiCol_HeaderHovered] = accent.vec4(0.30f);
  col[ImGuiCol_HeaderActive] = accent.vec4(0.42f);
  col[ImGuiCol_SliderGrab] = accent.vec4(0.85f);
  col[ImGuiCol_SliderGrabActive] = accent.vec4();
  col[ImGuiCol_CheckMark] = accent.vec4();
  col[ImGuiCol_NavHighlight] = c.measured.vec4(0.9f);
  col[ImGuiCol_Separator] = c.muted.vec4(0.25f);
  col[ImGuiCol_ModalWindowDimBg] = c.background.vec4(0.7f);
  col[ImGuiCol_TableHeaderBg] = c.surface.vec4();
  col[ImGuiCol_TableRowBgAlt] = c.text.vec4(0.03f);
  col[ImGuiCol_TableBorderLight] = c.muted.vec4(0.15f);
  col[ImGuiCol_TableBorderStrong] = c.muted.vec4(0.25f);
  col[ImGuiCol_ScrollbarBg] = c.background.vec4(0.0f);
  ImGui::GetStyle() = style;
}

}  // namespace respira::app
