#version 330 core
// The wave's ground above the guide's ribbon (the guide paints the ground below and around
// itself, wave_line.frag): the background with a faint upward lightening.

in vec2 v_uv;
out vec4 frag_color;

uniform vec3 u_ground_bottom;  // already dimmed with eyes closed
uniform vec3 u_ground_top;

void main() { frag_color = vec4(mix(u_ground_bottom, u_ground_top, v_uv.y), 1.0); }
