// Per-patient HTML report: self-contained (inline CSS and SVG, no scripts, no network),
// readable on screen and printed on A4. Charts are drawn here as SVG so the report needs
// nothing but a browser.

#include <algorithm>
#include <cmath>
#include <optional>

#include "progress_format.hpp"
#include "session/exports.hpp"
#include "session/progress_export.hpp"

namespace respira::session {
namespace {

std::string fixed(double v, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  return buffer;
}
std::string fixed(const std::optional<double>& v, int decimals, const char* suffix = "") {
  return v && std::isfinite(*v) ? fixed(*v, decimals) + suffix : "&ndash;";
}
std::string percent(const std::optional<double>& v) { return v ? fixed(*v * 100.0, 0) + "&#8239;%" : "&ndash;"; }
std::string rating(const std::optional<int>& v) { return v ? std::to_string(*v) : "&ndash;"; }

struct Plot {  // maps data to a w x h SVG area with margins for axes
  double width = 640, height = 220, left = 44, right = 12, top = 14, bottom = 30;
  double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
  double x(double v) const { return left + (v - x_min) / (x_max - x_min) * (width - left - right); }
  double y(double v) const { return height - bottom - (v - y_min) / (y_max - y_min) * (height - top - bottom); }
};

std::string axes(const Plot& p, const std::vector<double>& y_ticks, const std::string& y_label, std::size_t sessions) {
  std::string svg;
  for (double t : y_ticks) {
    svg += "<line class=\"grid\" x1=\"" + fixed(p.left, 1) + "\" x2=\"" + fixed(p.width - p.right, 1) + "\" y1=\"" +
           fixed(p.y(t), 1) + "\" y2=\"" + fixed(p.y(t), 1) + "\"/>";
    svg += "<text class=\"tick\" x=\"" + fixed(p.left - 6, 1) + "\" y=\"" + fixed(p.y(t) + 4, 1) +
           "\" text-anchor=\"end\">" + format_number(t) + "</text>";
  }
  const std::size_t step = std::max<std::size_t>(1, sessions / 12);
  for (std::size_t i = 0; i < sessions; i += step)
    svg += "<text class=\"tick\" x=\"" + fixed(p.x(static_cast<double>(i + 1)), 1) + "\" y=\"" +
           fixed(p.height - p.bottom + 16, 1) + "\" text-anchor=\"middle\">" + std::to_string(i + 1) + "</text>";
  svg += "<text class=\"label\" x=\"12\" y=\"" + fixed(p.top + (p.height - p.top - p.bottom) / 2, 1) +
         "\" transform=\"rotate(-90 12 " + fixed(p.top + (p.height - p.top - p.bottom) / 2, 1) +
         ")\" text-anchor=\"middle\">" + y_label + "</text>";
  return svg;
}

std::string open_svg(const Plot& p, const std::string& title) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 " + fixed(p.width, 0) + " " +
         fixed(p.height, 0) + "\"><title>" + escape_html(title) + "</title>";
}

// Tension before (hollow) and after (filled) each session, joined by a line.
std::string tension_chart(const std::vector<SessionData>& sessions) {
  Plot p;
  p.x_min = 0.5;
  p.x_max = static_cast<double>(sessions.size()) + 0.5;
  p.y_min = 0;
  p.y_max = 10;
  std::string svg = open_svg(p, "Tension before and after each session") + axes(p, {0, 2, 4, 6, 8, 10}, "tension 0-10", sessions.size());
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    const Session& s = sessions[i].session;
    const double x = p.x(static_cast<double>(i + 1));
    if (s.pre_tension && s.post_tension)
      svg += "<line class=\"change\" x1=\"" + fixed(x, 1) + "\" x2=\"" + fixed(x, 1) + "\" y1=\"" + fixed(p.y(*s.pre_tension), 1) +
             "\" y2=\"" + fixed(p.y(*s.post_tension), 1) + "\"/>";
    if (s.pre_tension)
      svg += "<circle class=\"before\" cx=\"" + fixed(x, 1) + "\" cy=\"" + fixed(p.y(*s.pre_tension), 1) + "\" r=\"4\"/>";
    if (s.post_tension)
      svg += "<circle class=\"after\" cx=\"" + fixed(x, 1) + "\" cy=\"" + fixed(p.y(*s.post_tension), 1) + "\" r=\"4\"/>";
    if (s.flare_up)
      svg += "<text class=\"flare\" x=\"" + fixed(x, 1) + "\" y=\"" + fixed(p.top + 8, 1) + "\" text-anchor=\"middle\">&#9650;</text>";
  }
  return svg + "</svg>";
}

