//! Representation constraints: the two CSV readers (table rows with exact
//! messages and positions), feasibility on the eight Momentum NCG 2022
//! regions of issue 5 (seats and minimums typed from the issue's table,
//! candidate lists made up by hand), hand-worked Grey–Fitzgerald cases, and
//! a property test against brute-force enumeration of every conformant
//! completion.

use std::collections::BTreeMap;
use std::path::PathBuf;

use ballot::constraints::{Constraint, ConstraintError, ConstraintId, read_attributes};
use ballot::{BallotsBuilder, Candidate, CandidateId, Contest, Election};
use count::constraints::{ContestConstraints, GuardDoom, Standing as Status};
use proptest::prelude::*;

/// `ballot::constraints::read_constraints`, each contest's list made ready
/// for the count's methods.
fn read_constraints(input: &[u8], e: &Election) -> Result<Vec<ContestConstraints>, ballot::Error> {
    let per_contest = ballot::constraints::read_constraints(input, e)?;
    Ok(e.contests()
        .iter()
        .zip(per_contest)
        .map(|(c, cs)| ContestConstraints::new(c, cs).expect("checked by the reader"))
        .collect())
}

// ---------------------------------------------------------------------------
// Building contests by hand.

/// A candidate from a two-letter code: `W`/`M` (gender woman/man) then
/// `Y`/`N` (bame yes/no); `-` leaves an attribute unknown.
fn coded(number: usize, name: &str, code: &str) -> Candidate {
    let mut c = Candidate::named(number, name);
    let b = code.as_bytes();
    match b[0] {
        b'W' => drop(c.attributes.insert("gender".into(), "woman".into())),
        b'M' => drop(c.attributes.insert("gender".into(), "man".into())),
        _ => {}
    }
    match b[1] {
        b'Y' => drop(c.attributes.insert("bame".into(), "yes".into())),
        b'N' => drop(c.attributes.insert("bame".into(), "no".into())),
        _ => {}
    }
    c
}

/// A contest of candidates `C1..` with the given codes.
fn contest(id: &str, seats: u32, codes: &[&str]) -> Contest {
    let cands: Vec<Candidate> = codes
        .iter()
        .enumerate()
        .map(|(i, code)| coded(i + 1, &format!("C{}", i + 1), code))
        .collect();
    Contest::new(
        id,
        id,
        seats,
        cands,
        BallotsBuilder::new(codes.len()).build(),
    )
    .unwrap()
}

/// A contest of named candidates with no attributes.
fn plain(id: &str, seats: u32, names: &[&str]) -> Contest {
    let cands: Vec<Candidate> = names
        .iter()
        .enumerate()
        .map(|(i, n)| Candidate::named(i + 1, *n))
        .collect();
    Contest::new(
        id,
        id,
        seats,
        cands,
        BallotsBuilder::new(names.len()).build(),
    )
    .unwrap()
}

fn id(i: usize) -> CandidateId {
    CandidateId::new(i).unwrap()
}

fn cid(ids: &ContestConstraints, i: usize) -> ConstraintId {
    ids.ids().nth(i).unwrap()
}

/// A count state from a string: `E` elected, `X` excluded, `H` hopeful.
fn state(s: &str) -> Vec<Status> {
    s.chars()
        .map(|c| match c {
            'E' => Status::Elected,
            'X' => Status::Excluded,
            'H' => Status::Hopeful,
            other => panic!("bad state letter {other}"),
        })
        .collect()
}

fn women(min: u32) -> Constraint {
    Constraint::at_least("gender", "woman", min)
}

fn bame(min: u32) -> Constraint {
    Constraint::at_least("bame", "yes", min)
}

/// (candidate index, constraint indices) of the guarded and the doomed.
type Verdicts = (Vec<(usize, Vec<usize>)>, Vec<(usize, Vec<usize>)>);

fn verdicts(g: &GuardDoom) -> Verdicts {
    let f = |v: &[count::constraints::Forced]| {
        v.iter()
            .map(|f| {
                (
                    f.candidate.index(),
                    f.by.iter().map(|c| c.index()).collect(),
                )
            })
            .collect()
    };
    (f(&g.guarded), f(&g.doomed))
}

// ---------------------------------------------------------------------------
// Attributes reader: one-line table rows.

fn one_contest() -> Election {
    Election::single(plain("c", 2, &["Ann", "Bob", "Cy", "Di", "Smith, Jo"]))
}

fn two_contests() -> Election {
    Election::new(
        "e",
        "E",
        vec![
            plain("north", 2, &["Ann", "Bob", "Cy"]),
            plain("south", 1, &["Di", "Ed", "Ann"]),
        ],
    )
    .unwrap()
}

/// Attributes of every candidate as `contest/name:attr=value;…`, for comparing.
fn attributes_of(e: &Election) -> Vec<String> {
    let mut out = Vec::new();
    for c in e.contests() {
        for k in c.candidates() {
            if !k.attributes.is_empty() {
                let attrs: Vec<String> = k
                    .attributes
                    .iter()
                    .map(|(a, v)| format!("{a}={v}"))
                    .collect();
                out.push(format!("{}/{}:{}", c.id(), k.name, attrs.join(";")));
            }
        }
    }
    out
}

