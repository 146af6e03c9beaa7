#version 330 core
// The breath as a wave: the guide's target volume from 20 s ago to 10 s ahead scrolls
// right to left, and the person's measured breath lies over the past part, so they see
// at a glance whether they ride the wave. This shader draws the light: the fill under the
// guide and the glows around both curves, as distance fields (vertical distance corrected
// by the slope). It has no sharp detail, so it is rendered at reduced resolution; the
// crisp strokes on top are drawn by the UI.

in vec2 v_uv;
out vec4 frag_color;

uniform vec2 u_size;           // viewport in pixels
uniform float u_scale;         // viewport pixels per screen pixel (< 1: rendered small)
uniform vec2 u_band;           // heights of volume 0 and volume 1, as fractions of the height
uniform vec4 u_guide[32];      // 128 guide volumes, evenly spaced across the width
uniform vec4 u_trace[32];      // 128 measured volumes; negative where unknown
uniform vec4 u_hue[32];        // 128 exhale-hue shares (0 inhale colour .. 1 exhale colour)
uniform float u_now;           // 0..1: where "now" is across the width
uniform float u_dim;
uniform vec3 u_inhale_color;
uniform vec3 u_exhale_color;
uniform vec3 u_measured_color;
uniform vec3 u_background;

const int kSamples = 128;

float guide_sample(int i) { i = clamp(i, 0, kSamples - 1); return u_guide[i >> 2][i & 3]; }
float trace_sample(int i) { i = clamp(i, 0, kSamples - 1); return u_trace[i >> 2][i & 3]; }
float hue_sample(int i) { i = clamp(i, 0, kSamples - 1); return u_hue[i >> 2][i & 3]; }

float hue_at(float x) {
  float s = clamp(x, 0.0, 1.0) * float(kSamples - 1);
  int i = int(floor(s));
  return mix(hue_sample(i), hue_sample(i + 1), s - float(i));
}

float guide_at(float x) {
  float s = clamp(x, 0.0, 1.0) * float(kSamples - 1);
  int i = int(floor(s));
  return mix(guide_sample(i), guide_sample(i + 1), s - float(i));
}

float trace_at(float x) {
  float s = clamp(x, 0.0, 1.0) * float(kSamples - 1);
  int i = int(floor(s));
  float a = trace_sample(i);
  float b = trace_sample(i + 1);
  if (a < 0.0 || b < 0.0) return -1.0;
  return mix(a, b, s - float(i));
}

float height_px(float volume) { return mix(u_band.x, u_band.y, volume) * u_size.y; }

// Distance in screen pixels from this pixel to a curve y(x), using its local slope.
float curve_distance(float y_px, float y_left, float y_right) {
  float slope = (y_right - y_left) * 0.5;
  return abs(v_uv.y * u_size.y - y_px) / sqrt(1.0 + slope * slope) / u_scale;
}

void main() {
  float dx = 1.0 / u_size.x;
  float x = v_uv.x;
  vec3 colour = u_background * (0.92 + 0.22 * v_uv.y);

  // Guide: coloured like the orb at that moment (inhale hue rising, exhale hue falling).
  float g = guide_at(x);
  float gl = guide_at(x - dx);
  float gr = guide_at(x + dx);
  vec3 tint = mix(u_inhale_color, u_exhale_color, hue_at(x));
  float future = smoothstep(u_now - 0.004, u_now + 0.004, x);
  float strength = mix(0.55, 1.0, future);

  float y = height_px(g);
  float below = step(v_uv.y * u_size.y, y);
  colour += tint * below * 0.07 * strength * (0.4 + 0.6 * v_uv.y);
  float d = curve_distance(y, height_px(gl), height_px(gr));
  colour = mix(colour, tint, clamp(exp(-d * d / 5.0) * strength + exp(-d / 12.0) * 0.22 * strength, 0.0, 1.0));

  // "Now": a faint vertical line and a bead on the guide.
  float now_px = abs(x - u_now) * u_size.x;
  colour = mix(colour, u_measured_color, exp(-now_px * now_px / 0.8) * 0.12);
  vec2 bead = vec2((x - u_now) * u_size.x, v_uv.y * u_size.y - height_px(guide_at(u_now)));
  float bead_d = length(bead);
  vec3 bead_tint = mix(u_inhale_color, u_exhale_color, hue_at(u_now));
  colour = mix(colour, bead_tint * 1.15 + 0.1, clamp(1.0 - smoothstep(5.0, 7.0, bead_d) + exp(-bead_d / 10.0) * 0.3, 0.0, 1.0));

  // The person's measured breath over the past.
  float m = trace_at(x);
  if (m >= 0.0) {
    float ml = trace_at(x - dx);
    float mr = trace_at(x + dx);
    if (ml < 0.0) ml = m;
    if (mr < 0.0) mr = m;
    float dm = curve_distance(height_px(m), height_px(ml), height_px(mr));
    colour = mix(colour, u_measured_color, exp(-dm / 8.0) * 0.16);
  }

  colour *= mix(1.0, 0.12, u_dim);
  frag_color = vec4(colour, 1.0);
}
