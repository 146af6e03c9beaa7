#pragma once
// The clinician's patient list: every patient in the store, one row each with programme stage,
// recent practice, tension and its trend, and the plateau / flare-up flags as icon and word
// (never colour alone). Choosing a row (mouse, or arrows then Enter/Space) opens that patient's
// Progress screen.
//
// The rows come from session::load_clinic_overview, which reads every patient's record; on a
// clinic's PostgreSQL server that can take a while, so it is a BackgroundRead and the frame
// loop only picks up the finished list. Leaving the window stops the load between patients.

#include <string>
#include <vector>

#include "background_read.hpp"
#include "session/progress_overview.hpp"

namespace respira::app {

struct UiContext;

class ClinicPanel {
 public:
  void Draw(UiContext& c);

 private:
  void start_loading(const UiContext& c);
  void draw_table(UiContext& c);

  std::vector<session::PatientOverview> rows_;
  std::string error_;
  bool have_rows_ = false;
  double loaded_at_s_ = -1e9;
  double last_drawn_s_ = -1e9;  // to notice the screen being opened again
  bool focus_first_row_ = false;
  BackgroundRead<std::vector<session::PatientOverview>> loader_;  // last: stopped before the rest goes
};

}  // namespace respira::app
