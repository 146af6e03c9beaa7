#version 330 core
// The orb's pixels as a 16-sided ring around the orb's centre, built from gl_VertexID
// (6 vertices per side): the halo pass draws the ring from the orb's rim out to the
// halo's end, the body pass the disc inside (inner radius 0), so no pixel is shaded
// twice and the corners of the orb's square, where the halo has faded, are not shaded.
// The viewport is the orb's square; v_p is the position from its centre in side lengths.
out vec2 v_p;

uniform vec2 u_ring;           // inner and outer radius, side lengths

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
  v_p = radius * vec2(cos(angle), sin(angle));
  gl_Position = vec4(2.0 * v_p, 0.0, 1.0);
}
