#!/usr/bin/env bash
# Whole-process benchmark of lutgen on JSC-S, JSC-M and JSC-L shaped models and on a stress model
# with a 15-bit table key in every layer: import, tables, generate, Verilator build and
# simulation, and `lutgen verify` with 100,000 samples. Each figure is the median of several runs;
# peak memory (maximum resident set size) comes from /usr/bin/time -v. The Google Benchmark
# micro-benchmarks (bench/lutgen_bench) run on the same models at the end.
#
# Usage: scripts/bench.sh [--build DIR] [--work DIR] [--runs N] [--verify-runs N] [--models "jsc-s ..."]
#                         [--skip-micro]
# Results: a table on stdout and in <work>/results.md; the raw per-run figures in <work>/runs.tsv.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$repo/build"
work="${TMPDIR:-/tmp}/lutgen-bench"
runs=5
verify_runs=3
models="jsc-s jsc-m jsc-l stress15"
simulation_samples=1000000
skip_micro=0

while [ $# -gt 0 ]; do
    case "$1" in
    --build) build="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --verify-runs) verify_runs="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --skip-micro) skip_micro=1; shift ;;
    -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: error: unknown option '$1'; see --help" >&2; exit 2 ;;
    esac
done

# Debian packages the benchmark needs beyond the build: GNU time and PyTorch for the checkpoints.
install_missing() {
    local missing=()
    [ -x /usr/bin/time ] || missing+=(time)
    /usr/bin/python3 -c 'import torch, numpy' 2>/dev/null || missing+=(python3-torch python3-numpy)
    [ ${#missing[@]} -eq 0 ] && return
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "bench.sh: installing ${missing[*]}" >&2
    $sudo apt-get install -y --no-install-recommends "${missing[@]}" >&2
}
install_missing

cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLUTGEN_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$build" -j 2 --target lutgen lutgen_bench >/dev/null
lutgen="$build/generator/lutgen"
[ -x "$lutgen" ] || lutgen="$(find "$build" -name lutgen -type f -perm -u+x | head -n 1)"

mkdir -p "$work"
/usr/bin/python3 "$repo/bench/make_shaped_checkpoints.py" "$work/models" $models >/dev/null

runs_file="$work/runs.tsv"
printf 'model\tstep\trun\tseconds\tpeak_kib\n' >"$runs_file"

# Runs a command under /usr/bin/time -v and appends "<model> <step> <run> <seconds> <peak KiB>"
# to runs.tsv. The wall time is taken with nanosecond resolution around the command.
measure() {
    local model="$1" step="$2" run="$3"
    shift 3
    local log="$work/last.log" timing="$work/last.time"
    local start end
    start=$(date +%s%N)
    if ! /usr/bin/time -v -o "$timing" "$@" >"$log" 2>&1; then
        echo "bench.sh: error: '$*' failed; its output is in $log" >&2
        cat "$log" >&2
        exit 1
    fi
    end=$(date +%s%N)
    local peak
    peak=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$timing")
    printf '%s\t%s\t%s\t%s\t%s\n' "$model" "$step" "$run" \
        "$(awk -v ns=$((end - start)) 'BEGIN {printf "%.4f", ns / 1e9}')" "$peak" >>"$runs_file"
}

# Prints the median of column <column> of runs.tsv for one model and step.
median() {
    local model="$1" step="$2" column="$3"
    awk -F'\t' -v m="$model" -v s="$step" -v c="$column" '$1 == m && $2 == s {print $c}' "$runs_file" |
        sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2];
                                          else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

for model in $models; do
    folder="$work/models/$model"
    echo "bench.sh: $model" >&2

    for run in $(seq 1 "$runs"); do
        measure "$model" import "$run" "$lutgen" import "$folder/model.pth" --arch "$folder/arch.json" \
            -o "$folder/model.json" --force
        # Outputs are removed first, so the figures do not include deleting the previous run's files.
        rm -rf "$folder/tables.json" "$folder/rtl"
        measure "$model" tables "$run" "$lutgen" tables "$folder/model.json" -o "$folder/tables.json"
        measure "$model" generate "$run" "$lutgen" generate "$folder/model.json" -o "$folder/rtl"
    done

    # verify with a fresh build cache each run, so the Verilator build is included.
    for run in $(seq 1 "$verify_runs"); do
        rm -rf "$folder/cache"
        measure "$model" verify "$run" "$lutgen" verify "$folder/rtl" --model "$folder/model.json" \
            --inputs "$folder/input.txt" --cache-dir "$folder/cache"
        grep -o 'built ([0-9.]* s build' "$work/last.log" | grep -o '[0-9.]*' |
            awk -v m="$model" -v r="$run" '{printf "%s\tverilator_build\t%s\t%s\t-\n", m, r, $1}' >>"$runs_file"
    done

    # Simulation rate of the built harness alone, on simulation_samples samples (the dump repeated).
    harness="$(find "$folder/cache" -name lutgen_harness -type f | head -n 1)"
    sim_input="$folder/simulation_input.txt"
    lines=$(wc -l <"$folder/input.txt")
    : >"$sim_input"
    for _ in $(seq 1 $(((simulation_samples + lines - 1) / lines))); do cat "$folder/input.txt" >>"$sim_input"; done
    head -n "$simulation_samples" "$sim_input" >"$sim_input.tmp" && mv "$sim_input.tmp" "$sim_input"
    # A one-sample run measures the model load ($readmemh of every table), which the rate excludes.
    head -n 1 "$folder/input.txt" >"$folder/one_sample.txt"
    for run in $(seq 1 "$runs"); do
        measure "$model" simulate "$run" "$harness" --rtl-dir "$folder/rtl" --input "$sim_input" \
            --output "$folder/simulation_output.txt"
        measure "$model" simulate_load "$run" "$harness" --rtl-dir "$folder/rtl" --input "$folder/one_sample.txt" \
            --output "$folder/simulation_output.txt"
    done
    rm -f "$folder/one_sample.txt"
    rm -f "$sim_input" "$folder/simulation_output.txt"
done

# The results table: medians, and rates derived from them.
results="$work/results.md"
{
    echo "| model | import s | tables s | generate s | import + generate s | import + tables + generate s | peak MiB (max of steps) | verify s (build included) | Verilator build s | RTL samples/s, whole process | model load s | RTL samples/s, load excluded |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
    for model in $models; do
        import=$(median "$model" import 4)
        tables=$(median "$model" tables 4)
        generate=$(median "$model" generate 4)
        peak=$(awk -F'\t' -v m="$model" '$1 == m && ($2 == "import" || $2 == "tables" || $2 == "generate") {
                   if ($5 > p) p = $5} END {printf "%.0f", p / 1024}' "$runs_file")
        verify=$(median "$model" verify 4)
        build_time=$(median "$model" verilator_build 4)
        simulate=$(median "$model" simulate 4)
        load=$(median "$model" simulate_load 4)
        printf '| %s | %s | %s | %s | %.3f | %.3f | %s | %s | %s | %.0f | %s | %.0f |\n' "$model" "$import" \
            "$tables" "$generate" "$(echo "$import + $generate" | bc -l)" \
            "$(echo "$import + $tables + $generate" | bc -l)" "$peak" "$verify" "$build_time" \
            "$(echo "$simulation_samples / $simulate" | bc -l)" "$load" \
            "$(echo "($simulation_samples - 1) / ($simulate - $load)" | bc -l)"
    done
} >"$results"
cat "$results"

if [ "$skip_micro" -eq 0 ]; then
    LUTGEN_BENCH_DIR="$work/models" "$build/bench/lutgen_bench" --benchmark_repetitions="$runs" \
        --benchmark_report_aggregates_only=true --benchmark_out="$work/micro.json" --benchmark_out_format=json |
        tee "$work/micro.txt"
fi
