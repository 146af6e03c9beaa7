#include "session/progress.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace respira::session {

namespace {

// Scales a MAD to a standard deviation for normally distributed data.
constexpr double kMadToSd = 1.4826;
constexpr std::size_t kEndpointSessions = 3;

double weeks_between(std::chrono::sys_seconds from, std::chrono::sys_seconds to) {
  return std::chrono::duration<double>(to - from).count() / (7.0 * 24.0 * 3600.0);
}

std::optional<double> median_or_none(const std::vector<double>& values) {
  if (values.empty()) return std::nullopt;
  return median_of(values);
}

Trend make_trend(std::string measure, std::string unit, const std::vector<double>& x,
                 const std::vector<double>& y, double confidence) {
  Trend trend;
  trend.measure = std::move(measure);
  trend.unit = std::move(unit);
  trend.n = y.size();
  trend.fit = theil_sen(x, y, confidence);
  if (!y.empty()) {
    const std::size_t k = std::min(kEndpointSessions, y.size());
    trend.first = median_of(std::span{y}.first(k));
    trend.last = median_of(std::span{y}.last(k));
  }
  return trend;
}

// Collects (week, value) for the sessions where `value` has one.
template <typename Value>
Trend trend_of(std::span<const SessionOutcome> history, std::string measure, std::string unit,
               double confidence, Value value) {
  std::vector<double> x;
  std::vector<double> y;
  for (const SessionOutcome& outcome : history) {
    if (const std::optional<double> v = value(outcome)) {
      x.push_back(weeks_between(history.front().start, outcome.start));
      y.push_back(*v);
    }
  }
  return make_trend(std::move(measure), std::move(unit), x, y, confidence);
}

PlaceSummary summarise_place(std::span<const SessionOutcome> history, PracticePlace place) {
  PlaceSummary summary;
  summary.place = place;
  std::vector<double> changes;
  std::vector<double> adherence;
  for (const SessionOutcome& outcome : history) {
    if (outcome.place != place) continue;
    ++summary.sessions;
    summary.minutes += outcome.minutes;
    if (const auto change = outcome.tension_change()) changes.push_back(*change);
    if (outcome.adherence) adherence.push_back(*outcome.adherence);
  }
  summary.median_tension_change = median_or_none(changes);
  summary.median_adherence = median_or_none(adherence);
  return summary;
}

std::vector<WeekSummary> summarise_weeks(std::span<const SessionOutcome> history,
                                         std::chrono::sys_seconds as_of) {
  const auto t0 = history.front().start;
  const double span_weeks = weeks_between(t0, std::max(as_of, history.back().start));
  const int week_count = static_cast<int>(std::floor(span_weeks)) + 1;
  std::vector<WeekSummary> weeks(static_cast<std::size_t>(week_count));
  std::vector<std::vector<double>> adherence(weeks.size());
  std::vector<std::vector<double>> pre(weeks.size());
  for (int w = 0; w < week_count; ++w) {
    weeks[static_cast<std::size_t>(w)].week = w;
    weeks[static_cast<std::size_t>(w)].complete = t0 + std::chrono::days{7 * (w + 1)} <= as_of;
  }
  for (const SessionOutcome& outcome : history) {
    const auto w = static_cast<std::size_t>(std::floor(weeks_between(t0, outcome.start)));
    WeekSummary& week = weeks[w];
    if (outcome.place == PracticePlace::clinic) {
      ++week.clinic_sessions;
      week.clinic_minutes += outcome.minutes;
    } else {
      ++week.home_sessions;
      week.home_minutes += outcome.minutes;
    }
    if (outcome.adherence) adherence[w].push_back(*outcome.adherence);
    if (outcome.pre_tension) pre[w].push_back(*outcome.pre_tension);
  }
  for (std::size_t w = 0; w < weeks.size(); ++w) {
    weeks[w].median_adherence = median_or_none(adherence[w]);
    weeks[w].median_pre_tension = median_or_none(pre[w]);
  }
  return weeks;
}

std::vector<RegionProgress> summarise_regions(std::span<const SessionOutcome> history,
                                              double confidence) {
  std::vector<std::string> names;  // in order of first appearance
  for (const SessionOutcome& outcome : history)
    for (const RegionTension& r : outcome.regions)
      if (std::find(names.begin(), names.end(), r.region) == names.end()) names.push_back(r.region);

  std::vector<RegionProgress> regions;
  for (const std::string& name : names) {
    const auto rating = [&](const SessionOutcome& o) -> const RegionTension* {
      const auto it = std::find_if(o.regions.begin(), o.regions.end(),
                                   [&](const RegionTension& r) { return r.region == name; });
      return it == o.regions.end() ? nullptr : &*it;
    };
    RegionProgress region;
    region.region = name;
    std::vector<double> changes;
    for (const SessionOutcome& outcome : history) {
      const RegionTension* r = rating(outcome);
      if (r && r->pre && r->post) changes.push_back(*r->post - *r->pre);
    }
    region.rated_sessions = changes.size();
    region.median_change = median_or_none(changes);
    region.pre_tension = trend_of(history, "pre_tension:" + name, "points", confidence,
                                  [&](const SessionOutcome& o) -> std::optional<double> {
                                    const RegionTension* r = rating(o);
                                    return r ? r->pre : std::nullopt;
                                  });
    regions.push_back(std::move(region));
  }
  return regions;
}

}  // namespace

std::vector<bool> ProgressReport::flare_up_flags() const {
  std::vector<bool> flags(sessions.size(), false);
  for (const FlareUp& f : flare_ups) flags[f.session_index] = true;
  return flags;
}