#[test]
fn attributes_reader_table() {
    type Case = (
        &'static str,
        bool,
        &'static str,
        Result<&'static [&'static str], &'static str>,
    );
    #[rustfmt::skip]
    let cases: &[Case] = &[
        // (input, two contests?, what it tests, applied attributes or the exact error)
        ("name,gender,bame\nAnn,woman,yes\nBob,man,no\n", false, "plain", Ok(&["c/Ann:bame=yes;gender=woman", "c/Bob:bame=no;gender=man"])),
        ("name,gender\nAnn,\nBob,man\n", false, "empty cell leaves unknown", Ok(&["c/Bob:gender=man"])),
        ("\u{feff}name , gender\n Ann , woman \n", false, "BOM and spaces", Ok(&["c/Ann:gender=woman"])),
        ("name,gender\n\"Smith, Jo\",woman\n", false, "quoted name with a comma", Ok(&["c/Smith, Jo:gender=woman"])),
        ("name,gender\n\nAnn,woman\n\n", false, "blank lines skipped", Ok(&["c/Ann:gender=woman"])),
        ("contest,name,gender\nc,Ann,woman\n", false, "contest column with one contest", Ok(&["c/Ann:gender=woman"])),
        ("", false, "empty file", Err("1:1: CSV error: expected a header `name,<attribute>,…`, found an empty file")),
        ("nom,gender\n", false, "no name column", Err("1:1: CSV error: expected the column `name` (after an optional `contest`), found \"nom\"")),
        ("contest,gender\n", false, "contest then no name", Err("1:2: CSV error: expected the column `name` (after an optional `contest`), found \"gender\"")),
        ("name\nAnn\n", false, "no attribute column", Err("1:2: CSV error: expected at least one attribute column, found end of header")),
        ("name,gender,gender\n", false, "repeated attribute", Err("1:3: CSV error: expected a new attribute name, found \"gender\"")),
        ("name,gender,\n", false, "empty attribute name", Err("1:3: CSV error: expected an attribute name, found nothing")),
        ("name,gender\nZed,woman\n", false, "unknown name", Err("2:1: CSV error: expected the name of a candidate of the ballot file, found \"Zed\"")),
        ("name,gender\nann,woman\n", false, "names match exactly", Err("2:1: CSV error: expected the name of a candidate of the ballot file, found \"ann\"")),
        ("name,gender\nAnn,woman,x\n", false, "too many fields", Err("2:3: CSV error: expected 2 fields as in the header, found 3 fields")),
        ("name,gender,bame\nAnn,woman\n", false, "too few fields", Err("2:3: CSV error: expected 3 fields as in the header, found 2 fields")),
        ("name,gender\nAnn,woman\nBob,man\nAnn,man\n", false, "listed twice", Err("4:1: CSV error: expected a candidate not already listed (line 2), found \"Ann\"")),
        ("name,gender\nAnn,woman\n", true, "ambiguous without contest", Err("2:1: CSV error: expected a name standing in one contest only (add a `contest` column), found \"Ann\" standing in 2 contests")),
        ("contest,name,gender\neast,Ann,woman\n", true, "unknown contest", Err("2:1: CSV error: expected a contest id (north, south), found \"east\"")),
        ("contest,name,gender\nnorth,Di,woman\n", true, "name in another contest", Err("2:2: CSV error: expected the name of a candidate of contest north, found \"Di\"")),
        ("contest,name,gender\nnorth,Ann,woman\nsouth,Ann,man\nsouth,Di,woman\n", true, "same name in two contests", Ok(&["north/Ann:gender=woman", "south/Di:gender=woman", "south/Ann:gender=man"])),
        ("name,gender\nBob,man\n", true, "unique name without contest", Ok(&["north/Bob:gender=man"])),
    ];
    for (input, two, what, want) in cases {
        let mut e = if *two { two_contests() } else { one_contest() };
        let before = e.clone();
        let got = read_attributes(input.as_bytes(), &mut e);
        match (want, got) {
            (Ok(attrs), Ok(())) => assert_eq!(attributes_of(&e), *attrs, "{what}"),
            (Err(msg), Err(err)) => {
                assert_eq!(err.to_string(), *msg, "{what}");
                assert_eq!(e, before, "{what}: a bad file changes nothing");
            }
            (want, got) => panic!("{what}: wanted {want:?}, got {got:?}"),
        }
    }
}

#[test]
fn attributes_reader_reports_every_bad_row_with_byte_offsets() {
    let mut e = one_contest();
    let err = read_attributes(b"name,gender\nZed,w\nAnn,woman\nYo,m\n", &mut e).unwrap_err();
    let each: Vec<String> = err.each().iter().map(|e| e.to_string()).collect();
    assert_eq!(
        each,
        [
            "2:1: CSV error: expected the name of a candidate of the ballot file, found \"Zed\"",
            "4:1: CSV error: expected the name of a candidate of the ballot file, found \"Yo\"",
        ]
    );
    let positions: Vec<(u64, u64, u64)> = err
        .each()
        .iter()
        .map(|e| e.position().map(|p| (p.byte, p.line, p.column)).unwrap())
        .collect();
    assert_eq!(positions, [(12, 2, 1), (28, 4, 1)]);
    // A byte-order mark is counted in the offsets.
    let err = read_attributes(b"\xEF\xBB\xBFname,gender\nZed,w\n", &mut e).unwrap_err();
    assert_eq!(
        err.position().map(|p| (p.byte, p.line, p.column)),
        Some((15, 2, 1))
    );
}

#[test]
fn attributes_reader_refuses_invalid_utf8_with_its_field() {
    let mut e = one_contest();
    let err = read_attributes(b"name,gender\nAnn,wo\xffman\n", &mut e).unwrap_err();
    assert_eq!(
        err.to_string(),
        "2:2: CSV error: expected UTF-8 text, found invalid UTF-8"
    );
}

// ---------------------------------------------------------------------------
// Constraints reader: one-line table rows.

/// One contest `c`, 2 seats: Ann woman/bame, Bob man/no, Cy woman/(bame unknown), Di man/bame.
fn attributed() -> Election {
    let mut e = Election::single(plain("c", 2, &["Ann", "Bob", "Cy", "Di"]));
    read_attributes(
        b"name,gender,bame\nAnn,woman,yes\nBob,man,no\nCy,woman,\nDi,man,yes\n",
        &mut e,
    )
    .unwrap();
    e
}

/// Two contests: north (2 seats: Ann W, Bob M, Cy W) and south (1 seat: Di W, Ed M, Ann M).
fn attributed_two() -> Election {
    let mut e = two_contests();
    read_attributes(
        b"contest,name,gender\nnorth,Ann,woman\nnorth,Bob,man\nnorth,Cy,woman\nsouth,Di,woman\nsouth,Ed,man\nsouth,Ann,man\n",
        &mut e,
    )
    .unwrap();
    e
}

/// Each contest's constraints as `contest:Display;…`.
fn shown(all: &[ContestConstraints]) -> Vec<String> {
    all.iter()
        .map(|cc| {
            let cs: Vec<String> = cc.constraints().iter().map(|c| c.to_string()).collect();
            format!("{}:{}", cc.contest(), cs.join(";"))
        })
        .collect()
}

