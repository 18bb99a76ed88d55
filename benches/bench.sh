#!/usr/bin/env bash
# Benchmark: builds generated sites of 1,000 and 10,000 pages (and more on request) with the
# release binary and reports wall time (hyperfine, median after a warm-up), CPU, peak memory
# (RSS, from /usr/bin/time -v), pages per second and output size.
#
#   benches/bench.sh                 # 1000 and 10000 pages
#   benches/bench.sh 1000 50000      # chosen sizes
#   BENCH_DIR=/dev/shm/liaison benches/bench.sh   # on tmpfs
#
# Needs python3 and hyperfine (apt-get install hyperfine). The corpus generator is
# ../shared/bench/gen_corpus.py (override with GEN=path).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000 10000)
gen=${GEN:-$root/../shared/bench/gen_corpus.py}
work=${BENCH_DIR:-$root/target/bench}
runs=${RUNS:-5}
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install hyperfine" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed: apt-get install time" >&2; exit 2; }

cargo build --release --quiet
bin=$root/target/release/liaison
mkdir -p "$work"

printf '%-8s %10s %10s %10s %10s %12s %10s\n' pages median_s user_s sys_s peak_MiB pages_per_s out_MiB
for n in "${sizes[@]}"; do
  site=$work/site-$n
  if [ ! -f "$site/corpus.json" ] || ! grep -q "\"pages\": $n," "$site/corpus.json"; then
    rm -rf "$site"
    python3 "$gen" --pages "$n" --out "$site" --flavor liaison >/dev/null
  fi
  rm -rf "$site/themes"; mkdir -p "$site/themes"; cp -r "$root/themes/default" "$site/themes/default"
  # Old outputs are moved aside, not deleted, right before a timed build: deleting a large tree
  # makes the next build's file creation slower for minutes on ext4.
  prepare="mv $site/public $work/old-\$RANDOM-\$RANDOM 2>/dev/null || true"
  json=$work/hyperfine-$n.json
  hyperfine --warmup 1 --runs "$runs" --prepare "$prepare" --export-json "$json" \
    "$bin build --root $site --now 2019-01-01" >/dev/null 2>&1
  median=$(python3 -c "import json;r=json.load(open('$json'))['results'][0];print(f\"{r['median']:.3f} {r['user']:.3f} {r['system']:.3f}\")")
  mv "$site/public" "$work/old-$RANDOM-$RANDOM" 2>/dev/null || true
  peak=$(/usr/bin/time -v "$bin" build --root "$site" --now 2019-01-01 2>&1 >/dev/null | awk '/Maximum resident/ {printf "%.0f", $6/1024}')
  pages=$("$bin" build --root "$site" --now 2019-01-01 | sed -E 's/Built ([0-9]+) pages.*/\1/')
  out=$(du -sm "$site/public" | cut -f1)
  read -r med user sys <<<"$median"
  pps=$(python3 -c "print(round($pages/$med))")
  printf '%-8s %10s %10s %10s %10s %12s %10s\n' "$n" "$med" "$user" "$sys" "$peak" "$pps" "$out"
done
rm -rf "$work"/old-*
