#!/usr/bin/env bash
# The README's second command (and CI's): build and run the whole test suite twice,
# once normally with warnings as errors and once under AddressSanitizer +
# UndefinedBehaviorSanitizer. Ends with ctest's summary; non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
JOBS=$(nproc)

scripts/install-deps.sh || exit 1

build() {  # build DIR [cmake options...]
  local dir=$1; shift
  cmake -S "$ROOT" -B "$dir" -DRESPIRA_WARNINGS_AS_ERRORS=ON "$@" >/dev/null &&
    cmake --build "$dir" -j"$JOBS"
}

export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export LSAN_OPTIONS=suppressions=$ROOT/tests/support/lsan.supp:print_suppressions=0

status=0
build build -DCMAKE_BUILD_TYPE=RelWithDebInfo || exit 1
build build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRESPIRA_SANITIZE=ON || exit 1

echo "== tests: normal build =="
ctest --test-dir build --output-on-failure -j"$JOBS" --timeout 600 || status=1
echo "== tests: AddressSanitizer + UndefinedBehaviorSanitizer build =="
ctest --test-dir build-asan --output-on-failure -j"$JOBS" --timeout 900 || status=1
exit $status