// The rate the guide showed at the end of a session: an adaptive guide leads away from the
// rate it started at (pacer.rate_bpm), and the last breaths stored say where to.
std::optional<double> final_guide_rate(const SessionData& d) {
  for (auto b = d.breaths.rbegin(); b != d.breaths.rend(); ++b)
    if (std::isfinite(b->guide_rate_bpm)) return b->guide_rate_bpm;
  return d.session.pacer.rate_bpm;
}

// Median breathing rate per session, with the guide's rate where one was shown.
std::string rate_chart(const std::vector<SessionData>& sessions) {
  Plot p;
  p.x_min = 0.5;
  p.x_max = static_cast<double>(sessions.size()) + 0.5;
  double high = 12.0;
  for (const auto& d : sessions) {
    high = std::max(high, d.session.metrics.median_rate_bpm.value_or(0.0));
    high = std::max(high, final_guide_rate(d).value_or(0.0));
  }
  p.y_min = 0;
  p.y_max = std::ceil(high / 4.0) * 4.0;
  std::vector<double> ticks;
  for (double t = 0; t <= p.y_max; t += p.y_max / 4) ticks.push_back(t);
  std::string svg = open_svg(p, "Median breathing rate per session") + axes(p, ticks, "breaths/min", sessions.size());
  std::string line, target;
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    const Session& s = sessions[i].session;
    const double x = p.x(static_cast<double>(i + 1));
    if (s.metrics.median_rate_bpm) {
      line += (line.empty() ? "M" : " L") + fixed(x, 1) + " " + fixed(p.y(*s.metrics.median_rate_bpm), 1);
      svg += "<circle class=\"rate\" cx=\"" + fixed(x, 1) + "\" cy=\"" + fixed(p.y(*s.metrics.median_rate_bpm), 1) + "\" r=\"3\"/>";
    }
    if (const auto target = final_guide_rate(sessions[i]))
      svg += "<line class=\"target\" x1=\"" + fixed(x - 8, 1) + "\" x2=\"" + fixed(x + 8, 1) + "\" y1=\"" +
             fixed(p.y(*target), 1) + "\" y2=\"" + fixed(p.y(*target), 1) + "\"/>";
  }
  if (!line.empty()) svg += "<path class=\"rate\" d=\"" + line + "\"/>";
  return svg + "</svg>";
}

