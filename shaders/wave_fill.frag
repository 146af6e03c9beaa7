#version 330 core
// The wave's ground, every pixel of its rectangle: the background with a faint upward
// lightening, and under the guide a wash of the guide's colour (dimmer in the past).
// The glowing curves are drawn over it by wave_line.frag, only near them.

in vec2 v_uv;
in vec3 v_value;               // guide height in pixels from the bottom, strength
in vec3 v_colour;              // guide colour at this x
out vec4 frag_color;

uniform float u_height;        // the rectangle's height in pixels
uniform vec3 u_background;
uniform float u_brightness;    // 1, or low with eyes closed

void main() {
  float below = clamp(v_value.x - v_uv.y * u_height + 0.5, 0.0, 1.0);
  vec3 colour = u_background * (0.92 + 0.22 * v_uv.y) + v_colour * (below * 0.07 * v_value.y * (0.4 + 0.6 * v_uv.y));
  frag_color = vec4(colour * u_brightness, 1.0);
}
