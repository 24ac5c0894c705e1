#!/usr/bin/env bash
# Production-run benchmark: what digest verification and incremental runs cost, on one local corpus.
#   jobs/bench/production.sh [SIZE] [WORKDIR]   SIZE of uncompressed JSON (default 500MB), WORKDIR (default bench-out)
# Runs (after 0. zcat of every log file, the machine's floor), each from the first listing to the committed output (listing_seconds + read_seconds of the
# summary; the Spark session start is not counted; the process wall time is printed too):
#   1. ingest                                   the baseline
#   2. ingest --verify-digests --public-keys    + hashing every file as it is read, parsing and checking
#                                                 the digests (chain, signatures), writing integrity/
#   3. ingest --incremental, days 1-6 of 7      a scheduled run's first run
#   4. the same, days 1-7                       the next day: reads only day 7, merges it
#   5. the same again                           nothing new: lists, reads nothing
# The driver heap is fixed with EBAUDIT_DRIVER_MEMORY (default 2g).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
size="${1:-500MB}"
work="$(mkdir -p "${2:-bench-out}" && cd "${2:-bench-out}" && pwd)"
corpus="$work/corpus-$size"
cli="$root/jobs/ebaudit"
export EBAUDIT_DRIVER_MEMORY="${EBAUDIT_DRIVER_MEMORY:-2g}"
from=2026-11-01

. "$root/jobs/bench/common.sh"

make_corpus "$corpus" "$size" 7
files=$(find "$corpus/AWSLogs" -path '*/CloudTrail/*' -name '*.json.gz' | wc -l)
digests=$(find "$corpus/AWSLogs" -path '*/CloudTrail-Digest/*' -name '*.json.gz' | wc -l)
uncompressed=$(find "$corpus/AWSLogs" -path '*/CloudTrail/*' -name '*.json.gz' -print0 | xargs -0 zcat | wc -c)
find "$corpus/AWSLogs" -type f -print0 | xargs -0 cat > /dev/null # warm the page cache

# name, output folder, ebaudit arguments...
bench() {
  local name="$1" out="$2"; shift 2
  local t0 t1
  t0=$(date +%s%N)
  "$cli" ingest --trail "$corpus" --out "$out" "$@" > "$work/$name.out" 2> "$work/$name.log" \
    || { tail -20 "$work/$name.log"; exit 1; }
  t1=$(date +%s%N)
  local s="$out/ingest-summary.json"
  local work_s read_n
  work_s=$(awk -v a="$(json_num listing_seconds "$s")" -v b="$(json_num read_seconds "$s")" 'BEGIN { printf "%.2f", a + b }')
  read_n=$(json_num files_read "$s")
  printf '%-44s %8s %10s %9s\n' "$name" "$work_s" "$read_n" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')"
}

rm -rf "$work/p-plain" "$work/p-verify" "$work/p-inc"
last=$(date -u -d "$from + 6 days" +%F)
day6=$(date -u -d "$from + 5 days" +%F)
{
  echo
  echo "ebaudit production-run benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), driver heap $EBAUDIT_DRIVER_MEMORY)"
  echo "corpus: $files log files, $digests digest files, $(awk -v u="$uncompressed" 'BEGIN { printf "%.0f", u / 1048576 }') MB of JSON"
  echo
  printf '%-44s %8s %10s %9s\n' "run" "seconds" "files read" "wall s"
  t0=$(date +%s%N)
  find "$corpus/AWSLogs" -path '*/CloudTrail/*' -name '*.json.gz' -print0 | xargs -0 zcat > /dev/null
  t1=$(date +%s%N)
  printf '%-44s %8s %10s %9s\n' "0 zcat of every log file (the floor)" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')" "$files" "-"
  bench "1 ingest" "$work/p-plain" --from "$from" --to "$last"
  bench "2 ingest --verify-digests --public-keys" "$work/p-verify" --from "$from" --to "$last" \
    --verify-digests --public-keys "$corpus/public-keys.json"
  bench "3 --incremental, days 1-6" "$work/p-inc" --from "$from" --to "$day6" --incremental
  bench "4 --incremental, days 1-7 (day 7 new)" "$work/p-inc" --from "$from" --to "$last" --incremental
  bench "5 --incremental, days 1-7 (nothing new)" "$work/p-inc" --from "$from" --to "$last" --incremental
  echo
  echo "(seconds: listing to committed output; wall: the whole process with the JVM and Spark session start)"
  sed -n 's/^ebaudit: integrity: /verify-digests: /p' "$work/2 ingest --verify-digests --public-keys.log" | head -1
}
