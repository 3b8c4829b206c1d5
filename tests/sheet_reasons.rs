//! The Result column's reasons (issue 9: "each election says why") agree
//! with the figures they quote, on every 2017 Scottish ward counted under
//! scottish-stv and ers97: an election "at V ≥ Q" has V at least the
//! stage's quota, an election at ERS97's active-vote threshold has V below
//! it, and every candidate elected or excluded has a reason naming the
//! stage the transcript records.

use ballot::{Format, ReadOptions};

#[test]
fn every_reason_on_every_2017_ward_agrees_with_its_stage_figures() {
    let Some(data) = support::shared_data() else {
        return;
    };
    let files = support::scot_elex_ballot_files(&data);
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    for (name, path) in files.iter().filter(|(n, _)| n.contains("_2017_")) {
        let bytes = std::fs::read(path).unwrap();
        let e = ballot::read(Format::Blt, &bytes, &ReadOptions::default()).unwrap();
        for preset in ["scottish-stv", "ers97"] {
            let t = count::count(&e, &count::Rules::preset(preset).unwrap()).unwrap();
            for c in &t.contests {
                let results = render::sheet::results(c);
                for s in &c.stages {
                    let label = render::sheet::stage_label(s);
                    for n in &s.elected {
                        let r = &results[n.as_str()];
                        assert!(
                            r.starts_with(&format!("elected at {label} (")),
                            "{name} {preset} {n}: {r}"
                        );
                        let v = s.totals.get(n).unwrap();
                        if r.contains(" ≥ ") {
                            assert!(v.cmp_value(&s.quota).is_ge(), "{name} {preset} {n}: {r}");
                            assert!(r.contains(&format!("({v} ≥ {}", s.quota)), "{r}");
                            *seen.entry("quota").or_default() += 1;
                        } else if r.contains("active-vote threshold") {
                            assert_eq!(preset, "ers97", "{r}");
                            assert!(v.cmp_value(&s.quota).is_lt(), "{name} {preset} {n}: {r}");
                            *seen.entry("threshold").or_default() += 1;
                        } else {
                            assert!(r.contains("last vacancies"), "{name} {preset} {n}: {r}");
                            assert!(
                                v.cmp_value(&s.quota).is_lt()
                                    || matches!(s.action, count::Action::ElectRemaining),
                                "{r}"
                            );
                            *seen.entry("last vacancies").or_default() += 1;
                        }
                    }
                    for n in &s.excluded {
                        let r = &results[n.as_str()];
                        assert!(
                            r.starts_with(&format!("excluded at {label}")),
                            "{name} {preset} {n}: {r}"
                        );
                    }
                }
            }
        }
    }
    // Each kind of reason occurs on the real wards.
    for kind in ["quota", "threshold", "last vacancies"] {
        assert!(seen.get(kind).copied().unwrap_or(0) > 0, "{kind}: {seen:?}");
    }
}