#[test]
fn constraints_reader_table() {
    type Case = (
        &'static str,
        bool,
        &'static str,
        Result<&'static [&'static str], &'static str>,
    );
    #[rustfmt::skip]
    let cases: &[Case] = &[
        // (input, two contests?, what it tests, constraints per contest or the exact error)
        ("attribute,value,min,max\ngender,woman,1,\n", false, "minimum", Ok(&["c:gender=woman: at least 1"])),
        ("attribute,value,min,max\ngender,man,,1\n", false, "maximum", Ok(&["c:gender=man: at most 1"])),
        ("attribute,value,min,max\ngender,woman,1,1\ngender,man,1,2\n", false, "both bounds, two groups", Ok(&["c:gender=woman: exactly 1;gender=man: between 1 and 2"])),
        ("attribute,value,min,max\ngender,nonbinary,0,1\n", false, "a value nobody has, min 0", Ok(&["c:gender=nonbinary: at most 1"])),
        ("attribute,value,min,max\n", false, "no rows", Ok(&["c:"])),
        ("\u{feff}attribute , value,min,max\n gender , woman , 1 , \n", false, "BOM and spaces", Ok(&["c:gender=woman: at least 1"])),
        ("", false, "empty file", Err("1:1: CSV error: expected a header `attribute,value,min,max`, found an empty file")),
        ("attribute,value,minimum,max\n", false, "wrong header", Err("1:3: CSV error: expected the column `min`, found \"minimum\"")),
        ("attribute,value\n", false, "short header", Err("1:3: CSV error: expected the column `min`, found end of header")),
        ("attribute,value,min,max,note\n", false, "long header", Err("1:5: CSV error: expected end of header after `max`, found \"note\"")),
        ("region,attribute,value,min,max\n", false, "unknown first column", Err("1:1: CSV error: expected the column `attribute`, found \"region\"")),
        ("attribute,value,min,max\ngender,woman,2,1\n", false, "min above max", Err("2:4: CSV error: expected a max of at least the min 2, found 1")),
        ("attribute,value,min,max\ngender,woman,3,\n", false, "min above seats", Err("2:3: CSV error: expected a min of at most the 2 seats of contest c, found 3")),
        ("attribute,value,min,max\ngendr,woman,1,\n", false, "unknown attribute", Err("2:1: CSV error: expected an attribute of the candidates of contest c (bame, gender), found \"gendr\"")),
        ("attribute,value,min,max\nbame,yes,1,\n", false, "attribute unknown for one candidate", Err("2:1: CSV error: expected an attribute known for every candidate of contest c, but \"Cy\" has no \"bame\", found \"bame\"")),
        ("attribute,value,min,max\ngender,nonbinary,1,\n", false, "too few in the group", Err("2:3: CSV error: expected a min of at most the 0 candidates of contest c with gender=nonbinary, found 1")),
        ("attribute,value,min,max\ngender,woman,,\n", false, "no bound at all", Err("2:3: CSV error: expected a min or a max, found both empty")),
        ("attribute,value,min,max\ngender,woman,two,\n", false, "min not a number", Err("2:3: CSV error: expected a whole number of seats or nothing, found \"two\"")),
        ("attribute,value,min,max\ngender,woman,,-1\n", false, "negative max", Err("2:4: CSV error: expected a whole number of seats or nothing, found \"-1\"")),
        ("attribute,value,min,max\n,woman,1,\n", false, "empty attribute", Err("2:1: CSV error: expected an attribute name, found nothing")),
        ("attribute,value,min,max\ngender,,1,\n", false, "empty value", Err("2:2: CSV error: expected a value, found nothing")),
        ("attribute,value,min,max\ngender,woman,1\n", false, "short row", Err("2:4: CSV error: expected 4 fields as in the header, found 3 fields")),
        ("attribute,value,min,max\ngender,woman,1,\ngender,woman,,2\n", false, "group twice", Err("3:2: CSV error: expected a group not constrained already (line 2, contest c), found \"gender=woman\"")),
        ("contest,attribute,value,min,max\nnorth,gender,woman,1,\nsouth,gender,woman,1,\n", true, "contest column", Ok(&["north:gender=woman: at least 1", "south:gender=woman: at least 1"])),
        ("contest,attribute,value,min,max\nsouth,gender,man,,0\n", true, "one contest left unconstrained", Ok(&["north:", "south:gender=man: at most 0"])),
        ("attribute,value,min,max\ngender,woman,1,\n", true, "no contest column binds every contest", Ok(&["north:gender=woman: at least 1", "south:gender=woman: at least 1"])),
        ("contest,attribute,value,min,max\neast,gender,woman,1,\n", true, "unknown contest", Err("2:1: CSV error: expected a contest id (north, south), found \"east\"")),
        ("contest,attribute,value,min,max\nsouth,gender,woman,2,\n", true, "min above a contest's seats", Err("2:4: CSV error: expected a min of at most the 1 seats of contest south, found 2")),
        ("attribute,value,min,max\ngender,woman,2,\n", true, "fits one contest, not the other", Err("2:3: CSV error: expected a min of at most the 1 seats of contest south, found 2")),
    ];
    for (input, two, what, want) in cases {
        let e = if *two { attributed_two() } else { attributed() };
        match (want, read_constraints(input.as_bytes(), &e)) {
            (Ok(rows), Ok(got)) => assert_eq!(shown(&got), *rows, "{what}"),
            (Err(msg), Err(err)) => assert_eq!(err.to_string(), *msg, "{what}"),
            (want, got) => panic!("{what}: wanted {want:?}, got {:?}", got.map(|g| shown(&g))),
        }
    }
}

#[test]
fn constraints_reader_reports_every_bad_row() {
    let e = attributed();
    let err = read_constraints(
        b"attribute,value,min,max\ngender,woman,9,\ngender,man,1,\nbame,no,2,1\n",
        &e,
    )
    .unwrap_err();
    let at: Vec<(u64, u64)> = err
        .each()
        .iter()
        .map(|e| e.position().map(|p| (p.line, p.column)).unwrap())
        .collect();
    assert_eq!(at, [(2, 3), (4, 4)]);
}

// ---------------------------------------------------------------------------
// Validation by the constructor, without files.

#[test]
fn constructor_checks_each_constraint_on_its_face() {
    let c = contest("c", 2, &["WY", "MN", "WN"]);
    let err = |cs: Vec<Constraint>| ContestConstraints::new(&c, cs).unwrap_err().to_string();
    assert_eq!(
        err(vec![women(2).with_max(1)]),
        "contest c: gender=woman: between 2 and 1: the minimum 2 is above the maximum 1"
    );
    assert_eq!(
        err(vec![women(3)]),
        "contest c: gender=woman: at least 3: the minimum is above the 2 seats"
    );
    assert_eq!(
        err(vec![bame(2)]),
        "contest c: bame=yes: at least 2: only 1 standing candidates have bame=yes"
    );
    assert_eq!(
        err(vec![Constraint::at_least("region", "x", 1)]),
        "contest c: region=x: at least 1: no candidate has an attribute \"region\" (known: bame, gender)"
    );
    assert_eq!(
        err(vec![women(1), Constraint::at_most("gender", "woman", 2)]),
        "contest c: gender=woman is constrained twice"
    );
    // Withdrawn candidates do not count towards a group, and need no attributes.
    let w = contest("w", 2, &["WY", "MN", "MN", "--"])
        .with_withdrawn([id(0), id(3)])
        .unwrap();
    assert!(matches!(
        ContestConstraints::new(&w, vec![women(1)]),
        Err(ConstraintError::TooFewCandidates { standing: 0, .. })
    ));
    assert!(ContestConstraints::new(&w, vec![Constraint::at_most("gender", "man", 1)]).is_ok());
    let missing = contest("m", 1, &["WY", "-N"]);
    assert_eq!(
        ContestConstraints::new(&missing, vec![women(1)]).unwrap_err(),
        ConstraintError::MissingAttribute {
            contest: "m".into(),
            constraint: women(1),
            candidate: id(1),
            name: "C2".into(),
        }
    );
}

