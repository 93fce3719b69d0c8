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
                        "disciplines": disciplines(&cap.disciplines),
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
