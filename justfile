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

# The main job on the data shipped in audit-data/.
demo:
    cargo run --release -p recount -- count audit-data/demo-ward.blt --rules scottish-stv
