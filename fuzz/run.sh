#!/usr/bin/env bash
# Runs every fuzz target for SECONDS seconds each (default 60), with seed inputs made from the
# example site and the test fixtures. Needs the nightly toolchain and cargo-fuzz
# (`cargo install cargo-fuzz`). A crash stops the run and leaves its input in
# fuzz/artifacts/<target>/; turn it into a regression test under tests/ (see README).
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
repo=..
# The item_fields and site_build targets make a starter site in a temporary folder that
# libFuzzer's exit never removes: keep those folders here and clear them on every run.
rm -rf tmp
mkdir -p tmp
export TMPDIR="$PWD/tmp"

# Seeds: the Markdown files as they are; for item_fields and site_build a first byte picks the
# kind or the file (see the targets), so each seed gets the byte that matches where it came from.
seed() { # target name bytes-file
  mkdir -p "corpus/$1"
  cat > "corpus/$1/$2"
}
kind_of() { # path -> 0 activities, 1 partners, 2 recruitment, 3 pages
  case "$1" in
    */activities/*) echo 0 ;; */partners/*) echo 1 ;; */recruitment/*) echo 2 ;; *) echo 3 ;;
  esac
}
n=0
while IFS= read -r -d '' f; do
  n=$((n + 1))
  k=$(kind_of "$f")
  seed front_matter "seed-$n" < "$f"
  seed markdown "seed-$n" < <(awk 'c >= 2 { print } /^\+\+\+$/ { c++ }' "$f")
  case "$f" in
    *.toml) fm() { cat "$f"; } ;;
    *) fm() { sed -n '2,/^+++$/p' "$f" | sed '$d'; } ;;
  esac
  { printf "\\x0$k"; fm; } | seed item_fields "seed-$n"
  case "$f" in
    */_index.md) { printf '\x05'; cat "$f"; } ;;
    *) { printf "\\x0$k"; cat "$f"; } ;;
  esac | seed site_build "seed-$n"
done < <(find "$repo/content" "$repo/tests/sites/basic/content" "$repo/src/starter/content" \
  \( -name '*.md' -o -name '*.toml' \) -print0)
{ printf '\x07'; cat "$repo/src/starter/site.toml"; } | seed site_build site-toml

mkdir -p logs
# Build every target first, so a target that no longer compiles against liaison's API is
# reported as that, not as a crash found by fuzzing.
if ! cargo +nightly fuzz build > logs/build.log 2>&1; then
  tail -n 60 logs/build.log
  echo "the fuzz targets do not build (see above): update fuzz/fuzz_targets/ to liaison's API"
  exit 1
fi
for target in front_matter item_fields markdown site_build; do
  echo "== fuzz $target (${seconds} s)"
  # -timeout: one input taking over 10 s is a hang; -rss_limit_mb: unbounded memory is a crash.
  status=0
  cargo +nightly fuzz run "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    > "logs/$target.log" 2>&1 || status=$?
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|Done )' "logs/$target.log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 60 "logs/$target.log"
    echo "fuzz target $target failed; the input is in fuzz/artifacts/$target/"
    exit "$status"
  fi
done
