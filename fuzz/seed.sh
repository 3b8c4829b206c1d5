#!/usr/bin/env bash
# Seed corpora for the fuzz targets from the tests' fixtures and ../shared/data
# (read in place; the corpus folders are git-ignored).
set -uo pipefail
cd "$(dirname "$0")"
shared=${RECOUNT_SHARED:-../../shared}/data
mk() { mkdir -p "corpus/$1"; }
for t in blt preflib dat csv json cdf cdf_xml dominion hart clear_ballot attributes constraints rules official_sheets bundle_verify proof note; do mk "$t"; done
cp ../audit-data/demo-ward.blt corpus/blt/ 2>/dev/null || true
find "$shared" -name '*.blt' -size -200k 2>/dev/null | head -50 | xargs -r -I{} cp {} corpus/blt/
find "$shared" \( -name '*.soi' -o -name '*.toi' \) -size -200k 2>/dev/null | head -30 | xargs -r -I{} cp {} corpus/preflib/
find "$shared" -name '*.dat' -size -200k 2>/dev/null | head -30 | xargs -r -I{} cp {} corpus/dat/
find ../crates -path '*tests*' -name '*.csv' -size -100k 2>/dev/null | head -30 | xargs -r -I{} cp {} corpus/csv/
cp ../audit-data/momentum-2022/election.json corpus/json/
cp ../crates/ballot/tests/fixtures/cdf-riverton.json corpus/cdf/
cp ../crates/ballot/tests/fixtures/cdf-riverton.xml corpus/cdf_xml/
d=../crates/ballot/tests/fixtures/dominion-riverton
{ cat "$d/CvrExport.json"; printf '\0'; cat "$d/ContestManifest.json"; printf '\0'; cat "$d/CandidateManifest.json"; } > corpus/dominion/riverton
h=../crates/ballot/tests/fixtures/hart-riverton
cp "$h/cvr-1.xml" corpus/hart/cvr-1.xml
{ first=1; for f in "$h"/*.xml; do [ $first = 1 ] || printf '\0'; first=0; cat "$f"; done; } > corpus/hart/riverton
cp ../crates/ballot/tests/fixtures/clearballot-riverton.csv corpus/clear_ballot/
cp ../audit-data/momentum-2022/attributes.csv corpus/attributes/
cp ../audit-data/momentum-2022/constraints.csv corpus/constraints/
for p in scottish-stv ers97 meek; do cargo run -q --manifest-path ../Cargo.toml -p recount -- rules "$p" > "corpus/rules/$p.json"; done
find "$shared/council17-gerrymulvenna" -name 'ResultsJson.json' 2>/dev/null | head -30 | xargs -r -I{} sh -c 'printf "\002" | cat - "{}" > "corpus/official_sheets/$(echo {} | md5sum | cut -c1-12)"'
cp ../audit-data/official-altered.csv corpus/official_sheets/recount-sheet.csv
cp ../audit-data/momentum-demo/statement corpus/note/
for f in ../audit-data/momentum-demo/ballots/*.csv; do printf '\003' | cat - "$f" > "corpus/bundle_verify/$(basename "$f")"; done
echo "corpora under fuzz/corpus/"