const char* to_string(PracticePlace place) {
  return place == PracticePlace::clinic ? "clinic" : "home";
}

std::optional<FlareUp> detect_flare_up(std::span<const SessionOutcome> history, std::size_t index,
                                       const FlareUpRule& rule) {
  assert(index < history.size());
  FlareUp flare;
  flare.session_index = index;
  flare.marked = history[index].flare_up_marked;

  std::vector<double> baseline;
  for (std::size_t i = index; i-- > 0 && baseline.size() < rule.baseline_sessions;) {
    if (history[i].pre_tension) baseline.push_back(*history[i].pre_tension);
  }
  if (baseline.size() >= std::max<std::size_t>(1, rule.min_baseline_sessions)) {
    const double centre = median_of(baseline);
    const double spread = rule.mad_multiplier * kMadToSd * median_absolute_deviation(baseline);
    flare.baseline_median = centre;
    flare.threshold = centre + std::max(rule.min_rise_points, spread);
    const auto& pre = history[index].pre_tension;
    flare.spike = pre && *pre >= *flare.threshold;
  }
  if (!flare.marked && !flare.spike) return std::nullopt;
  return flare;
}

std::optional<Plateau> evaluate_plateau(std::span<const SessionOutcome> history, std::size_t index,
                                        const PlateauRule& rule) {
  assert(index < history.size());
  std::vector<const SessionOutcome*> window;  // newest first
  const auto days_covered = [&] {
    return window.empty() ? 0.0 : 7.0 * weeks_between(window.back()->start, window.front()->start);
  };
  for (std::size_t i = index + 1;
       i-- > 0 && (window.size() < rule.window_sessions || days_covered() < rule.min_window_days);) {
    if (history[i].pre_tension) window.push_back(&history[i]);
  }
  if (window.size() < std::max<std::size_t>(2, rule.window_sessions) ||
      days_covered() < rule.min_window_days)
    return std::nullopt;
  std::reverse(window.begin(), window.end());

  std::vector<double> x;
  std::vector<double> y;
  for (const SessionOutcome* outcome : window) {
    x.push_back(weeks_between(window.front()->start, outcome->start));
    y.push_back(*outcome->pre_tension);
  }
  const auto fit = theil_sen(x, y, rule.confidence);
  if (!fit) return std::nullopt;
  Plateau plateau;
  plateau.session_index = index;
  plateau.window = window.size();
  plateau.weeks = x.back();
  plateau.fit = *fit;
  plateau.change_points = fit->slope * plateau.weeks;
  plateau.median_tension = median_of(y);
  plateau.flagged = fit->interval_includes_zero() &&
                    std::fabs(plateau.change_points) < rule.mcid_points &&
                    plateau.median_tension > rule.floor_points;
  return plateau;
}

ProgressReport analyse_progress(std::span<const SessionOutcome> history,
                                const ProgressConfig& config) {
  ProgressReport report;
  report.home.place = PracticePlace::home;
  report.clinic.place = PracticePlace::clinic;
  if (history.empty()) return report;
  const double confidence = config.trend_confidence;
  const auto t0 = history.front().start;

  for (std::size_t i = 0; i < history.size(); ++i) {
    const SessionOutcome& outcome = history[i];
    SessionProgress session;
    session.index = i;
    session.week = weeks_between(t0, outcome.start);
    session.tension_change = outcome.tension_change();
    for (const RegionTension& r : outcome.regions)
      if (r.pre && r.post) session.region_changes.emplace_back(r.region, *r.post - *r.pre);
    if (auto flare = detect_flare_up(history, i, config.flare_up)) {
      session.flare_up = true;
      report.flare_ups.push_back(*flare);
    }
    const auto plateau = evaluate_plateau(history, i, config.plateau);
    session.plateau = plateau && plateau->flagged;
    report.sessions.push_back(std::move(session));
  }
  report.plateau = evaluate_plateau(history, history.size() - 1, config.plateau);

  report.pre_tension = trend_of(history, "pre_tension", "points", confidence,
                                [](const SessionOutcome& o) { return o.pre_tension; });
  report.relief = trend_of(history, "relief", "points", confidence,
                           [](const SessionOutcome& o) -> std::optional<double> {
                             const auto change = o.tension_change();
                             return change ? std::optional{-*change} : std::nullopt;
                           });
  report.resting_rate = trend_of(history, "resting_rate", "breaths/min", confidence,
                                 [](const SessionOutcome& o) { return o.resting_rate_bpm; });
  report.achieved_rate = trend_of(history, "achieved_rate", "breaths/min", confidence,
                                  [](const SessionOutcome& o) { return o.achieved_rate_bpm; });
  report.adherence = trend_of(history, "adherence", "fraction", confidence,
                              [](const SessionOutcome& o) { return o.adherence; });

  report.weeks = summarise_weeks(history, config.as_of.value_or(history.back().start));
  std::vector<double> week_index;
  std::vector<double> week_minutes;
  for (const WeekSummary& week : report.weeks) {
    if (!week.complete) continue;
    week_index.push_back(week.week);
    week_minutes.push_back(week.home_minutes + week.clinic_minutes);
  }
  report.minutes_per_week =
      make_trend("minutes_per_week", "minutes", week_index, week_minutes, confidence);

  report.regions = summarise_regions(history, confidence);
  report.home = summarise_place(history, PracticePlace::home);
  report.clinic = summarise_place(history, PracticePlace::clinic);
  return report;
}

}  // namespace respira::session
