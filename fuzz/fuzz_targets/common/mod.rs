//! Oracles shared by the loader targets.

/// What a loaded ledger must hold after the second round of hostile input: no accepted id or
/// name with an invisible character or over its limit, and no invisible character printed raw.
pub fn check_loaded(loaded: &duijie_store::Loaded) {
    for p in &loaded.ledger.parties {
        for text in [&p.external_id, &p.name] {
            assert!(
                !text.chars().any(duijie::message::is_invisible),
                "{text:?} accepted"
            );
        }
        assert!(p.external_id.chars().count() <= 100 && p.name.chars().count() <= 200);
    }
    let shown = loaded.report.to_string();
    assert!(
        !shown
            .chars()
            .any(|c| duijie::message::is_invisible(c) || c == '\t' || c == '\r'),
        "raw invisible character in the report"
    );
}
