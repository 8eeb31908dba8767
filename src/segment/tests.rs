//! Table tests of the Norwegian rules: each case is a line and its expected segments.

use super::*;

#[track_caller]
fn check(line: &str, expected: &[&str]) {
    let mut ranges = Vec::new();
    Segmenter::default().split_line(line, &mut ranges);
    let got: Vec<&str> = ranges.iter().map(|r| &line[r.clone()]).collect();
    assert_eq!(got, expected, "segmenting {line:?}");
}

#[test]
fn basic() {
    check("Hei. Hvem er du?", &["Hei.", "Hvem er du?"]);
    check(
        "– Det er OKS (opplevd kundetilfredshet, red. kommentar). Vi er her.",
        &["Det er OKS (opplevd kundetilfredshet, red. kommentar).", "Vi er her."],
    );
}
