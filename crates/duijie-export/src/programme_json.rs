//! The programme's alliances, consortia and progress as JSON in the ledger's own terms: every
//! party, need and capability by its ledger id and name, every discipline by its catalogue
//! code — never an index into duijie's tables.

use duijie::Ledger;
use duijie::catalogue::Catalogues;
use duijie::catalogue::MajorId;
use duijie::id::PartyId;
use duijie::programme::ProgrammeReport;
use serde_json::{Value, json};

fn party(l: &Ledger, id: PartyId) -> Value {
    let p = l.party(id);
    json!({"id": p.external_id, "name": p.name, "kind": p.kind().name_zh()})
}

fn parties(l: &Ledger, ids: &[PartyId]) -> Vec<Value> {
    ids.iter().map(|&id| party(l, id)).collect()
}

fn disciplines(ids: &[MajorId]) -> Vec<Value> {
    let c = Catalogues::get();
    ids.iter()
        .map(|&m| {
            let major = c.major(m);
            json!({"code": major.code, "name": major.name, "level": major.level.name_zh()})
        })
        .collect()
}

/// One consortium as the reports show it, every field text in the ledger's terms.
pub struct ConsortiumRow {
    /// The technology need's ledger id.
    pub need: String,
    /// The enterprise that has it.
    pub enterprise: String,
    /// Each member: capability id, provider, platform, disciplines and projects it takes a year.
    pub members: Vec<String>,
    /// The need's disciplines the team covers (`code name`).
    pub covered: Vec<String>,
    /// The need's disciplines nobody with capacity left covers.
    pub uncovered: Vec<String>,
    /// Whether the team is proven smallest (exhaustive search) or the greedy's.
    pub proven_smallest: bool,
}

fn discipline_text(ids: &[MajorId]) -> Vec<String> {
    let c = Catalogues::get();
    ids.iter()
        .map(|&m| format!("{} {}", c.major(m).code, c.major(m).name))
        .collect()
}

/// The consortia of `r` as rows for the HTML and XLSX reports.
pub fn consortium_rows(l: &Ledger, r: &ProgrammeReport) -> Vec<ConsortiumRow> {
    r.consortia
        .iter()
        .map(|t| {
            let need = &l.technology_needs[t.need as usize];
            ConsortiumRow {
                need: need.external_id.clone(),
                enterprise: l.party(need.enterprise).name.clone(),
                members: t
                    .members
                    .iter()
                    .map(|&k| {
                        let cap = &l.technology_capabilities[k as usize];
                        format!(
                            "{} {}{} ({}; {} projects a year)",
                            cap.external_id,
                            l.party(cap.provider).name,
                            cap.platform
                                .as_ref()
                                .map_or_else(String::new, |p| format!(" {p}")),
                            discipline_text(&cap.disciplines).join(", "),
                            cap.capacity
                        )
                    })
                    .collect(),
                covered: discipline_text(&t.covered),
                uncovered: discipline_text(&t.uncovered),
                proven_smallest: t.exact,
            }
        })
        .collect()
}

/// `duijie alliances --json`: the alliances (members, lead unit and why; an alliance with no
/// school or institute has no lead), who is left out and why, the consortium of each core
/// technology need, and progress overall and per alliance.
pub fn alliances_json(l: &Ledger, r: &ProgrammeReport) -> Value {
    let alliances: Vec<Value> = r
        .alliances
        .alliances
        .iter()
        .map(|a| {
            json!({
                "name": a.name,
                "lead": a.lead.map(|id| party(l, id)),
                "lead_reason": a.lead_reason,
                "enterprises": parties(l, &a.enterprises),
                "suppliers": parties(l, &a.suppliers),
                "out_of_quota": parties(l, &a.out_of_quota),
            })
        })
        .collect();
    let left_out: Vec<Value> = r
        .alliances
        .left_out
        .iter()
        .map(|x| {
            let mut v = party(l, x.party);
            v["reason"] = json!(x.reason);
            v
        })
        .collect();
    let consortia: Vec<Value> = r
        .consortia
        .iter()
        .map(|t| {
            let need = &l.technology_needs[t.need as usize];
            let members: Vec<Value> = t
                .members
                .iter()
                .map(|&k| {
                    let cap = &l.technology_capabilities[k as usize];
                    json!({
                        "capability": cap.external_id,
                        "provider": party(l, cap.provider),
                        "platform": cap.platform,
                        "disciplines": disciplines(&cap.disciplines),
                        "capacity": cap.capacity,
                    })
                })
                .collect();
            json!({
                "need": need.external_id,
                "enterprise": party(l, need.enterprise),
                "members": members,
                "covered": disciplines(&t.covered),
                "uncovered": disciplines(&t.uncovered),
                "proven_smallest": t.exact,
                "score": crate::fixed_decimal(i128::from(t.score)),
            })
        })
        .collect();
    json!({
        "alliances": alliances,
        "left_out": left_out,
        "consortia": consortia,
        "progress": r.progress,
        "alliance_progress": r.alliance_progress,
    })
}
