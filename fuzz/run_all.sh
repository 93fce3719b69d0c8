#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each, one after another, and prints one
# summary line per target: executions, coverage, corpus size, and whether a crash was found.
#   bash fuzz/run_all.sh [SECONDS] [TARGET...]        (default 600 s, all targets)
# Needs the nightly toolchain and cargo-fuzz (cargo install cargo-fuzz). Crashes are left in
# fuzz/artifacts/TARGET/; add each as a regression test before fixing it.
set -uo pipefail
cd "$(dirname "$0")"
secs="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=($(cargo +nightly fuzz list))
fi
echo "target,seconds,executions,coverage,features,corpus,result"
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "seeds/$t"
  log=$(mktemp)
  # The loaders also get the dictionary of invisible characters, separators and mixed encodings.
  dict=()
  case "$t" in csv_ledger|json_ledger|sqlite_db|weights) dict=(-dict=dict/ledger.dict) ;; esac
  cargo +nightly fuzz run "$t" "corpus/$t" "seeds/$t" -- -max_total_time="$secs" -print_final_stats=1 "${dict[@]}" >"$log" 2>&1
  rc=$?
  line=$(grep -E "DONE|#[0-9]+.*cov:" "$log" | tail -1)
  runs=$(grep -oE "stat::number_of_executed_units: *[0-9]+" "$log" | grep -oE "[0-9]+$")
  cov=$(echo "$line" | grep -oE "cov: [0-9]+" | grep -oE "[0-9]+")
  ft=$(echo "$line" | grep -oE "ft: [0-9]+" | grep -oE "[0-9]+")
  corp=$(echo "$line" | grep -oE "corp: [0-9]+" | grep -oE "[0-9]+")
  result=$([ $rc -eq 0 ] && echo "no crash" || echo "CRASH (see $log)")
  echo "$t,$secs,${runs:-?},${cov:-?},${ft:-?},${corp:-?},$result"
done
