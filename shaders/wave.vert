#version 330 core
// The wave's strips: vertices in 0..1 across the wave's rectangle (y up), each carrying a
// value and a strength for its pass (wave_fill.frag: the guide's height; wave_line.frag:
// the vertical distance from the curve) and colours, already dimmed for eyes-closed mode. Curves are piecewise linear between
// the samples, so interpolation across each column gives every pixel exact values and
// the fragment shaders need no look-ups.
layout(location = 0) in vec2 a_uv;
layout(location = 1) in vec3 a_value;   // pass value, strength, across (see wave_line.frag)
layout(location = 2) in vec3 a_colour;
layout(location = 3) in vec3 a_ground;  // wave_fill.frag: the ground's colour
out vec2 v_uv;
out vec3 v_value;
out vec3 v_colour;
out vec3 v_ground;

void main() {
  v_uv = a_uv;
  v_value = a_value;
  v_colour = a_colour;
  v_ground = a_ground;
  gl_Position = vec4(a_uv * 2.0 - 1.0, 0.0, 1.0);
}
