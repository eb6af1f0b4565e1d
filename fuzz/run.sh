#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60), on nightly, from any directory.
# A crash stops the run and leaves its input in fuzz/artifacts/<target>/; keep it as a
# regression fixture under server/tests/fuzz-crashers/<target>/ (see README.md).
set -euo pipefail
seconds="${1:-60}"
cd "$(dirname "$0")"
mkdir -p corpus/merge_changes corpus/decode_sync_request
for target in decode_sync_request merge_changes; do
  if cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo +nightly fuzz run "$target" "corpus/$target" -- -max_total_time="$seconds" -rss_limit_mb=2048
  else
    # Without cargo-fuzz: the same targets as plain libfuzzer-sys binaries.
    RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
      -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
      -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing" \
      cargo +nightly build --release --bin "$target"
    mkdir -p "artifacts/$target"
    "target/release/$target" "corpus/$target" -artifact_prefix="artifacts/$target/" \
      -max_total_time="$seconds" -rss_limit_mb=2048
  fi
done
