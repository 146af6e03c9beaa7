#version 330 core
// The wave's ribbons (wave_line.frag): vertices in 0..1 across the wave's rectangle (y up),
// each carrying its vertical distance from the curve, the curve's strength and slope
// cosine, and the curve's colour (already dimmed for eyes-closed mode). Curves are
// piecewise linear between the samples, so interpolation across each column gives every
// pixel exact values and the fragment shader needs no look-ups.
layout(location = 0) in vec2 a_uv;
layout(location = 1) in vec3 a_value;   // vertical distance, strength, across (see wave_line.frag)
layout(location = 2) in vec3 a_colour;
out vec2 v_uv;
out vec3 v_value;
out vec3 v_colour;

void main() {
  v_uv = a_uv;
  v_value = a_value;
  v_colour = a_colour;
  gl_Position = vec4(a_uv * 2.0 - 1.0, 0.0, 1.0);
}
