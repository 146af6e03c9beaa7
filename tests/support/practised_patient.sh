# Sourced by end-to-end tests (after setting RESPIRA and SRC).
#   practised_patient STORE NAME PRE_TENSION...
# adds a patient to STORE (an SQLite file or a postgresql:// URL), records one 60 s session of
# the bundled recording per pre-tension rating given (post-tension 3), and prints the id.
practised_patient() {
  local store=$1 name=$2 patient pre
  shift 2
  patient=$("$RESPIRA" patient add "$name" --db "$store" | tail -n1 | awk '{print $1}')
  for pre in "$@"; do
    "$RESPIRA" session record --db "$store" --patient "$patient" \
      --source "replay:$SRC/assets/recordings/neurokit_resting_rsp_150s.csv@max" \
      --duration 60 --pre-tension "$pre" --post-tension 3 >/dev/null
  done
  echo "$patient"
}
