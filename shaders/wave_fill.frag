#version 330 core
// The wave's ground, every pixel of its rectangle: the background with a faint upward
// lightening. Everything else of the wave (the wash under the guide, the curves and their
// glows) is laid over it by wave_line.frag on ribbons along the curves.

in vec2 v_uv;
out vec4 frag_color;

uniform vec3 u_ground_bottom;  // already dimmed with eyes closed
uniform vec3 u_ground_top;

void main() { frag_color = vec4(mix(u_ground_bottom, u_ground_top, v_uv.y), 1.0); }
