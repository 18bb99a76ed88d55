#!/usr/bin/env bash
# Benchmark of `liaison build` on generated sites (../shared/bench/gen_corpus.py).
#
#   benches/bench.sh                 # 1,000 and 10,000 pages
#   benches/bench.sh 1000 10000 50000
#   RUNS=7 HUGO=0 SHM=0 benches/bench.sh 10000
#
# For each size it reports, on the disk (BENCH_DIR, default target/bench) and on /dev/shm:
#   - liaison build, cold (no previous output, no spare): median wall time of RUNS runs after
#     a warm-up (hyperfine), user and system CPU (means from hyperfine), peak RSS
#     (/usr/bin/time -v), pages per second (HTML files in the output / median) and output size;
#   - a rebuild of unchanged content over the previous output (the spare is recycled): median;
#   - the I/O floor of that same output, in the same run: `cat` of every content file plus
#     `cp -r` of the output folder (median of RUNS), and liaison's time as a multiple of it;
#   - with Hugo (HUGO=1 installs Debian's hugo if missing; by default used when installed;
#     HUGO=0 skips it): the same pages in the `--flavor hugo` layout, liaison and hugo run in
#     turn (A B A B, RUNS pairs, /usr/bin/time), medians, peak RSS and the ratio liaison/hugo
#     (median of the per-pair ratios, so drift on a shared machine cancels out), on the disk
#     and on /dev/shm, with the files and megabytes each wrote.
# Then the scaling exponent k of time ~ pages^k and memory ~ pages^k (least-squares fit of
# log-log points over the sizes; k = 1 is linear).
#
# Old outputs are moved aside before each timed build and deleted only at the end: deleting a
# large tree just before a build makes its file creation several times slower for minutes
# (ext4 inode allocation). Every timed run starts after a `sync`: Linux writes dirty files back
# 30 s after they were written, so without it the write-back of earlier runs' outputs (250 MB a
# run at 10,000 pages) competed with later runs for the cores (per-pair ratios at 10,000 pages
# spread 0.21-0.41 without it, 0.27-0.30 with it). The page count comes from the output (HTML
# files), never from the build's summary line, which is localised.
#
# Needs python3, hyperfine and /usr/bin/time (apt-get install hyperfine time).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000 10000)
gen=${GEN:-$root/../shared/bench/gen_corpus.py}
work=${BENCH_DIR:-$root/target/bench}
shm=${SHM_DIR:-/dev/shm/liaison-bench}
runs=${RUNS:-5}
now=2019-01-01
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install hyperfine" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed: apt-get install time" >&2; exit 2; }
use_hugo=${HUGO:-auto}
if [ "$use_hugo" = 1 ] && ! command -v hugo >/dev/null; then
  apt-get install -y hugo >/dev/null || { echo "cannot install hugo" >&2; exit 2; }
fi
if [ "$use_hugo" = auto ]; then
  if command -v hugo >/dev/null; then use_hugo=1; else use_hugo=0; fi
fi
use_shm=${SHM:-1}
[ -d /dev/shm ] || use_shm=0

cargo build --release --quiet
bin=$root/target/release/liaison
mkdir -p "$work/trash"
export LIAISON_LANG=en

# gen <flavor> <pages> <dir>: generates the corpus unless it is already there.
gen_site() {
  local flavor=$1 n=$2 dir=$3
  if [ ! -f "$dir/corpus.json" ] || ! grep -q "\"pages\": $n," "$dir/corpus.json"; then
    rm -rf "$dir"
    python3 "$gen" --pages "$n" --out "$dir" --flavor "$flavor" >/dev/null
  fi
  if [ "$flavor" = liaison ]; then
    rm -rf "$dir/themes"; mkdir -p "$dir/themes"; cp -r "$root/themes/default" "$dir/themes/default"
  fi
}

# aside <path> <trash>: moves a folder out of the way (deleted at the end).
aside() { [ -e "$1" ] && mv "$1" "$2/$(date +%s%N)-$RANDOM" || true; }

# median of the numbers on stdin
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# timed <trash> <out> <cmd...>: one run after moving <out> aside; prints "wall user sys maxrss_kb".
timed() {
  local trash=$1 out=$2; shift 2
  aside "$out" "$trash"
  sync
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$@" >/dev/null 2>&1
  cat "$work/time.txt"
}

results=$work/results.tsv
: >"$results"
report=$work/report.txt
: >"$report"
say() { echo "$@" | tee -a "$report"; }

