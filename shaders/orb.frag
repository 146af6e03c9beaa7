#version 330 core
// The breathing orb. Its radius follows the guide's target lung volume (already eased by
// the pacer), its colour turns from the inhale hue to the exhale hue as the breath
// turns. The person's own breath is a glow at the radius of their measured volume; the
// crisp ring on top of it is stroked by the UI, so this soft light can be rendered at
// reduced resolution (it has no sharp detail) and scaled up.

in vec2 v_uv;
out vec4 frag_color;

uniform vec2 u_size;           // viewport in pixels
uniform float u_scale;         // viewport pixels per screen pixel (< 1: rendered small)
uniform vec2 u_radius_range;   // orb radius at empty and full lungs, in shorter-side units
uniform float u_time;          // seconds, drives the slow inner drift
uniform float u_target;        // guide volume 0..1
uniform float u_measured;      // measured volume 0..1; negative when unknown
uniform float u_exhale;        // 0 = inhale colour, 1 = exhale colour (eased)
uniform float u_motion;        // 1 normal, 0 reduced motion
uniform float u_dim;           // 0 normal, 1 eyes-closed (nearly dark)
uniform vec3 u_inhale_color;
uniform vec3 u_exhale_color;
uniform vec3 u_measured_color;
uniform vec3 u_background;

float radius_for(float volume) { return mix(u_radius_range.x, u_radius_range.y, clamp(volume, 0.0, 1.0)); }

// Tiny per-pixel noise so the soft gradients do not band on 8-bit displays.
float dither(vec2 p) { return fract(sin(dot(p, vec2(12.9898, 78.233))) * 43758.5453) - 0.5; }

void main() {
  vec2 px = v_uv * u_size;
  float unit = min(u_size.x, u_size.y);
  vec2 p = (px - 0.5 * u_size) / unit;
  float r = length(p);
  // The rim stays a true circle so the measured ring can be laid against it exactly.
  float radius = radius_for(u_target);
  vec3 tint = mix(u_inhale_color, u_exhale_color, u_exhale);

  // Background: the window's own colour (this square sits seamlessly on it) lit by a halo
  // that grows with the breath and fades to nothing before the square's edge.
  vec3 colour = u_background;
  float outside = max(r - radius, 0.0);
  float halo = exp(-outside * 7.0) * (0.10 + 0.22 * u_target) + exp(-outside * 26.0) * 0.16;
  halo *= 1.0 - smoothstep(0.34, 0.5, max(abs(p.x), abs(p.y)));
  colour += tint * halo;

  // The orb: lit from slightly above, brighter core, soft rim.
  float edge = 1.2 / unit;
  float body = 1.0 - smoothstep(radius - edge, radius + edge, r);
  float depth = clamp(r / radius, 0.0, 1.0);
  vec2 light = p - vec2(-0.25, 0.32) * radius;
  float highlight = exp(-dot(light, light) / (radius * radius * 0.35));
  vec3 inner = mix(tint * 1.05, tint * 0.55, depth * depth);
  inner += vec3(0.16) * highlight + tint * 0.25 * smoothstep(0.75, 1.0, depth);
  // Slow light drifting outward through the orb, like breath; off with reduced motion.
  float drift = sin(depth * 9.0 - u_time * 0.9) * sin(p.x * 7.0 + p.y * 5.0 + u_time * 0.3);
  inner *= 1.0 + u_motion * 0.06 * drift;
  colour = mix(colour, inner, body * 0.94);

  // The person's own breath: a soft glow around where the UI strokes their ring.
  if (u_measured >= 0.0) {
    float d = abs(r - radius_for(u_measured)) * unit / u_scale;  // screen pixels
    colour = mix(colour, u_measured_color, exp(-d / 9.0) * 0.2);
  }

  colour = mix(colour, u_background, u_dim * 0.9);  // eyes closed: only a faint orb
  colour += dither(px) / 255.0;
  frag_color = vec4(colour, 1.0);
}