// ---------------------------------------------------------------------------
// The eight Momentum NCG 2022 regions (issue 5's table).

/// (region id, seats, women minimum, BAME minimum), typed from issue 5.
const MOMENTUM_2022: [(&str, u32, u32, u32); 8] = [
    ("london-eastern", 6, 3, 2),
    ("south-east", 3, 1, 1),
    ("south-west", 3, 2, 0),
    ("midlands", 4, 2, 1),
    ("north-west-north-east", 5, 2, 2),
    ("yorkshire-ni-international", 3, 2, 0),
    ("scotland", 1, 0, 0),
    ("wales", 1, 1, 0),
];

fn momentum_constraints(women_min: u32, bame_min: u32) -> Vec<Constraint> {
    let mut v = Vec::new();
    if women_min > 0 {
        v.push(women(women_min));
    }
    if bame_min > 0 {
        v.push(bame(bame_min));
    }
    v
}

fn shared_or_workspace(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

#[test]
fn momentum_ncg_2022_constraints_file_matches_issue_5_table() {
    let path = shared_or_workspace("audit-data/momentum-2022/constraints.csv");
    let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // A stand-in election: every region with one woman BAME and enough
    // others, so every row is valid on its face.
    let contests: Vec<Contest> = MOMENTUM_2022
        .iter()
        .map(|&(r, seats, _, _)| contest(r, seats, &["WY", "WY", "WN", "MY", "MY", "MN", "MN"]))
        .collect();
    let e = Election::new("momentum-ncg-2022", "Momentum NCG 2022", contests).unwrap();
    let read = read_constraints(&text, &e).unwrap();
    assert_eq!(read.len(), 8);
    for (cc, &(region, seats, w, b)) in read.iter().zip(&MOMENTUM_2022) {
        assert_eq!(cc.contest(), region);
        assert_eq!(cc.seats(), seats);
        assert_eq!(
            cc.constraints(),
            &momentum_constraints(w, b)[..],
            "{region}"
        );
    }
    let seats: u32 = read.iter().map(ContestConstraints::seats).sum();
    assert_eq!(seats, 26, "26 regional seats in all");
}

#[test]
fn momentum_ncg_2022_feasibility_of_hand_made_candidate_lists() {
    // (region, candidates, feasible?) — the comments say why.
    #[rustfmt::skip]
    let cases: &[(&str, &[&str], Result<(), &str>)] = &[
        ("london-eastern", &["WN", "WN", "WY", "MY", "MN", "MN", "MN"], Ok(())),
        // Only two women stand for a minimum of three.
        ("london-eastern", &["WN", "WY", "MY", "MN", "MN", "MN", "MN"], Err("contest london-eastern: gender=woman: at least 3: only 2 standing candidates have gender=woman")),
        // Women and BAME minimums met by the same two people plus one more woman.
        ("london-eastern", &["WY", "WY", "WN", "MN", "MN", "MN"], Ok(())),
        ("south-east", &["MY", "WN", "MN"], Ok(())),
        ("south-east", &["WN", "WN", "MN", "MN"], Err("contest south-east: bame=yes: at least 1: only 0 standing candidates have bame=yes")),
        ("south-west", &["WN", "WY", "MN", "MN"], Ok(())),
        ("south-west", &["WN", "MN", "MN", "MY"], Err("contest south-west: gender=woman: at least 2: only 1 standing candidates have gender=woman")),
        ("midlands", &["WN", "WN", "MY", "MN", "MN"], Ok(())),
        ("midlands", &["WN", "MN", "MY", "MN"], Err("contest midlands: gender=woman: at least 2: only 1 standing candidates have gender=woman")),
        ("north-west-north-east", &["WN", "WN", "MY", "MY", "MN", "MN"], Ok(())),
        ("north-west-north-east", &["WN", "WN", "WY", "MN", "MN", "MN"], Err("contest north-west-north-east: bame=yes: at least 2: only 1 standing candidates have bame=yes")),
        ("yorkshire-ni-international", &["WN", "WN", "MN"], Ok(())),
        ("yorkshire-ni-international", &["WN", "MN", "MN", "MN"], Err("contest yorkshire-ni-international: gender=woman: at least 2: only 1 standing candidates have gender=woman")),
        ("scotland", &["MN", "MN"], Ok(())),
        ("wales", &["WN", "MN"], Ok(())),
        ("wales", &["MN", "MY"], Err("contest wales: gender=woman: at least 1: only 0 standing candidates have gender=woman")),
    ];
    for (region, codes, want) in cases {
        let &(_, seats, w, b) = MOMENTUM_2022.iter().find(|r| r.0 == *region).unwrap();
        let c = contest(region, seats, codes);
        let got = ContestConstraints::new(&c, momentum_constraints(w, b))
            .and_then(|cc| cc.check_feasible());
        assert_eq!(
            got.map_err(|e| e.to_string()),
            want.map_err(str::to_owned),
            "{region} {codes:?}"
        );
    }
}

#[test]
fn momentum_ncg_2022_mid_count_infeasibility_names_the_constraint() {
    // London & Eastern, four men already elected: two places left cannot
    // hold the three women required.
    let c = contest(
        "london-eastern",
        6,
        &["MN", "MN", "MY", "MY", "WN", "WN", "WY", "MN"],
    );
    let cc = ContestConstraints::new(&c, vec![women(3), bame(2)]).unwrap();
    assert!(cc.check_feasible().is_ok());
    let err = cc.check(&state("EEEEHHHH")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "contest london-eastern: no 6 candidates including the 4 already elected can meet constraint 1 (gender=woman: at least 3)"
    );
}

#[test]
fn constraints_infeasible_only_together_are_named_together() {
    // Three seats, at least two women and two BAME, but the only BAME
    // candidates are men: 2 + 2 > 3. Each constraint alone is met easily.
    let c = contest("c", 3, &["WN", "WN", "WN", "MY", "MY"]);
    let cc = ContestConstraints::new(&c, vec![women(2), bame(2)]).unwrap();
    for alone in [women(2), bame(2)] {
        let one = ContestConstraints::new(&c, vec![alone]).unwrap();
        assert!(one.check_feasible().is_ok());
    }
    let err = cc.check_feasible().unwrap_err();
    assert_eq!(
        err.to_string(),
        "contest c: no 3 candidates can meet together constraint 1 (gender=woman: at least 2); constraint 2 (bame=yes: at least 2)"
    );
    // A maximum can be what breaks a minimum.
    let cc = ContestConstraints::new(&c, vec![Constraint::at_most("gender", "man", 0), bame(1)])
        .unwrap();
    assert!(matches!(
        cc.check_feasible(),
        Err(ConstraintError::Infeasible { ref unmet, .. }) if unmet.len() == 2
    ));
}

#[test]
fn too_few_candidates_for_the_seats_fill_what_they_can() {
    // Three seats, two standing: the count elects both, and a minimum the
    // two can meet is feasible.
    let c = contest("c", 3, &["WN", "MN", "MN"])
        .with_withdrawn([id(2)])
        .unwrap();
    let cc = ContestConstraints::new(&c, vec![women(1)]).unwrap();
    assert_eq!(cc.places(), 2);
    assert!(cc.check_feasible().is_ok());
    let g = cc.guard_doom(&state("HHH")).unwrap();
    // Both are needed just to fill the places: guarded by no constraint.
    assert_eq!(verdicts(&g), (vec![(0, vec![]), (1, vec![])], vec![]));
}

// ---------------------------------------------------------------------------
// Guard/doom, worked by hand.

#[test]
fn guard_when_hopeful_women_just_reach_the_shortfall() {
    // 3 seats, at least 2 women. One woman elected, one woman hopeful: the
    // hopeful woman is guarded (e_w + h_w = m).
    let c = contest("c", 3, &["WN", "WN", "MN", "MN", "MN"]);
    let cc = ContestConstraints::new(&c, vec![women(2)]).unwrap();
    let g = cc.guard_doom(&state("EHHHH")).unwrap();
    assert_eq!(verdicts(&g), (vec![(1, vec![0])], vec![]));
    // No woman elected yet and exactly two hopeful: both guarded.
    let g = cc.guard_doom(&state("HHHHH")).unwrap();
    assert_eq!(verdicts(&g), (vec![(0, vec![0]), (1, vec![0])], vec![]));
}

#[test]
fn no_guard_while_women_to_spare() {
    // One woman elected, two hopeful, one more needed: either may go.
    let c = contest("c", 3, &["WN", "WN", "WN", "MN", "MN"]);
    let cc = ContestConstraints::new(&c, vec![women(2)]).unwrap();
    assert!(cc.guard_doom(&state("EHHHH")).unwrap().is_empty());
}

#[test]
fn doom_men_once_they_fill_seats_minus_the_minimum() {
    // 3 seats, at least 2 women: men elected reach 3 − 2 = 1, so every
    // hopeful man is doomed (the women's minimum forces it).
    let c = contest("c", 3, &["MN", "WN", "WN", "WN", "MN", "MY"]);
    let cc = ContestConstraints::new(&c, vec![women(2)]).unwrap();
    let g = cc.guard_doom(&state("EHHHHH")).unwrap();
    assert_eq!(verdicts(&g), (vec![], vec![(4, vec![0]), (5, vec![0])]));
    assert!(g.is_doomed(id(5)) && !g.is_guarded(id(5)) && !g.is_doomed(id(1)));
}

#[test]
fn doom_by_a_maximum() {
    // At most one man: once one man is elected the others are doomed by the maximum.
    let c = contest("c", 3, &["MN", "MN", "WN", "WN", "WN"]);
    let cc = ContestConstraints::new(&c, vec![women(1), Constraint::at_most("gender", "man", 1)])
        .unwrap();
    let g = cc.guard_doom(&state("EHHHH")).unwrap();
    assert_eq!(verdicts(&g), (vec![], vec![(1, vec![1])]));
}

#[test]
fn london_eastern_two_attributes_guard_and_doom() {
    // 6 seats, at least 3 women and 2 BAME. Elected: a woman and two men,
    // none BAME. Hopeful: C4 (woman, BAME), C5 (man, BAME), C6 (woman), C7 (man).
    // The three places left must take two women and two BAME: C4, C5, C6.
    let c = contest(
        "london-eastern",
        6,
        &["WN", "MN", "MN", "WY", "MY", "WN", "MN"],
    );
    let cc = ContestConstraints::new(&c, vec![women(3), bame(2)]).unwrap();
    let g = cc.guard_doom(&state("EEEHHHH")).unwrap();
    let (guarded, doomed) = verdicts(&g);
    // Without C4 both minimums fail alone; the first in file order is named.
    // Without C5 the BAME minimum fails; without C6 the women's.
    assert_eq!(guarded, vec![(3, vec![0]), (4, vec![1]), (5, vec![0])]);
    // Electing C7 breaks neither minimum alone, only both together.
    assert_eq!(doomed, vec![(6, vec![0, 1])]);
    // Not elected, excluded or withdrawn candidates are never in either set.
    let g = cc.guard_doom(&state("EEEHHHX")).unwrap();
    assert_eq!(verdicts(&g).1, vec![]);
}

#[test]
fn a_state_that_cannot_be_completed_is_an_error() {
    let c = contest("c", 2, &["MN", "MN", "WN"]);
    let cc = ContestConstraints::new(&c, vec![women(1)]).unwrap();
    assert!(matches!(
        cc.guard_doom(&state("EEH")),
        Err(ConstraintError::Infeasible { elected: 2, .. })
    ));
    assert!(matches!(
        cc.guard_doom(&state("EH")),
        Err(ConstraintError::BadState { .. })
    ));
}

#[test]
fn unmet_by_checks_a_final_result() {
    let c = contest("c", 3, &["WN", "MN", "MY", "WY"]);
    let cc = ContestConstraints::new(&c, vec![women(2), bame(1)]).unwrap();
    assert_eq!(cc.unmet_by(&[id(0), id(1), id(2)]), vec![cid(&cc, 0)]);
    assert!(cc.unmet_by(&[id(0), id(1), id(3)]).is_empty());
}

#[test]
fn thirty_candidates_three_attributes_every_stage() {
    // The size the engine calls this at: 30 candidates, 3 attributes, 10
    // seats, tight minimums. Walk a whole count excluding the lowest
    // non-guarded (here: the last listed) and electing guarded ones, and
    // check each state stays completable.
    let regions = ["north", "south", "west"];
    let cands: Vec<Candidate> = (0..30)
        .map(|i| {
            let mut c = coded(
                i + 1,
                &format!("C{}", i + 1),
                ["WN", "MN", "MY", "WY", "MN"][i % 5],
            );
            c.attributes.insert("region".into(), regions[i % 3].into());
            c
        })
        .collect();
    let c = Contest::new("big", "Big", 10, cands, BallotsBuilder::new(30).build()).unwrap();
    let cc = ContestConstraints::new(
        &c,
        vec![
            women(5),
            bame(3),
            Constraint::at_least("region", "north", 3),
            Constraint::at_least("region", "south", 3),
            Constraint::at_most("region", "west", 3),
        ],
    )
    .unwrap();
    let mut st = vec![Status::Hopeful; 30];
    let mut stages = 0;
    let start = std::time::Instant::now();
    loop {
        let g = cc.guard_doom(&st).unwrap();
        stages += 1;
        let elected = st.iter().filter(|s| **s == Status::Elected).count();
        let hopeful: Vec<usize> = (0..30).filter(|&i| st[i] == Status::Hopeful).collect();
        if elected == 10 || hopeful.is_empty() {
            break;
        }
        if let Some(d) = g.doomed.first() {
            st[d.candidate.index()] = Status::Excluded;
        } else if let Some(&i) = hopeful.iter().rev().find(|&&i| !g.is_guarded(id(i))) {
            // Alternate: elect the first hopeful, exclude the last unguarded.
            if stages % 2 == 0 {
                st[hopeful[0]] = Status::Elected;
            } else {
                st[i] = Status::Excluded;
            }
        } else {
            st[hopeful[0]] = Status::Elected;
        }
    }
    let elected: Vec<CandidateId> = (0..30)
        .filter(|&i| st[i] == Status::Elected)
        .map(id)
        .collect();
    assert_eq!(elected.len(), 10);
    assert!(
        cc.unmet_by(&elected).is_empty(),
        "guard/doom led to a conformant result"
    );
    assert!(stages > 10);
    // Generous: a few milliseconds a stage even unoptimised on a busy machine.
    assert!(
        start.elapsed().as_secs() < 20,
        "{stages} stages took {:?}",
        start.elapsed()
    );
}

// ---------------------------------------------------------------------------
// Property: guard/doom agrees with brute-force enumeration.

/// Every conformant completion, as candidate bitmasks, found by trying every
/// subset and reading attributes straight from the candidates.
fn completions(c: &Contest, cs: &[Constraint], st: &[Status]) -> Vec<u32> {
    let n = c.candidates().len();
    let standing = |i: usize| !c.withdrawn().contains(&id(i));
    let places = (c.seats() as usize).min((0..n).filter(|&i| standing(i)).count());
    (0u32..1 << n)
        .filter(|&set| {
            let has = |i: usize| set & (1 << i) != 0;
            set.count_ones() as usize == places
                && (0..n).all(|i| {
                    let must = standing(i) && st[i] == Status::Elected;
                    let may = standing(i) && st[i] != Status::Excluded;
                    (!must || has(i)) && (may || !has(i))
                })
                && cs.iter().all(|k| {
                    let count = (0..n)
                        .filter(|&i| {
                            has(i)
                                && c.candidate(id(i)).attributes.get(&k.attribute) == Some(&k.value)
                        })
                        .count();
                    k.allows(count as u32)
                })
        })
        .collect()
}

fn restricted(cs: &[Constraint], by: &[ConstraintId]) -> Vec<Constraint> {
    by.iter().map(|b| cs[b.index()].clone()).collect()
}

/// True when `by` is a smallest subset of `cs` for which `st` has no completion.
fn smallest_explanation(
    c: &Contest,
    cs: &[Constraint],
    st: &[Status],
    by: &[ConstraintId],
) -> bool {
    if !completions(c, &restricted(cs, by), st).is_empty() {
        return false;
    }
    // No subset of fewer constraints explains it.
    let k = cs.len();
    (0u32..1 << k).all(|mask| {
        if mask.count_ones() as usize >= by.len() {
            return true;
        }
        let sub: Vec<Constraint> = (0..k)
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| cs[i].clone())
            .collect();
        !completions(c, &sub, st).is_empty()
    })
}

