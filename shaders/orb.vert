#version 330 core
// The orb's pixels as a 16-sided ring around the orb's centre, built from gl_VertexID
// (6 vertices per side): the corners pass draws the ring from where the halo has faded out
// past the square's corners (the scissor keeps it inside the square), the halo pass the
// ring from the orb's rim to there, the body pass the disc inside (inner radius 0), so
// every pixel of the square is painted: a partial redraw need not clear under the orb
// (src/app/frame_damage.hpp). Where two rings overlap (between an inscribed and a
// circumscribed edge) the later pass paints.
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
  // Turned a little off the axes and the diagonals: an edge exactly through pixel centres
  // is where a rasteriser's tie-breaking may leave a crack between the triangles (Mesa's
  // softpipe left a 45-degree line of unpainted pixels across the orb).
  float angle = (float(side + (next ? 1 : 0)) + 0.37) * (6.2831853 / float(kSides));
  // The outer edge circumscribes its circle; the inner edge is inscribed in its own.
  float radius = outer ? u_ring.y / cos(3.14159265 / float(kSides)) : u_ring.x;
  v_p = radius * vec2(cos(angle), sin(angle));
  gl_Position = vec4(2.0 * v_p, 0.0, 1.0);
}
