# Convenience recipes; every one is a plain cargo command, so `just` is optional.

# Run every test (what CI runs).
test:
    cargo test --workspace

# Formatting and lints, as CI would want them clean.
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings

# Benchmarks of the hot paths (parsing, counting); criterion writes reports under target/criterion.
bench:
    cargo bench --workspace

# Full count against outcome-only recount (issue 8), interleaved, fastest of RUNS each.
bench-repeated runs="300":
    cargo run --release -p recount-count --example repeated_min {{runs}}

# Rule variants `recount explain` counts and judges a second on one core, on a 10-candidate Scottish ward.
bench-explain:
    cargo run --release -p recount-official --example explain_speed

# Generate the 5-million-paper Senate-like BLT used for end-to-end timings (about 250 MB).
bench-data:
    mkdir -p target/bench
    cargo run --release -p recount -- generate --papers 5000000 --seed 1 -o target/bench/senate-5m.blt

# End-to-end timing of `recount info` on the 5M file, with peak memory (needs GNU time).
bench-info: bench-data
    cargo build --release -p recount
    /usr/bin/time -v target/release/recount info target/bench/senate-5m.blt 2>&1 | grep -E 'Elapsed|Maximum resident'

# End-to-end timing of `recount count --rules wigm` (parsing included) on the 5M file.
bench-count: bench-data
    cargo build --release -p recount
    /usr/bin/time -v target/release/recount count target/bench/senate-5m.blt --rules wigm -o target/bench/senate-5m.txt 2>&1 | grep -E 'Elapsed|Maximum resident'

# Rebuild the audit demo of audit-data/ byte for byte from its seeded generator.
demo:
    cargo run --release -p recount -- generate --demo audit-data

# The main job on the data shipped in audit-data/: the audit of the demo bundle.
audit:
    cargo run --release -p recount -- audit audit-data/momentum-demo --trust audit-data/demo-key.pub --html audit-report.html

# Hostile inputs (specs/limits.md): writes recount_testkit::hostile's files to
# target/hostile/ and runs `recount info` and `recount count --rules P
# --format json` for every preset on each, under an address-space cap
# (HOSTILE_CAP bytes, default 1 GiB; the real-shaped file e HOSTILE_CAP_LARGE,
# default 2 GiB) and a timeout (60 s; e 240 s), printing time and peak RSS per
# run. Fails if a run is killed, panics or aborts; a refusal (exit 2) is fine
# and a timeout is reported.
# HOSTILE_RULES narrows the presets, e.g. `HOSTILE_RULES="wigm meek" just hostile`.
hostile:
    #!/usr/bin/env bash
    set -uo pipefail
    cargo build --release -p recount -p recount-testkit --bin recount --bin recount-hostile || exit 1
    bin=target/release/recount
    cap=${HOSTILE_CAP:-1073741824}
    rules=${HOSTILE_RULES:-$($bin rules | awk '{print $1}')}
    files=$(target/release/recount-hostile target/hostile) || exit 1
    gnu_time=""
    if [ -x /usr/bin/time ] && /usr/bin/time -f %M true 2>/dev/null; then gnu_time=/usr/bin/time; fi
    failed=0 timeouts=0
    run() {
        local label=$1; shift
        local stats; stats=$(mktemp)
        local start=$SECONDS
        if [ -n "$gnu_time" ]; then
            timeout $secs prlimit --as=$limit -- $gnu_time -o "$stats" -f "%e s, peak RSS %M KB" "$@" >/dev/null 2>"$stats.err"
        else
            timeout $secs prlimit --as=$limit -- "$@" >/dev/null 2>"$stats.err"
        fi
        local rc=$?
        local took; took=$(tail -n 1 "$stats" 2>/dev/null)
        [ -n "$took" ] || took="$((SECONDS - start)) s"
        case $rc in
            0|1|2) printf '%-55s exit %d  %s\n' "$label" $rc "$took" ;;
            124) printf '%-55s TIMEOUT after %d s\n' "$label" $secs; timeouts=$((timeouts + 1)) ;;
            *) printf '%-55s KILLED or crashed (exit %d)  %s\n' "$label" $rc "$took"
               sed -n 1,5p "$stats.err"; failed=$((failed + 1)) ;;
        esac
        rm -f "$stats" "$stats.err"
    }
    echo "cap: $cap bytes of address space per run (file e: ${HOSTILE_CAP_LARGE:-2147483648})"
    for f in $files; do
        name=$(basename "$f")
        # File e is a real-shaped 10,000-candidate election, not a small
        # hostile file: its record is 10^8 figures (specs/limits.md), so it
        # gets its own cap and time.
        case $name in
            e-*) limit=${HOSTILE_CAP_LARGE:-2147483648} secs=240 ;;
            *) limit=$cap secs=60 ;;
        esac
        echo "== $name ($(stat -c %s "$f") bytes, cap $limit bytes, $secs s)"
        run "$name: info" $bin info --lenient "$f"
        for p in $rules; do
            run "$name: count --rules $p" $bin count --lenient --rules "$p" --format json "$f"
        done
    done
    echo "hostile: $failed killed or crashed, $timeouts timed out"
    [ $failed -eq 0 ]