#[derive(Debug, Clone)]
struct Case {
    seats: u32,
    people: Vec<(u8, u8)>,
    withdrawn: Vec<bool>,
    constraints: Vec<Constraint>,
    state: Vec<Status>,
}

fn case() -> impl Strategy<Value = Case> {
    (1usize..=10, 1u32..=5).prop_flat_map(|(n, seats)| {
        let group = (0u8..3, 0u8..2);
        let bound = (0u32..=seats, proptest::option::of(0u32..=seats));
        let status = prop_oneof![
            1 => Just(Status::Elected),
            1 => Just(Status::Excluded),
            3 => Just(Status::Hopeful),
        ];
        (
            proptest::collection::vec(group, n),
            proptest::collection::vec(proptest::bool::weighted(0.15), n),
            proptest::collection::vec((0u8..5, bound), 0..=4),
            proptest::collection::vec(status, n),
        )
            .prop_map(move |(people, withdrawn, raw, state)| {
                let groups = [
                    ("gender", "woman"),
                    ("gender", "man"),
                    ("gender", "nonbinary"),
                    ("bame", "yes"),
                    ("bame", "no"),
                ];
                let mut constraints: Vec<Constraint> = Vec::new();
                for (g, (min, max)) in raw {
                    let (a, v) = groups[g as usize];
                    if constraints.iter().any(|k| k.attribute == a && k.value == v) {
                        continue;
                    }
                    let max = max.map(|m| m.max(min));
                    constraints.push(Constraint {
                        attribute: a.into(),
                        value: v.into(),
                        min,
                        max,
                    });
                }
                Case {
                    seats,
                    people,
                    withdrawn,
                    constraints,
                    state,
                }
            })
    })
}

