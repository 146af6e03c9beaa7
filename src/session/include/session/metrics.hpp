#pragma once
// Outcome metrics of a session, computed from its stored breaths so a finished session and
// one closed after a crash are summarised the same way.
//  - median rate: 60 / median breath period (robust to the odd sigh or missed breath);
//  - I:E: median of inhale/exhale over breaths;
//  - time in target: share of guided breath time spent in breaths whose rate is within
//    kTargetToleranceBpm of the rate the guide showed when each began (Breath::
//    guide_rate_bpm; a guide that changes its rate, adaptive or resonance search, is
//    scored against what it showed), else of the session's pacer rate; empty without
//    either.
// Adherence to the pacer schedule belongs to the pacer module and is not guessed here.

#include <optional>
#include <vector>

#include "session/domain.hpp"

namespace respira::session {

inline constexpr double kTargetToleranceBpm = 1.0;

SessionMetrics compute_metrics(const std::vector<Breath>& breaths, const PacerSettings& pacer,
                               std::optional<double> signal_quality, std::optional<double> adherence);

double median(std::vector<double> values);  // NaN for an empty input

}  // namespace respira::session
