#version 330 core
// The orb's pixels as a 16-sided ring around the orb's centre, built from gl_VertexID
// (6 vertices per side): the halo pass draws the ring from the orb's rim out to the
// halo's end, the body pass the disc inside (inner radius 0), so no pixel is shaded
// twice and the corners of the orb's square, where the halo has faded, are not shaded.
// v_uv runs 0..1 across the viewport (the orb's square), y up, as in fullscreen.vert.
out vec2 v_uv;

uniform vec2 u_size;           // viewport in pixels
uniform float u_unit;          // its shorter side in pixels
uniform vec2 u_ring;           // inner and outer radius, shorter-side units

const int kSides = 16;

void main() {
  int side = gl_VertexID / 6;
  int corner = gl_VertexID % 6;
  // Two triangles per side: (inner a, outer a, outer b) and (inner a, outer b, inner b).
  bool outer = corner == 1 || corner == 2 || corner == 4;
  bool next = corner == 2 || corner == 4 || corner == 5;
  float angle = float(side + (next ? 1 : 0)) * (6.2831853 / float(kSides));
  // The outer edge circumscribes its circle; the inner edge is inscribed in its own.
  float radius = outer ? u_ring.y / cos(3.14159265 / float(kSides)) : u_ring.x;
  vec2 p = radius * vec2(cos(angle), sin(angle)) * u_unit / u_size;  // -0.5..0.5 of the viewport
  v_uv = p + 0.5;
  gl_Position = vec4(2.0 * p, 0.0, 1.0);
}