fn build(case: &Case) -> Contest {
    let genders = ["woman", "man", "nonbinary"];
    let cands: Vec<Candidate> = case
        .people
        .iter()
        .enumerate()
        .map(|(i, &(g, b))| {
            let mut c = Candidate::named(i + 1, format!("C{}", i + 1));
            c.attributes
                .insert("gender".into(), genders[g as usize].into());
            c.attributes
                .insert("bame".into(), ["yes", "no"][b as usize].into());
            c
        })
        .collect();
    let n = cands.len();
    Contest::new("p", "P", case.seats, cands, BallotsBuilder::new(n).build())
        .unwrap()
        .with_withdrawn((0..n).filter(|&i| case.withdrawn[i]).map(id))
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn guard_doom_agrees_with_brute_force(case in case()) {
        let c = build(&case);
        let Ok(cc) = ContestConstraints::new(&c, case.constraints.clone()) else {
            // Refused on its face (e.g. too few in a group): nothing to compare.
            return Ok(());
        };
        let all = completions(&c, &case.constraints, &case.state);
        let got = cc.guard_doom(&case.state);
        prop_assert_eq!(cc.check(&case.state).is_ok(), !all.is_empty());
        let Ok(g) = got else {
            prop_assert!(all.is_empty(), "refused a completable state: {:?}", got);
            if let Err(ConstraintError::Infeasible { unmet, .. }) = got {
                let by: Vec<ConstraintId> = unmet.iter().map(|u| u.0).collect();
                prop_assert!(smallest_explanation(&c, &case.constraints, &case.state, &by));
            }
            return Ok(());
        };
        prop_assert!(!all.is_empty());
        for i in 0..case.people.len() {
            let hopeful = !case.withdrawn[i] && case.state[i] == Status::Hopeful;
            let in_all = all.iter().all(|s| s & (1 << i) != 0);
            let in_none = all.iter().all(|s| s & (1 << i) == 0);
            prop_assert_eq!(g.is_guarded(id(i)), hopeful && in_all, "guarded C{}", i + 1);
            prop_assert_eq!(g.is_doomed(id(i)), hopeful && in_none, "doomed C{}", i + 1);
        }
        // Each explanation is a smallest set of constraints that forces the verdict.
        for (forced, verdict) in g.guarded.iter().map(|f| (f, Status::Excluded))
            .chain(g.doomed.iter().map(|f| (f, Status::Elected)))
        {
            let mut st = case.state.clone();
            st[forced.candidate.index()] = verdict;
            prop_assert!(
                smallest_explanation(&c, &case.constraints, &st, &forced.by),
                "C{} by {:?}", forced.candidate.number(), forced.by
            );
        }
    }
}