constexpr const char* kStyle = R"CSS(
body{font-family:"DejaVu Sans",Arial,sans-serif;color:#222;margin:2em auto;max-width:60em;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;font-size:.85em}th,td{border-bottom:1px solid #ddd;padding:.25em .4em;text-align:right}
th:first-child,td:first-child,td.text{text-align:left}.muted{color:#666}
svg{width:100%;max-width:44em;height:auto}.grid{stroke:#e4e4e4}.tick{font-size:11px;fill:#555}.label{font-size:12px;fill:#333}
.before{fill:#fff;stroke:#b5543c;stroke-width:2}.after{fill:#2f7d5b}.change{stroke:#999;stroke-width:2}
.rate{fill:none;stroke:#2b5c8a;stroke-width:2}circle.rate{fill:#2b5c8a}.target{stroke:#d08c1b;stroke-width:3}.flare{fill:#b5543c;font-size:12px}
.legend span{margin-right:1.5em}
@page{size:A4;margin:15mm}@media print{body{margin:0;max-width:none}h2{break-after:avoid}svg,table{break-inside:avoid}}
)CSS";

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string to_html(const Patient& patient, const std::vector<SessionData>& sessions, bool pseudonymise,
                    const PatientProgress* progress) {
  const std::string name = pseudonymise ? patient.id : patient.display_name;
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Respira report &ndash; " +
                     escape_html(name) + "</title><style>" + kStyle + "</style></head><body>\n";
  html += "<h1>Breathing practice report: " + escape_html(name) + "</h1>\n<p class=\"muted\">Patient " + escape_html(patient.id);
  if (!sessions.empty())
    html += " &middot; " + progress_format::count_of(static_cast<long long>(sessions.size()), "session") + " from " +
            escape_html(sessions.front().session.started_at.substr(0, 10)) + " to " +
            escape_html(sessions.back().session.started_at.substr(0, 10));
  html += "</p>\n";
  if (!pseudonymise && !patient.notes.empty()) html += "<p>" + escape_html(patient.notes) + "</p>\n";
  if (progress) html += progress_html_section(*progress);
  if (sessions.empty()) return html + "<p>No sessions recorded yet.</p>\n</body></html>\n";

  html += "<h2>Tension before and after each session</h2>\n" + tension_chart(sessions) +
          "\n<p class=\"legend muted\"><span>&#9675; before</span><span>&#9679; after</span><span>&#9650; flare-up</span></p>\n";
  html += "<h2>Breathing rate</h2>\n" + rate_chart(sessions) +
          "\n<p class=\"legend muted\"><span>&#9679; median rate</span><span>&#8212; guide's rate at the end</span></p>\n";

  html += "<h2>Sessions</h2>\n<table><thead><tr><th>#</th><th>Date (UTC)</th><th>Place</th><th>Minutes</th>"
          "<th>Rate /min</th><th>I:E</th><th>Adherence</th><th>In target</th><th>Before</th><th>After</th>"
          "<th>Status</th><th>Notes</th></tr></thead><tbody>\n";
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    const Session& s = sessions[i].session;
    html += "<tr><td>" + std::to_string(i + 1) + "</td><td class=\"text\">" + escape_html(s.started_at.substr(0, 16)) +
            "</td><td class=\"text\">" + std::string(to_string(s.place)) + "</td><td>" + fixed(s.duration_s / 60.0, 1) +
            "</td><td>" + fixed(s.metrics.median_rate_bpm, 1) + "</td><td>" + fixed(s.metrics.ie_ratio, 2) +
            "</td><td>" + percent(s.metrics.adherence) + "</td><td>" + percent(s.metrics.time_in_target) + "</td><td>" +
            rating(s.pre_tension) + "</td><td>" + rating(s.post_tension) + "</td><td class=\"text\">" +
            std::string(to_string(s.status)) + (s.flare_up ? ", flare-up" : "") + "</td><td class=\"text\">" +
            // Free-text notes may name people: a pseudonymised report leaves them out.
            (pseudonymise ? std::string() : escape_html(s.notes)) + "</td></tr>\n";
  }
  html += "</tbody></table>\n";

  bool any_region = false;
  for (const auto& d : sessions) any_region = any_region || !d.session.regions.empty();
  if (any_region) {
    html += "<h2>Tension by body region</h2>\n<table><thead><tr><th>#</th><th>Region</th><th>Before</th><th>After</th>"
            "<th>Change</th></tr></thead><tbody>\n";
    for (std::size_t i = 0; i < sessions.size(); ++i)
      for (const RegionRating& r : sessions[i].session.regions)
        html += "<tr><td>" + std::to_string(i + 1) + "</td><td class=\"text\">" + escape_html(r.region) + "</td><td>" +
                rating(r.before) + "</td><td>" + rating(r.after) + "</td><td>" +
                (r.before && r.after ? std::to_string(*r.after - *r.before) : "&ndash;") + "</td></tr>\n";
    html += "</tbody></table>\n";
  }
  return html + "</body></html>\n";
}

}  // namespace respira::session