# measure <label> <site dir> <trash>
measure() {
  local label=$1 site=$2 trash=$3 n=$4
  local json=$work/hyperfine.json
  # Cold: the output and the spare kept for recycling are moved aside before each run.
  local cold="mv $site/public $trash/\$(date +%s%N) 2>/dev/null; mv $site/.public.liaison-spare $trash/\$(date +%s%N)-s 2>/dev/null; sync"
  hyperfine --warmup 1 --runs "$runs" --prepare "$cold" \
    --export-json "$json" "$bin build --root $site --now $now" >/dev/null 2>&1
  read -r med user sys < <(python3 -c "import json;r=json.load(open('$json'))['results'][0];print(f\"{r['median']:.3f} {r['user']:.3f} {r['system']:.3f}\")")
  aside "$site/public" "$trash"
  aside "$site/.public.liaison-spare" "$trash"
  local peak
  peak=$(/usr/bin/time -v "$bin" build --root "$site" --now $now 2>&1 >/dev/null | awk '/Maximum resident/ {printf "%.0f", $6/1024}')
  local pages out pps
  pages=$(find "$site/public" -name '*.html' | wc -l)
  out=$(du -sm "$site/public" | cut -f1)
  pps=$(python3 -c "print(round($pages/$med))")
  # The I/O floor of this output: read every input, copy the output tree.
  local floor_json=$work/floor.json copy=$trash/floor-copy
  hyperfine --warmup 1 --runs "$runs" --prepare "mv $copy $trash/\$(date +%s%N) 2>/dev/null; sync" \
    --export-json "$floor_json" \
    "find $site/content -type f -exec cat {} + >/dev/null; cp -r $site/public $copy" >/dev/null 2>&1
  local floor
  floor=$(python3 -c "import json;print(f\"{json.load(open('$floor_json'))['results'][0]['median']:.3f}\")")
  local times
  times=$(python3 -c "print(f'{$med/$floor:.1f}')")
  # Rebuild of the same content: the previous output exists and is recycled.
  hyperfine --warmup 2 --runs "$runs" --prepare sync --export-json "$json" "$bin build --root $site --now $now" >/dev/null 2>&1
  local rebuild
  rebuild=$(python3 -c "import json;print(f\"{json.load(open('$json'))['results'][0]['median']:.3f}\")")
  printf '%-8s %-6s %9s %8s %8s %9s %9s %8s %9s %8s %10s\n' "$n" "$label" "$med" "$user" "$sys" "$peak" "$pps" "$out" "$floor" "$times" "$rebuild" | tee -a "$report"
  printf '%s\t%s\t%s\t%s\n' "$label" "$pages" "$med" "$peak" >>"$results"
}

say "liaison $(git -C "$root" rev-parse --short HEAD), $(nproc) cores, $runs runs after a warm-up, --now $now"
printf '%-8s %-6s %9s %8s %8s %9s %9s %8s %9s %8s %10s\n' pages fs median_s user_s sys_s peak_MiB pages/s out_MiB floor_s x_floor rebuild_s | tee -a "$report"
for n in "${sizes[@]}"; do
  site=$work/site-$n
  gen_site liaison "$n" "$site"
  measure disk "$site" "$work/trash" "$n"
  if [ "$use_shm" = 1 ]; then
    mkdir -p "$shm/trash"
    rm -rf "$shm/site-$n"
    cp -r "$site" "$shm/site-$n"
    rm -rf "$shm/site-$n/public" "$shm/site-$n/.public.liaison-spare"
    measure shm "$shm/site-$n" "$shm/trash" "$n"
    rm -rf "$shm/site-$n" "$shm/trash"
  fi
done

# versus <fs> <n> <site> <hugo site> <trash>: liaison and hugo in turn (A B A B), RUNS pairs after
# a warm-up of both; medians, peak RSS, the median of the per-pair ratios, and what each wrote.
versus() {
  local fs=$1 n=$2 site=$3 hsite=$4 trash=$5
  aside "$site/.public.liaison-spare" "$trash"
  timed "$trash" "$site/public" "$bin" build --root "$site" --now $now >/dev/null
  timed "$trash" "$hsite/public" hugo -s "$hsite" --quiet >/dev/null
  : >"$work/pairs.txt"
  for _ in $(seq "$runs"); do
    aside "$site/.public.liaison-spare" "$trash"
    read -r lw _ _ lm < <(timed "$trash" "$site/public" "$bin" build --root "$site" --now $now)
    read -r hw _ _ hm < <(timed "$trash" "$hsite/public" hugo -s "$hsite" --quiet)
    echo "$lw $hw $lm $hm" >>"$work/pairs.txt"
  done
  local lmed hmed lmem hmem ratio lout hout
  lmed=$(awk '{print $1}' "$work/pairs.txt" | median)
  hmed=$(awk '{print $2}' "$work/pairs.txt" | median)
  lmem=$(awk '{print $3/1024}' "$work/pairs.txt" | median)
  hmem=$(awk '{print $4/1024}' "$work/pairs.txt" | median)
  ratio=$(awk '{print $1/$2}' "$work/pairs.txt" | median)
  # What each wrote: files / MB (liaison's search index, calendars and list pages are extra).
  lout="$(find "$site/public" -type f | wc -l)/$(du -sm --apparent-size "$site/public" | cut -f1)"
  hout="$(find "$hsite/public" -type f | wc -l)/$(du -sm --apparent-size "$hsite/public" | cut -f1)"
  printf '%-8s %-6s %10s %10s %12.0f %12.0f %14s %14s %10.3f (hugo/liaison %.1fx)\n' "$n" "$fs" "$lmed" "$hmed" "$lmem" "$hmem" \
    "$lout" "$hout" "$ratio" "$(python3 -c "print(1/$ratio)")" | tee -a "$report"
}