#[test]
fn forced_sets_in_candidate_order_hold_one_entry_each() {
    // A hand check of the result's shape: a map from candidate to verdict has
    // as many entries as the two lists together.
    let c = contest("c", 3, &["MN", "WN", "WN", "MN", "MY"]);
    let cc = ContestConstraints::new(&c, vec![women(2)]).unwrap();
    let g = cc.guard_doom(&state("EHHHH")).unwrap();
    let mut seen = BTreeMap::new();
    for f in g.guarded.iter().chain(&g.doomed) {
        assert!(seen.insert(f.candidate, ()).is_none());
    }
    assert_eq!(seen.len(), 4, "both women guarded, both men doomed");
}

// ---------------------------------------------------------------------------
// The named alternatives: substitution and the reserved-places plan.

#[test]
fn substitution_swaps_the_latest_elected_man_for_the_best_woman() {
    // 3 seats, at least 2 women. Elected in order C1 (man), C2 (woman), C3
    // (man); runners-up best first C4 (man), C5 (woman), C6 (woman).
    let c = contest("c", 3, &["MN", "WN", "MN", "MN", "WN", "WN"]);
    let cc = ContestConstraints::new(&c, vec![women(2)]).unwrap();
    let (set, swaps) = cc
        .substitute(&[id(0), id(1), id(2)], &[id(3), id(4), id(5)])
        .unwrap();
    assert_eq!(set, [id(0), id(1), id(4)]);
    assert_eq!(swaps.len(), 1);
    assert_eq!((swaps[0].out, swaps[0].incoming), (id(2), id(4)));
    // A conforming result is left alone.
    let (set, swaps) = cc.substitute(&[id(1), id(0), id(4)], &[id(2)]).unwrap();
    assert_eq!((set, swaps), (vec![id(1), id(0), id(4)], vec![]));
}

#[test]
fn substitution_for_a_maximum_removes_the_latest_member() {
    let c = contest("c", 3, &["MN", "MN", "WN", "MN", "WN"]);
    let cc = ContestConstraints::new(&c, vec![Constraint::at_most("gender", "man", 1)]).unwrap();
    let (set, swaps) = cc
        .substitute(&[id(0), id(1), id(2)], &[id(3), id(4)])
        .unwrap();
    assert_eq!(set, [id(0), id(4), id(2)]);
    assert_eq!((swaps[0].out, swaps[0].incoming), (id(1), id(4)));
}

#[test]
fn substitution_never_breaks_a_constraint_already_met() {
    // At least 2 women and 2 BAME in 3 seats. Elected: C1 (man, BAME), C2
    // (woman), C3 (man, BAME): the women's minimum is short. The best
    // runner-up woman C4 is not BAME, so swapping her in for either BAME man
    // breaks the BAME minimum; C5 (woman, BAME) can replace C3.
    let c = contest("c", 3, &["MY", "WN", "MY", "WN", "WY"]);
    let cc = ContestConstraints::new(&c, vec![women(2), bame(2)]).unwrap();
    let (set, swaps) = cc
        .substitute(&[id(0), id(1), id(2)], &[id(3), id(4)])
        .unwrap();
    assert_eq!(set, [id(0), id(1), id(4)]);
    assert_eq!((swaps[0].out, swaps[0].incoming), (id(2), id(4)));
    // Without C5 no swap is allowed.
    let err = cc.substitute(&[id(0), id(1), id(2)], &[id(3)]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "contest c: no substitution can meet constraint 1 (gender=woman: at least 2) without breaking a constraint already met"
    );
    assert!(matches!(
        cc.substitute(&[id(0), id(0), id(2)], &[]),
        Err(ConstraintError::BadState { .. })
    ));
}

#[test]
fn reserved_plan_for_london_eastern() {
    // 6 seats, at least 3 women and 2 BAME.
    let c = contest(
        "london-eastern",
        6,
        &["MN", "WN", "WY", "MY", "WN", "MN", "MN", "WN"],
    );
    let cc = ContestConstraints::new(&c, vec![women(3), bame(2)]).unwrap();
    let mut plan = cc.reserved_plan();
    let first = plan.next_count(&[]).unwrap().unwrap();
    assert_eq!(first.constraint, Some(cid(&cc, 0)));
    assert_eq!(first.eligible, [id(1), id(2), id(4), id(7)]);
    assert_eq!(first.places, 3);
    // Suppose the women's count elects C2, C3 (a BAME woman) and C5: one
    // BAME place is left, and C4 is the only BAME hopeful.
    let elected = [id(1), id(2), id(4)];
    let second = plan.next_count(&elected).unwrap().unwrap();
    assert_eq!(second.constraint, Some(cid(&cc, 1)));
    assert_eq!((second.eligible, second.places), (vec![id(3)], 1));
    let elected = [id(1), id(2), id(4), id(3)];
    let open = plan.next_count(&elected).unwrap().unwrap();
    assert_eq!(open.constraint, None);
    assert_eq!(open.eligible, [id(0), id(5), id(6), id(7)]);
    assert_eq!(open.places, 2);
    let all = [id(1), id(2), id(4), id(3), id(0), id(5)];
    assert_eq!(plan.next_count(&all).unwrap(), None);
}

