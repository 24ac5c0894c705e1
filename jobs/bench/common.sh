# Shared by the benchmark scripts (sourced, not run). Needs $cli (jobs/ebaudit).

# json_num FIELD FILE: the first number of "FIELD" in a JSON file.
json_num() { sed -n "s/.*\"$1\" *: *\([0-9.Ee+-]*\).*/\1/p" "$2" | head -n 1; }

# make_corpus DIR SIZE DAYS: the deterministic sample corpus (4 accounts, seed 7, from 2026-11-01), made once.
make_corpus() {
  local dir="$1" size="$2" days="$3"
  if [ ! -f "$dir/.complete" ]; then
    echo "== generating a $size corpus in $dir" >&2
    rm -rf "$dir"
    "$cli" sample --out "$dir" --target-size "$size" --accounts 4 --seed 7 --from 2026-11-01 --days "$days" >&2
    touch "$dir/.complete"
  fi
}