# Issue 10: publish and verify a bundle of the 5M file, against sha256sum over
# its files: the fastest of 3 runs each, interleaved (a shared machine is
# noisy), and their ratio (the goal: verify within 2x of sha256sum).
bench-bundle: bench-data
    #!/usr/bin/env bash
    set -euo pipefail
    cargo build --release -p recount
    bin=${CARGO_TARGET_DIR:-target}/release/recount
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
    $bin keygen --name bench.example --out "$dir/k" >/dev/null
    /usr/bin/time -f "publish: %e s, peak RSS %M KB" $bin publish target/bench/senate-5m.blt --rules wigm --key "$dir/k.key" -o "$dir/b"
    sums=() verifies=()
    for i in 1 2 3; do
        sums+=($(cd "$dir/b" && { /usr/bin/time -f %e sha256sum -c --quiet MANIFEST >/dev/null; } 2>&1 | tail -n 1))
        verifies+=($({ /usr/bin/time -f %e $bin verify "$dir/b" --trust "$dir/k.pub" >/dev/null; } 2>&1 | tail -n 1))
    done
    /usr/bin/time -f "verify: peak RSS %M KB" $bin verify "$dir/b" --trust "$dir/k.pub" >/dev/null
    sum=$(printf '%s\n' "${sums[@]}" | sort -n | head -n 1)
    verify=$(printf '%s\n' "${verifies[@]}" | sort -n | head -n 1)
    echo "verify: ${verifies[*]} s (fastest $verify s)"
    echo "sha256sum -c MANIFEST: ${sums[*]} s (fastest $sum s)"
    awk -v v="$verify" -v s="$sum" 'BEGIN { printf "verify / sha256sum: %.2fx\n", v / s }'

