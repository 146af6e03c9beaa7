#version 330 core
// A curve of the wave (the guide, or the person's measured breath): a crisp 2.5 px
// stroke with a soft glow, as the alpha of a ribbon a few dozen pixels wide around it.
// The guide's ribbon reaches down to the bottom and washes the ground under the curve with
// the curve's colour; compiled with OVER_GROUND it computes the ground itself and writes
// opaque pixels, so nothing is drawn twice beneath it. The measured breath blends over. The vertical distance from the curve interpolates exactly
// (the curve is straight within each column); times the cosine of the curve's slope it
// is the distance across the curve, which keeps the stroke's width on steep stretches.

in vec2 v_uv;
in vec3 v_value;               // vertical distance from the curve in pixels, strength (0.55 past .. 1), cos(slope)
in vec3 v_colour;
out vec4 frag_color;

uniform vec4 u_glow;           // core weight, tail rate (-log2 per pixel), tail weight, stroke alpha
uniform float u_reach;         // 1 / (ribbon half width)^2: the glow fades out before the edge
uniform float u_wash;          // share of the colour washed under the curve (0: none)
#ifdef OVER_GROUND  // the guide: laid over the known ground here, so its pixels are opaque
uniform vec3 u_ground;
#endif

void main() {
  float d = abs(v_value.x) * v_value.z;
  float strength = v_value.y;
  float fade = max(1.0 - d * d * u_reach, 0.0);
  float core = max(1.0 - d * d * 0.0625, 0.0);  // (1 - d^2/16)^3, within 0.06 of exp(-d^2/5)
  core *= core * core;
  float glow = min((core * u_glow.x + exp2(d * u_glow.y) * u_glow.z) * strength * fade, 1.0);
  float stroke = clamp(1.75 - d, 0.0, 1.0) * u_glow.w * (strength - 0.1) * 1.1111;
  float wash = clamp(0.5 - v_value.x, 0.0, 1.0) * u_wash * strength * (0.4 + 0.6 * v_uv.y);
  float alpha = 1.0 - (1.0 - glow) * (1.0 - stroke) * (1.0 - wash);
#ifdef OVER_GROUND
  frag_color = vec4(mix(u_ground, v_colour, alpha), 1.0);
#else
  frag_color = vec4(v_colour, alpha);
#endif
}
