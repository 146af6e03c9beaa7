#version 330 core
// The wave's ground, every pixel of its rectangle: the background with a faint upward
// lightening, and under the guide a wash of the guide's colour (dimmer in the past).
// Both colours vary linearly, so they arrive interpolated from the strip's vertices and
// each pixel only decides how far below the guide it lies. The glowing curves are drawn
// over it by wave_line.frag, only near them.

in vec2 v_uv;
in vec3 v_value;               // guide height in pixels from the bottom
in vec3 v_colour;              // the wash under the guide at this point
in vec3 v_ground;              // the ground at this point
out vec4 frag_color;

uniform float u_height;        // the rectangle's height in pixels

void main() {
  float below = clamp(v_value.x - v_uv.y * u_height + 0.5, 0.0, 1.0);
  frag_color = vec4(v_ground + v_colour * below, 1.0);
}
