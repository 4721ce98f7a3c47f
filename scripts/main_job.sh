#!/usr/bin/env bash
# The main job on the built-in default network (ResNet-18): time every
# distinct ResNet-18 layer under each scheduler (naive excluded: minutes per
# layer) with memsched_bench_layers, measure the machine's roofline briefly,
# run a small cachegrind validation when this build has `memsched validate`,
# and write everything into one HTML page, build/report/index.html, rendered
# to a PNG by headless Chromium when it is installed. Budget: about 3 minutes
# on 2 cores. MEMSCHED_BENCH_REPETITIONS overrides the repetitions (3);
# MEMSCHED_BIN_DIR the binaries' folder (build/bin, what scripts/build.sh makes).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${MEMSCHED_BIN_DIR:-build/bin}
OUT=build/report
mkdir -p "$OUT"
# Never report a previous run's numbers as this run's.
rm -f "$OUT"/bench.json "$OUT"/roofline.json "$OUT"/validation.json "$OUT"/index.*
REPS=${MEMSCHED_BENCH_REPETITIONS:-3}
report_args=()

echo "== layer benchmark: resnet18, $REPS repetitions (medians) =="
# Short min_time: the medians of a few repetitions are steadier on a shared
# machine than one long run, and the whole set stays within the budget.
bench_status=0
SECONDS=0
"$BIN"/memsched_bench_layers --set resnet18 \
    --benchmark_repetitions="$REPS" --benchmark_report_aggregates_only=true \
    --benchmark_min_time=0.02 \
    --benchmark_out="$OUT/bench.json" --benchmark_out_format=json \
    > "$OUT/bench.log" 2>&1 || bench_status=$?
if [ "$bench_status" -ne 0 ]; then
    # A failed correctness check still leaves the timings: report them, then fail.
    grep -E "ERROR|error" "$OUT/bench.log" | head -20 || true
    echo "note: memsched_bench_layers exited with $bench_status (log: $OUT/bench.log)"
fi
t_bench=$SECONDS
if [ -s "$OUT/bench.json" ]; then
    report_args+=(--bench "$OUT/bench.json")
fi

echo "== roofline (short: 3 repetitions, 256 MiB STREAM arrays) =="
SECONDS=0
if "$BIN"/memsched_roofline --repetitions 3 --array-mib 256 --fma-seconds 0.2 \
    --json "$OUT/roofline.json" > "$OUT/roofline.log" 2>&1; then
    report_args+=(--roofline "$OUT/roofline.json")
else
    echo "note: memsched_roofline failed (see $OUT/roofline.log); the report has no peak line"
fi

t_roof=$SECONDS
echo "== traffic validation (cachegrind, 2 layers at 1/4 size, 1 MiB LL) =="
SECONDS=0
if "$BIN"/memsched validate --help > /dev/null 2>&1; then
    if timeout 120 "$BIN"/memsched validate --set resnet18 --caches 1MiB \
        --schedulers manual,adams2019,memsched --scale 4 --max-layers 2 \
        --json "$OUT/validation.json" > "$OUT/validation.log" 2>&1; then
        report_args+=(--validation "$OUT/validation.json")
    else
        echo "note: memsched validate failed or timed out (see $OUT/validation.log);" \
             "the report says so"
    fi
else
    echo "note: this build has no 'memsched validate'; the traffic sections say not measured"
fi

t_val=$SECONDS
echo "== report (bench ${t_bench}s, roofline ${t_roof}s, validation ${t_val}s) =="
"$BIN"/memsched report "${report_args[@]}" --out "$OUT/index.html"

# A picture of the page, to look at without a browser, and a check that the
# page renders: a blank or failed render leaves a tiny PNG or none.
if command -v chromium > /dev/null; then
    timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --window-size=1200,7000 --screenshot="$OUT/index.png" \
        "file://$PWD/$OUT/index.html" > "$OUT/chromium.log" 2>&1 || true
    png_bytes=$(stat -c %s "$OUT/index.png" 2>/dev/null || echo 0)
    if [ "$png_bytes" -gt 100000 ]; then
        echo "screenshot: $OUT/index.png ($png_bytes bytes)"
    else
        echo "WARNING: chromium rendered no usable screenshot of $OUT/index.html" \
             "($png_bytes bytes; log: $OUT/chromium.log)"
    fi
else
    echo "note: no screenshot (install Debian's chromium package: scripts/install_deps.sh)"
fi
exit "$bench_status"
