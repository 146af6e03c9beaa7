#!/usr/bin/env bash
# Coverage-guided fuzzing of every Respira parser with libFuzzer (clang from Debian).
#
#   scripts/fuzz.sh [SECONDS] [PARSER...]     # default: 60 s each, every fuzz/fuzz_*.cpp
#
# Builds build-fuzz/ with clang, every target instrumented for coverage and built with
# AddressSanitizer + UndefinedBehaviorSanitizer, links each harness fuzz/fuzz_<parser>.cpp
# with libFuzzer and runs it for SECONDS, starting from the kept seeds in fuzz/corpus/<parser>,
# the past crash inputs in fuzz/regressions/<parser>
# plus everything found by earlier runs (build-fuzz/corpus/<parser>, not committed).
# Prints executions, coverage and crashes per harness; exits non-zero if any harness crashed.
# A crash input lands in build-fuzz/artifacts/<parser>/: once fixed, copy it to
# fuzz/regressions/<parser>/ so the normal test suite (ctest -L fuzz) replays it forever.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_EACH=${1:-60}
shift $(( $# > 0 ? 1 : 0 ))
BUILD=$ROOT/build-fuzz
JOBS=${JOBS:-2}

if [ $# -gt 0 ]; then
  PARSERS=("$@")
else
  PARSERS=()
  for f in fuzz/fuzz_*.cpp; do
    name=$(basename "$f" .cpp); name=${name#fuzz_}
    [ "$name" = support ] || PARSERS+=("$name")
  done
fi

for tool in clang clang++; do
  command -v $tool >/dev/null || { echo "fuzz.sh: $tool not found (apt-get install clang)" >&2; exit 1; }
done

mkdir -p "$BUILD"
SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g"
CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRESPIRA_FUZZ=ON -DRESPIRA_BUILD_TESTS=OFF \
  -DCMAKE_C_FLAGS="$SAN" -DCMAKE_CXX_FLAGS="$SAN" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >"$BUILD/configure.log" 2>&1 ||
  { cat "$BUILD/configure.log"; echo "fuzz.sh: configure failed" >&2; exit 1; }
targets=()
for p in "${PARSERS[@]}"; do targets+=("fuzz_$p"); done
cmake --build "$BUILD" -j"$JOBS" --target "${targets[@]}" || { echo "fuzz.sh: build failed" >&2; exit 1; }

export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
summary=()
for p in "${PARSERS[@]}"; do
  work=$BUILD/corpus/$p artifacts=$BUILD/artifacts/$p log=$BUILD/logs/$p.log
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  before=$(find "$artifacts" -type f | wc -l)
  echo "== fuzz_$p: ${SECONDS_EACH} s (log: $log)"
  "$BUILD/fuzz/fuzz_$p" "$work" "fuzz/corpus/$p" "fuzz/regressions/$p" \
    -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  crashes=$(( $(find "$artifacts" -type f | wc -l) - before ))
  if [ $rc -ne 0 ] || [ $crashes -gt 0 ]; then
    status=1
    grep -m1 -E 'ERROR: |fuzz property violated|runtime error' "$log" | sed 's/^/   /'
    ls -t "$artifacts" | head -n "$crashes" | sed "s|^|   crash input: $artifacts/|"
  fi
  summary+=("$(printf '%-14s %12s executions  %6s edges  %s crash(es)' "$p" "${execs:-?}" "${cov:-?}" "$crashes")")
done
echo "== summary (${SECONDS_EACH} s per harness)"
printf '%s\n' "${summary[@]}"
exit $status
