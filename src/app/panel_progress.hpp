#pragma once
// One patient's progress (or everyone's sessions when no patient is chosen): the clinician's
// card with stage, flags and notes, the full `respira progress` summary, tension and breathing
// charts, and the session table.
//
// Sessions may be added from another workstation, so the screen reads the store again every
// few seconds. The read is a BackgroundRead: the frame loop draws the last read meanwhile and
// never waits on the store. A read for a patient no longer chosen is stopped and dropped.

#include <optional>
#include <string>
#include <vector>

#include "background_read.hpp"
#include "session/progress_summary.hpp"
#include "session/repository.hpp"

namespace respira::app {

struct UiContext;

class ProgressPanel {
 public:
  void Draw(UiContext& c);

  // One read of the store for one patient ("" = everyone).
  struct Read {
    std::string patient_id;
    std::vector<session::Session> sessions;  // finished ones, oldest first
    std::optional<session::PatientProgress> progress;  // the chosen patient's, for the clinician
    std::string clinical_summary;  // programme stage, trends and flags, as `respira progress` prints them
  };

 private:
  void take_finished_read(const std::string& patient, double now_s);

  std::optional<Read> shown_;  // the last successful read
  std::string read_for_;       // patient of the last finished read (shown or failed)
  double read_at_s_ = -1e9;    // when it finished; long ago, so the first frame reads
  std::string error_;          // why the last finished read failed, if it did
  std::string reading_for_;    // patient of the read in flight
  BackgroundRead<Read> loader_;  // last: stopped and joined before the rest goes
};

}  // namespace respira::app
