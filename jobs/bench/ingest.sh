#!/usr/bin/env bash
# Ingest benchmark: one corpus, the same files and cores for every contender.
#   jobs/bench/ingest.sh [SIZE] [WORKDIR]      SIZE of uncompressed JSON (default 2GB), WORKDIR (default bench-out)
# Contenders, all reading the same CloudTrail log files after the page cache was warmed:
#   1. zcat of every file to /dev/null, one process at a time (the floor: decompression alone)
#   2. Spark's own JSON reader with an explicit schema + explode, writing Parquet (ebaudit bench-spark-json)
#   3. ebaudit ingest (listing to committed output; Spark session start reported apart)
# The driver heap is fixed with EBAUDIT_DRIVER_MEMORY (default 2g) whatever the corpus size.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
size="${1:-2GB}"
work="$(mkdir -p "${2:-bench-out}" && cd "${2:-bench-out}" && pwd)"
corpus="$work/corpus-$size"
cli="$root/jobs/ebaudit"
export EBAUDIT_DRIVER_MEMORY="${EBAUDIT_DRIVER_MEMORY:-2g}"

secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }
. "$root/jobs/bench/common.sh"
rss_mb() { sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$1" | awk '{ printf "%d", $1 / 1024 }'; }

make_corpus "$corpus" "$size" 7
find "$corpus/AWSLogs" -path '*/CloudTrail/*' -name '*.json.gz' | sort > "$work/files.txt"
files=$(wc -l < "$work/files.txt")
compressed=$(xargs -a "$work/files.txt" cat | wc -c)
echo "== warming the page cache ($files files, $compressed bytes)" >&2
xargs -a "$work/files.txt" cat > /dev/null

echo "== 1/3 zcat" >&2
t0=$(date +%s%N)
xargs -a "$work/files.txt" zcat > /dev/null
t1=$(date +%s%N)
zcat_s=$(secs "$t0" "$t1")
uncompressed=$(xargs -a "$work/files.txt" zcat | wc -c)

echo "== 2/3 spark read.json (explicit schema) + explode + parquet" >&2
rm -rf "$work/spark-json"
t0=$(date +%s%N)
/usr/bin/time -v "$cli" bench-spark-json --trail "$corpus" --out "$work/spark-json" 2> "$work/spark-json.log" || { tail -20 "$work/spark-json.log"; exit 1; }
t1=$(date +%s%N)
sj_wall=$(secs "$t0" "$t1")
sj_session=$(sed -n 's/.*spark session started in \([0-9.]*\) s.*/\1/p' "$work/spark-json.log")
sj_work=$(sed -n 's/.*spark-json read+write took \([0-9.]*\) s.*/\1/p' "$work/spark-json.log")
sj_rss=$(rss_mb "$work/spark-json.log")

echo "== 3/3 ebaudit ingest" >&2
rm -rf "$work/ingest"
t0=$(date +%s%N)
/usr/bin/time -v "$cli" ingest --trail "$corpus" --out "$work/ingest" > "$work/ingest.out" 2> "$work/ingest.log" || { tail -20 "$work/ingest.log"; exit 1; }
t1=$(date +%s%N)
in_wall=$(secs "$t0" "$t1")
in_session=$(sed -n 's/.*spark session started in \([0-9.]*\) s.*/\1/p' "$work/ingest.log")
summary="$work/ingest/ingest-summary.json"
in_list=$(json_num listing_seconds "$summary")
in_read=$(json_num read_seconds "$summary")
in_work=$(awk -v a="$in_list" -v b="$in_read" 'BEGIN { printf "%.2f", a + b }')
in_rss=$(rss_mb "$work/ingest.log")
records=$(json_num records_read "$summary")

mb=$(awk -v u="$uncompressed" 'BEGIN { printf "%.1f", u / 1048576 }')
tput() { awk -v u="$uncompressed" -v s="$1" 'BEGIN { printf "%.0f", u / 1048576 / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cat <<REPORT

ebaudit ingest benchmark  ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, driver heap $EBAUDIT_DRIVER_MEMORY)
corpus: $files log files, $compressed bytes gzipped, $mb MB of JSON, $records records

contender                         seconds   MB/s (uncompressed)   vs zcat   peak RSS MB
zcat, one process                 $zcat_s   $(tput "$zcat_s")                   1.00      -
spark read.json + explode + write $sj_work   $(tput "$sj_work")                   $(ratio "$sj_work" "$zcat_s")      $sj_rss
ebaudit ingest (list..commit)     $in_work   $(tput "$in_work")                   $(ratio "$in_work" "$zcat_s")      $in_rss

ebaudit ingest: listing $in_list s, read+dedup+write $in_read s; session start $in_session s; process wall $in_wall s
spark json: session start $sj_session s; process wall $sj_wall s
ebaudit ingest is $(ratio "$sj_work" "$in_work")x faster than Spark's JSON reader; $(ratio "$in_work" "$zcat_s")x the time of zcat
targets: <= 1.5x zcat; >= 5x faster than Spark's JSON reader
REPORT
