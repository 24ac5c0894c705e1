#!/usr/bin/env bash
# Weekly-run benchmark: what `weekly --incremental` saves over a full weekly run, on one local corpus of 8 days.
#   jobs/bench/weekly.sh [SIZE] [WORKDIR]   SIZE of uncompressed JSON (default 250MB), WORKDIR (default bench-out)
# Runs, each a whole `weekly` process (JVM and Spark session start included), the report date D7 = day 7
# (window days 1-7) or D8 = day 8 (window days 2-8):
#   1. weekly D7                        full: reads the window's objects
#   2. weekly D7 --incremental          first incremental run: reads them all, fills the store
#   3. weekly D7 --incremental again    nothing new: lists, reads nothing, rebuilds the week from the store
#   4. weekly D8 --incremental          a window that moved one day: reads day 8 only
#   5. weekly D8                        full, for comparison with 4
# Printed: the process wall time, the ingest part (listing + read seconds of the run's ingest summary), files read.
# The driver heap is fixed with EBAUDIT_DRIVER_MEMORY (default 2g).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
size="${1:-250MB}"
work="$(mkdir -p "${2:-bench-out}" && cd "${2:-bench-out}" && pwd)"
corpus="$work/weekly-corpus-$size"
cli="$root/jobs/ebaudit"
export EBAUDIT_DRIVER_MEMORY="${EBAUDIT_DRIVER_MEMORY:-2g}"
from=2026-11-01
d7=$(date -u -d "$from + 6 days" +%F)
d8=$(date -u -d "$from + 7 days" +%F)

. "$root/jobs/bench/common.sh"

make_corpus "$corpus" "$size" 8
files=$(find "$corpus/AWSLogs" -path '*/CloudTrail/*' -name '*.json.gz' | wc -l)
find "$corpus/AWSLogs" -type f -print0 | xargs -0 cat > /dev/null # warm the page cache

# name, output root, report date, ebaudit arguments...
bench() {
  local name="$1" out="$2" date="$3"; shift 3
  local t0 t1
  t0=$(date +%s%N)
  "$cli" weekly --trail "$corpus" --out "$out" --report-date "$date" --iam "$corpus/iam" "$@" \
    > "$work/$name.out" 2> "$work/$name.log" || { tail -20 "$work/$name.log"; exit 1; }
  t1=$(date +%s%N)
  local s="$out/run/report_date=$date/ingest-summary.json"
  printf '%-40s %9s %9s %10s\n' "$name" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')" \
    "$(awk -v a="$(json_num listing_seconds "$s")" -v b="$(json_num read_seconds "$s")" 'BEGIN { printf "%.2f", a + b }')" \
    "$(json_num files_read "$s")"
}

rm -rf "$work/w-full" "$work/w-inc"
{
  echo
  echo "ebaudit weekly benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), driver heap $EBAUDIT_DRIVER_MEMORY)"
  echo "corpus: $files log files over 8 days ($size of JSON asked)"
  echo
  printf '%-40s %9s %9s %10s\n' "run" "wall s" "ingest s" "files read"
  bench "1 weekly $d7" "$work/w-full" "$d7"
  bench "2 weekly $d7 --incremental" "$work/w-inc" "$d7" --incremental
  bench "3 weekly $d7 --incremental (again)" "$work/w-inc" "$d7" --incremental
  bench "4 weekly $d8 --incremental" "$work/w-inc" "$d8" --incremental
  bench "5 weekly $d8" "$work/w-full" "$d8"
  echo
  echo "(wall: the whole process, JVM and Spark session start included; ingest: listing + read of the run's summary)"
}
