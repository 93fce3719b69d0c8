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

/// Each recommendation with the reason for its rank, in the recommended party's own terms: the
/// need's score (with its components) when the party has the need, its own view of the pair
/// when it makes the offer.
pub fn explain_recommendations<'r>(
    scorer: &duijie::score::Scorer<'_>,
    recs: &'r [duijie::programme::Recommendation],
    lang: duijie::score::Lang,
) -> Vec<ExplainedRecommendation<'r>> {
    recs.iter()
        .map(|r| {
            let (i, j) = r.pair();
            let score = scorer.score(r.market, i, j);
            let why = match r.side {
                duijie::policy::Side::Needs => score.as_ref().map(|s| s.sentence(lang)),
                duijie::policy::Side::Offers => scorer.offer_view_sentence(r.market, i, j, lang),
            };
            ExplainedRecommendation {
                recommendation: r,
                score,
                why,
            }
        })
        .collect()
}

/// A recommendation and why it ranks where it does ([`explain_recommendations`]).
#[derive(Clone, Debug)]
pub struct ExplainedRecommendation<'r> {
    /// The recommendation.
    pub recommendation: &'r duijie::programme::Recommendation,
    /// The need's score of the pair, with its components.
    pub score: Option<duijie::score::Score>,
    /// The reason in a sentence.
    pub why: Option<String>,
}

/// A party as the recommendations name it: id, kind in Chinese, name.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PartyRef<'a> {
    /// The party's id.
    pub id: &'a str,
    /// Its kind, in Chinese.
    pub kind: &'static str,
    /// Its name.
    pub name: &'a str,
}

impl<'a> PartyRef<'a> {
    fn of(p: &'a duijie::model::Party) -> Self {
        PartyRef {
            id: &p.external_id,
            kind: p.kind().name_zh(),
            name: &p.name,
        }
    }
}

/// One recommendation as JSON (keys in alphabetical order).
#[derive(Clone, Debug, serde::Serialize)]
pub struct RecommendationJson<'a> {
    /// The need's score components.
    pub components: Option<&'a [duijie::score::Component]>,
    /// The market's name.
    pub market: &'static str,
    /// The partner's record.
    pub other: &'a str,
    /// The party's own record.
    pub own: &'a str,
    /// The partner.
    pub partner: PartyRef<'a>,
    /// The score from the party's side, as a decimal.
    pub score: String,
    /// The reason in a sentence.
    pub why: Option<&'a str>,
}

/// A party's recommendations as JSON (`duijie recommend --json` and the service's
/// `/v1/parties/{id}/recommendations`), serialised straight from the ledger's strings.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RecommendationsJson<'a> {
    /// Partners per market at most.
    pub k: usize,
    /// The party.
    pub party: PartyRef<'a>,
    /// Best first within each market.
    pub recommendations: Vec<RecommendationJson<'a>>,
}

/// A party's recommendations as JSON: the party, `k`, and each recommendation's market,
/// partner, the two records, score, reason and components.
pub fn recommendations_json<'a>(
    l: &'a Ledger,
    party: &'a duijie::model::Party,
    k: usize,
    explained: &'a [ExplainedRecommendation<'_>],
) -> RecommendationsJson<'a> {
    let recommendations = explained
        .iter()
        .map(|e| {
            let r = e.recommendation;
            let (own, other) = r.record_ids(l);
            RecommendationJson {
                components: e.score.as_ref().map(|s| s.components.as_slice()),
                market: r.market.name(),
                other,
                own,
                partner: PartyRef::of(l.party(r.partner)),
                score: crate::fixed_decimal(i128::from(r.score)),
                why: e.why.as_deref(),
            }
        })
        .collect();
    RecommendationsJson {
        k,
        party: PartyRef::of(party),
        recommendations,
    }
}
