#version 330 core
// A card behind the live figures: a rounded rectangle in the surface colour, anti-aliased
// against the window's background colour it sits on (known, so no blending is needed).
// ImGui fills the same shape with a texture fetch and a blend per pixel, the costliest
// pixels of the frame on a software renderer. Drawn only over the top and bottom strips
// that hold the corners; the band between them is one colour (flat.frag). (Scissored
// glClear for the band measured slower: Mesa turns each into a draw with its own state
// changes.)

out vec4 frag_color;

uniform vec4 u_rect;           // min x, min y, max x, max y in framebuffer pixels
uniform float u_rounding;      // corner radius in pixels
uniform vec3 u_fill;
uniform vec3 u_background;

void main() {
  vec2 centre = 0.5 * (u_rect.xy + u_rect.zw);
  vec2 half_size = 0.5 * (u_rect.zw - u_rect.xy);
  vec2 q = abs(gl_FragCoord.xy - centre) - half_size + u_rounding;
  float outside = length(max(q, 0.0)) - u_rounding;  // inside the straight edges: fully covered anyway
  frag_color = vec4(mix(u_background, u_fill, clamp(0.5 - outside, 0.0, 1.0)), 1.0);
}