# `recount audit` of a 5-million-paper bundle against `verify` and `count`
# run apart (the issue's goal: the audit is not slower than the two), and
# the size of its HTML report of a 100-candidate contest (goal: under 2 MB).
bench-audit: bench-data
    #!/usr/bin/env bash
    set -euo pipefail
    cargo build --release -p recount
    bin=${CARGO_TARGET_DIR:-target}/release/recount
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
    $bin keygen --name bench.example --out "$dir/k" >/dev/null
    $bin publish target/bench/senate-5m.blt --rules wigm --key "$dir/k.key" -o "$dir/b"
    t() { { /usr/bin/time -f %e "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -n 1; }
    audits=() verifies=() counts=()
    for i in 1 2 3; do
        verifies+=($( { /usr/bin/time -f %e $bin verify "$dir/b" --trust "$dir/k.pub" >/dev/null; } 2>&1 | tail -n 1))
        counts+=($( { /usr/bin/time -f %e $bin count target/bench/senate-5m.blt --rules wigm --quiet -o "$dir/t.txt"; } 2>&1 | tail -n 1))
        audits+=($( { /usr/bin/time -f %e $bin audit "$dir/b" --trust "$dir/k.pub" --quiet --html "$dir/r.html" >/dev/null; } 2>&1 | tail -n 1))
    done
    min() { printf '%s\n' "$@" | sort -n | head -n 1; }
    v=$(min "${verifies[@]}"); c=$(min "${counts[@]}"); a=$(min "${audits[@]}")
    echo "verify: ${verifies[*]} s; count: ${counts[*]} s; audit: ${audits[*]} s"
    awk -v v="$v" -v c="$c" -v a="$a" 'BEGIN { printf "audit %.2f s against verify + count %.2f s: %.2fx\n", a, v + c, a / (v + c) }'
    echo "HTML report of the 100-candidate contest: $(stat -c %s "$dir/r.html") bytes"

# Fuzz throughput (specs/workbench.md): 10 candidates, 3 seats, 1,000 papers,
# wigm against scottish-stv, on 2 cores and on 1 (goal: 5,000 cases a second).
bench-fuzz:
    cargo build --release -p recount
    -target/release/recount fuzz --rules wigm --against scottish-stv --bench-shape --cases 20000 --seed 2 --quiet -o target/tmp/bench-fuzz --keep 1
    -target/release/recount fuzz --rules wigm --against scottish-stv --bench-shape --cases 20000 --seed 2 --quiet -o target/tmp/bench-fuzz --keep 1 --jobs 1

# Margin search (specs/changes.md): a 10-candidate, 4-seat, 10,000-paper
# election under three presets (goal: 2 s, at most 10 s), and a verified
# upper bound on the 100-candidate, 6-seat, 1-million-paper Senate-shaped
# election (goal: within 60 s), each with time and peak memory.
bench-margin:
    #!/usr/bin/env bash
    set -euo pipefail
    cargo build --release -p recount
    dir=target/bench/margin; mkdir -p "$dir"
    bin=target/release/recount
    [ -f "$dir/e10.blt" ] || $bin generate --candidates 10 --seats 4 --papers 10000 --mean-length-tenths 50 --seed 3 -o "$dir/e10.blt"
    [ -f "$dir/s1m.blt" ] || $bin generate --papers 1000000 --seed 1 -o "$dir/s1m.blt"
    for rules in scottish-stv wigm meek; do
        /usr/bin/time -f "10,000 papers, $rules: %e s, peak %M KB" $bin margin "$dir/e10.blt" --rules $rules --quiet --force -o "$dir/c10-$rules" | grep -E '^Margin'
    done
    /usr/bin/time -f "1,000,000 papers, wigm: %e s, peak %M KB" $bin margin "$dir/s1m.blt" --rules wigm --quiet --force -o "$dir/c1m" | grep -E '^Margin|^Recounts'

# The invariant suite at length: 100,000 cases of each property each preset
# is expected to hold (specs/workbench.md); exit 1 at the first that fails.
fuzz-long:
    #!/usr/bin/env bash
    set -euo pipefail
    cargo build --release -p recount
    for rules in scottish-stv ers97 wigm uig egm irv meek nz-meek warren; do
        for p in conservation no-created-votes elected-stay seats-filled quota droop-proportionality irv-agreement majority determinism order-invariance relabelling-invariance constraints; do
            case "$rules/$p" in nz-meek/no-created-votes|ers97/quota|irv/droop-proportionality) continue;; esac
            target/release/recount fuzz --rules "$rules" --property "$p" --cases 100000 --seed 7 --quiet -o target/tmp/fuzz-long
        done
    done

# Issue 15: `recount info` on 1,000,000 papers as BLT, as an ES&S .xlsx CVR
# (a row a paper) and as a NIST CDF JSON CVR (a CVR a paper), the same
# papers each (10 candidates, 3 preferences on average), checked to read
# to the same first preferences; the fastest of 3 runs each, with peak
# memory, and each CVR's time against the BLT's.
bench-cvr:
    #!/usr/bin/env bash
    set -euo pipefail
    cargo build --release -p recount
    cargo build --release -p recount-ballot --example cvr_bench_files
    target=${CARGO_TARGET_DIR:-target}
    bin=$target/release/recount
    dir=target/bench/cvr; mkdir -p "$dir"
    [ -f "$dir/cvr.blt" ] || $bin generate --candidates 10 --seats 1 --papers 1000000 --mean-length-tenths 30 --seed 5 -o "$dir/cvr.blt"
    [ -f "$dir/cvr-cdf.json" ] || $target/release/examples/cvr_bench_files "$dir/cvr.blt" "$dir"
    firsts() { $bin info "$1" --seats 1 | sed -n '/first preferences:/,$p' | awk 'NR > 1 {print $(NF-1), $NF}' | sort; }
    diff <(firsts "$dir/cvr.blt") <(firsts "$dir/cvr.xlsx")
    diff <(firsts "$dir/cvr.blt") <(firsts "$dir/cvr-cdf.json")
    declare -A best
    for f in cvr.blt cvr.xlsx cvr-cdf.json; do
        times=()
        for i in 1 2 3; do
            times+=($( { /usr/bin/time -f %e $bin info "$dir/$f" --seats 1 >/dev/null; } 2>&1 | tail -n 1))
        done
        best[$f]=$(printf '%s\n' "${times[@]}" | sort -n | head -n 1)
        peak=$( { /usr/bin/time -f %M $bin info "$dir/$f" --seats 1 >/dev/null; } 2>&1 | tail -n 1)
        echo "$f ($(stat -c %s "$dir/$f") bytes): ${times[*]} s (fastest ${best[$f]} s), peak RSS $peak KB"
    done
    awk -v b="${best[cvr.blt]}" -v x="${best[cvr.xlsx]}" -v j="${best[cvr-cdf.json]}" \
        'BEGIN { printf "xlsx / blt: %.1fx; cdf json / blt: %.1fx\n", x / b, j / b }'
