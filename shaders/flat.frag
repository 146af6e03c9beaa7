#version 330 core
// One colour. Mesa's software renderer fills such pixels several times faster than any
// shaded ones, so every large area of a single colour is drawn with it: the orb square's
// corners past the halo, the straight band of a card, and the wave's ground above the
// guide (a gradient there, even drawn as the bands of rows that round to one 8-bit colour,
// cost 0.5 ms a frame more: every draw has its own overhead).

out vec4 frag_color;

uniform vec3 u_colour;

void main() { frag_color = vec4(u_colour, 1.0); }
