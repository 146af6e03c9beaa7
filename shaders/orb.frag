#version 330 core
// The breathing orb. Its radius follows the guide's target lung volume (already eased by
// the pacer), its colour turns from the inhale hue to the exhale hue as the breath
// turns. The person's own breath is a crisp ring with a soft glow at the radius of their
// measured volume. Drawn at full resolution straight into the window, only over the
// orb's square. Everything that is the same for every pixel (colour, radii, light
// position, drift phases) arrives precomputed, and no term needs trigonometry: on a
// software renderer each pixel's instructions are the frame's cost. Compiled twice: with
// HALO_ONLY for the ring around the orb out to where the halo has faded (past it, the
// square's corners are drawn with flat.frag), and in full for the orb's disc (orb.vert).

in vec2 v_p;                   // position from the orb's centre, shorter-side units
out vec4 frag_color;

uniform float u_unit;          // the orb square's side in pixels
uniform float u_radius;        // orb radius, shorter-side units
uniform float u_inv_radius;    // 1 / u_radius
uniform float u_measured;      // radius of the measured breath, shorter-side units; negative when unknown
uniform vec3 u_tint;           // the guide's colour now (inhale .. exhale hue)
uniform float u_halo;          // halo strength, grows with the breath
uniform vec3 u_highlight;      // light spot centre (x, y) and its falloff (-log2 per unit^2)
uniform vec2 u_drift;          // phases of the slow inner drift (0 with reduced motion)
uniform float u_motion;        // drift depth: 0.06 normal, 0 with reduced motion
uniform float u_show_ring;     // 1 when the measured ring is shown, 0 with eyes closed
uniform float u_dim;           // 0 normal, 0.9 eyes-closed (nearly dark)
uniform vec3 u_measured_color;
uniform vec3 u_background;

// Tiny per-pixel noise so the soft gradients do not band on 8-bit displays
// (interleaved gradient noise: two fract()s instead of a sine).
float dither(vec2 p) { return fract(52.9829189 * fract(dot(p, vec2(0.06711056, 0.00583715)))) - 0.5; }

// A smooth wave shaped like sin(2 pi x), from a parabola per half period.
float soft_wave(float x) {
  float t = fract(x) * 2.0 - 1.0;
  return -4.0 * t * (1.0 - abs(t));
}

void main() {
  vec2 p = v_p;
  float r = length(p);

  // Background: the window's own colour (this square sits seamlessly on it) lit by a halo
  // that grows with the breath and fades to nothing before the square's inscribed circle.
  float outside = max(r - u_radius, 0.0);
#ifdef HALO_ONLY
  float wide = exp2(outside * -10.1);          // exp(-7 d)
  float near = wide * wide;
  near *= near;                                // exp(-28 d): the bright band at the rim
#else  // within 3 px of the rim: the first-order terms are exact to 1/255
  float wide = 1.0 - 7.0 * outside;
  float near = 1.0 - 28.0 * outside;
#endif
  float halo = wide * u_halo + near * 0.16;
  halo *= 1.0 - smoothstep(0.34, 0.5, r);
  vec3 colour = u_background + u_tint * halo;

#ifndef HALO_ONLY  // the halo pass covers the ring outside the orb; the full pass its disc

  // The orb: lit from slightly above, brighter core, soft rim (a 2.4 px edge).
  float body = clamp((u_radius - r) * u_unit * 0.4167 + 0.5, 0.0, 1.0);
  float depth = min(r * u_inv_radius, 1.0);
  vec2 light = p - u_highlight.xy;
  float highlight = exp2(dot(light, light) * u_highlight.z);
  vec3 inner = u_tint * (1.05 - 0.5 * depth * depth + 0.25 * smoothstep(0.75, 1.0, depth)) + vec3(0.16 * highlight);
  // Slow light drifting outward through the orb, like breath.
  inner *= 1.0 + u_motion * soft_wave(depth * 1.4324 + u_drift.x) * soft_wave(p.x * 1.1141 + p.y * 0.7958 + u_drift.y);
  colour = mix(colour, inner, body * 0.94);
#endif

  // The person's own breath: a soft glow, a faint 7 px band and a crisp 2.2 px ring.
  if (u_measured >= 0.0) {
    float d = abs(r - u_measured) * u_unit;  // pixels from the ring's centre line
    float glow = exp2(d * -0.16) * 0.2;
    float band = clamp(4.0 - d, 0.0, 1.0) * 0.18 * u_show_ring;
    float ring = clamp(1.6 - d, 0.0, 1.0) * 0.95 * u_show_ring;
    colour = mix(colour, u_measured_color, 1.0 - (1.0 - glow) * (1.0 - band) * (1.0 - ring));  // the three laid on in turn
  }

  colour = mix(colour, u_background, u_dim);  // eyes closed: only a faint orb
  frag_color = vec4(colour + dither(gl_FragCoord.xy) / 255.0, 1.0);
}