if [ "$use_hugo" = 1 ]; then
  say ""
  say "liaison vs $(hugo version | cut -d' ' -f1-2), same corpus, runs in turn (A B A B); output as files/MB:"
  printf '%-8s %-6s %10s %10s %12s %12s %14s %14s %10s\n' pages fs liaison_s hugo_s liaison_MiB hugo_MiB liaison_out hugo_out ratio_l/h | tee -a "$report"
  for n in "${sizes[@]}"; do
    site=$work/site-$n hsite=$work/hugo-$n
    gen_site hugo "$n" "$hsite"
    versus disk "$n" "$site" "$hsite" "$work/trash"
    if [ "$use_shm" = 1 ]; then
      mkdir -p "$shm/trash"
      rm -rf "$shm/site-$n" "$shm/hugo-$n"
      cp -r "$site" "$shm/site-$n"
      cp -r "$hsite" "$shm/hugo-$n"
      rm -rf "$shm/site-$n/public" "$shm/site-$n/.public.liaison-spare" "$shm/hugo-$n/public" "$shm/hugo-$n/resources"
      versus shm "$n" "$shm/site-$n" "$shm/hugo-$n" "$shm/trash"
      rm -rf "$shm/site-$n" "$shm/hugo-$n" "$shm/trash"
    fi
  done
fi

# One-page edits under `liaison watch` (on /dev/shm when available, else the disk): the watcher's
# own "Rebuilt (...) in N ms" lines, from the file event to the last changed file written (the
# debounce window of 80 ms before it is not counted). Each edit changes the title of one
# activity, so its page, its neighbours, lists, tag and year pages, the feed, the calendar and
# the search index all change; the median of EDITS edits after one unmeasured edit.
edits=${EDITS:-7}
say ""
say "one-page edit under liaison watch (median of $edits edits; title of one activity changed):"
printf '%-8s %12s %12s %14s\n' pages rebuild_ms files_written pages_rendered | tee -a "$report"
for n in "${sizes[@]}"; do
  site=$work/site-$n
  wdir=$site
  if [ "$use_shm" = 1 ]; then
    mkdir -p "$shm"; rm -rf "$shm/watch-$n"; cp -r "$site" "$shm/watch-$n"; wdir=$shm/watch-$n
  fi
  target=$(find "$wdir/content/activities" -name '*.md' ! -name '_index.md' | sort | sed -n 5p)
  log=$work/watch-$n.log
  LIAISON_TIMINGS=1 "$bin" watch --root "$wdir" --now $now >"$log" 2>&1 &
  wpid=$!
  until grep -q "^Watching" "$log" 2>/dev/null; do sleep 0.5; kill -0 $wpid 2>/dev/null || break; done
  for k in $(seq 0 "$edits"); do
    before=$(grep -c "^Rebuilt (" "$log" || true)
    sed -i "0,/^title = \"/s//title = \"e$k /" "$target"
    until [ "$(grep -c "^Rebuilt (" "$log" || true)" -gt "$before" ]; do sleep 0.1; done
    sleep 0.3
  done
  kill $wpid 2>/dev/null; wait $wpid 2>/dev/null || true
  grep "^Rebuilt (content" "$log" | tail -n "$edits" | sed -E 's/.* ([0-9]+) files written.* in ([0-9]+) ms/\2 \1/' >"$work/edits.txt"
  grep "pages rendered" "$log" | tail -n "$edits" | awk '{print $NF}' >"$work/rendered.txt" || true
  printf '%-8s %12s %12s %14s\n' "$n" "$(awk '{print $1}' "$work/edits.txt" | median)" \
    "$(awk '{print $2}' "$work/edits.txt" | median)" "$(median <"$work/rendered.txt")" | tee -a "$report"
  rm -rf "$shm/watch-$n"
done

if [ ${#sizes[@]} -ge 2 ]; then
  say ""
  python3 - "$results" <<'EOF' | tee -a "$report"
import math, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().splitlines() if l]
def fit(xs, ys):
    lx = [math.log(x) for x in xs]; ly = [math.log(y) for y in ys]
    mx = sum(lx) / len(lx); my = sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)
for label in sorted({r[0] for r in rows}):
    pts = [(int(r[1]), float(r[2]), float(r[3])) for r in rows if r[0] == label]
    if len(pts) < 2:
        continue
    xs = [p[0] for p in pts]
    print(f"scaling ({label}, {xs[0]}..{xs[-1]} pages): time ~ pages^{fit(xs, [p[1] for p in pts]):.2f}, "
          f"peak memory ~ pages^{fit(xs, [p[2] for p in pts]):.2f}")
EOF
fi
rm -rf "$work/trash" "$shm"
echo "(report in $report)"