#[test]
fn reserved_plan_skips_minimums_already_met_and_withholds_the_doomed() {
    // 3 seats, at least 1 woman and at most 1 man: once a man is elected,
    // the other men are doomed and are not eligible for the open count.
    let c = contest("c", 3, &["MN", "WN", "MN", "WN", "WN"]);
    let cc = ContestConstraints::new(&c, vec![women(1), Constraint::at_most("gender", "man", 1)])
        .unwrap();
    let mut plan = cc.reserved_plan();
    let open = plan.next_count(&[id(0), id(1)]).unwrap().unwrap();
    assert_eq!(open.constraint, None);
    assert_eq!((open.eligible, open.places), (vec![id(3), id(4)], 1));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn substitution_results_conform_and_leave_conforming_results_alone(
        case in case(),
        order in Just((0..10usize).collect::<Vec<_>>()).prop_shuffle(),
    ) {
        let c = build(&case);
        let Ok(cc) = ContestConstraints::new(&c, case.constraints.clone()) else {
            return Ok(());
        };
        let standing: Vec<CandidateId> = order
            .iter()
            .filter(|&&i| i < case.people.len() && !case.withdrawn[i])
            .map(|&i| id(i))
            .collect();
        let places = cc.places() as usize;
        let (elected, runners_up) = standing.split_at(places);
        let before = cc.unmet_by(elected);
        match cc.substitute(elected, runners_up) {
            Ok((set, swaps)) => {
                prop_assert!(cc.unmet_by(&set).is_empty());
                prop_assert_eq!(set.len(), places);
                prop_assert_eq!(swaps.is_empty(), before.is_empty());
                // Replaying the swaps on the unconstrained result gives the
                // final one; nobody swapped out comes back.
                let mut replay = elected.to_vec();
                let mut gone = Vec::new();
                for s in &swaps {
                    let pos = replay.iter().position(|&c| c == s.out);
                    prop_assert!(pos.is_some(), "C{} swapped out but not in", s.out.number());
                    prop_assert!(runners_up.contains(&s.incoming) && !gone.contains(&s.incoming));
                    replay[pos.unwrap()] = s.incoming;
                    gone.push(s.out);
                }
                prop_assert_eq!(replay, set);
            }
            Err(ConstraintError::NoSubstitution { .. }) => prop_assert!(!before.is_empty()),
            Err(other) => prop_assert!(false, "unexpected {other}"),
        }
    }
}

#[test]
fn constraints_serialise_compactly_and_round_trip() {
    let cs = vec![women(3), Constraint::at_most("gender", "man", 2)];
    let json = serde_json::to_string(&cs).unwrap();
    assert_eq!(
        json,
        r#"[{"attribute":"gender","value":"woman","min":3},{"attribute":"gender","value":"man","max":2}]"#
    );
    let back: Vec<Constraint> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, cs);
}

#[test]
fn reserved_plan_reports_when_one_count_fills_its_places_wrongly() {
    // 3 seats, at least 2 women and 2 BAME. Every woman is eligible for the
    // women's count, but if it elects the two white women, the single place
    // left cannot hold two BAME members: the plan stops with the error.
    let c = contest("c", 3, &["WN", "WN", "WY", "MY", "MY"]);
    let cc = ContestConstraints::new(&c, vec![women(2), bame(2)]).unwrap();
    let mut plan = cc.reserved_plan();
    let first = plan.next_count(&[]).unwrap().unwrap();
    assert_eq!(
        (first.eligible, first.places),
        (vec![id(0), id(1), id(2)], 2)
    );
    assert!(matches!(
        plan.next_count(&[id(0), id(1)]),
        Err(ConstraintError::Infeasible { .. })
    ));
}

// ---------------------------------------------------------------------------
// The model carries constraints, and so does the JSON election format.

#[test]
fn a_contest_carries_its_constraints_through_json_and_refuses_bad_ones() {
    let c = contest("c", 3, &["WN", "WY", "MY", "MN"])
        .with_constraints(vec![
            Constraint::at_least("gender", "woman", 1),
            Constraint::at_most("bame", "yes", 1),
        ])
        .unwrap();
    assert_eq!(c.constraints().len(), 2);
    let e = Election::single(c);
    let mut out = Vec::new();
    ballot::write(ballot::Format::Json, &e, &mut out).unwrap();
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(
        text.contains(
            r#""constraints": [{"attribute":"gender","value":"woman","min":1},{"attribute":"bame","value":"yes","max":1}],"#
        ),
        "{text}"
    );
    let back = ballot::read(ballot::Format::Json, &out, &Default::default()).unwrap();
    assert_eq!(back, e);

    // The model refuses what ContestConstraints::new refuses, and keeps
    // the contest unchanged.
    let mut c = e.contests()[0].clone();
    let err = c
        .set_constraints(vec![Constraint::at_least("gendr", "woman", 1)])
        .unwrap_err();
    assert!(err.to_string().contains("gendr"), "{err}");
    assert_eq!(c.constraints().len(), 2);

    // In a file, the error names the constraint's path and position.
    let bad = text.replace(r#""min":1}"#, r#""min":4}"#);
    let err = ballot::read(ballot::Format::Json, bad.as_bytes(), &Default::default()).unwrap_err();
    let line = bad
        .lines()
        .position(|l| l.contains("\"constraints\""))
        .unwrap() as u64
        + 1;
    assert_eq!(err.position().map(|p| (p.line, p.column)), Some((line, 23)));
    assert!(
        err.to_string().contains("at contests[0].constraints[0]")
            && err.to_string().contains("the minimum is above the 3 seats"),
        "{err}"
    );
    // An unknown field in a constraint is an error too.
    let bad = text.replace(r#""max":1}"#, r#""max":1,"maximum":2}"#);
    assert!(ballot::read(ballot::Format::Json, bad.as_bytes(), &Default::default()).is_err());
}
