#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each (default 60), on nightly, from
# any directory: fuzz/run.sh 300, fuzz/run.sh 120 merge_changes. Each starts from the seeds in
# fuzz/seeds/<target>/ (valid inputs, committed) and the corpus of earlier runs.
# A crash stops the run and leaves its input in fuzz/artifacts/<target>/; keep it as a
# regression fixture under server/tests/fuzz-crashers/<target>/ (see README.md).
set -euo pipefail
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(decode_sync_request merge_changes)
cd "$(dirname "$0")"
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  if cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" -- -max_total_time="$seconds" -rss_limit_mb=2048
  else
    # Without cargo-fuzz: the same targets as plain libfuzzer-sys binaries.
    RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
      -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
      -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing" \
      cargo +nightly build --release --bin "$target"
    mkdir -p "artifacts/$target"
    "target/release/$target" "corpus/$target" "seeds/$target" -artifact_prefix="artifacts/$target/" \
      -max_total_time="$seconds" -rss_limit_mb=2048
  fi
done
