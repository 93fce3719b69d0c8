//! `duijie explain` and the `--weights` scoring config shared by `match` and `explain`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use duijie::model::Ledger;
use duijie::score::{self, Market, ScoreConfig};

/// Reads a TOML file of `what` into `T` (defaults when `path` is `None`) and checks it with
/// `validate`. Errors name the file, and the line or field at fault, then `hint`.
fn load_toml<T: serde::de::DeserializeOwned + Default, E: std::fmt::Display>(
    path: Option<&Path>,
    what: &str,
    hint: &str,
    validate: impl Fn(&T) -> Result<(), E>,
) -> anyhow::Result<T> {
    let Some(path) = path else {
        return Ok(T::default());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the {what} file {}", path.display()))?;
    let value: T = toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let at = line.map(|l| format!(":{l}")).unwrap_or_default();
        anyhow::anyhow!(
            "{}{at}: {}\n({hint})",
            path.display(),
            duijie::message::plain_parser_message(e.message())
        )
    })?;
    validate(&value).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(value)
}

/// Reads a scoring config from TOML (every field optional) and validates it; `None` gives the
/// defaults. Errors name the file, and the line or field at fault.
pub fn load_config(path: Option<&Path>) -> anyhow::Result<ScoreConfig> {
    load_toml(
        path,
        "weights",
        "the fields a weights file takes are listed in `duijie explain --help`",
        ScoreConfig::validate,
    )
}

/// Reads programme targets (TOML, every field optional; the defaults are the policy's 2020
/// figures), or the defaults when no file is given.
pub fn load_targets(path: Option<&Path>) -> anyhow::Result<duijie::programme::Targets> {
    load_toml(
        path,
        "targets",
        "fields: development_domains, upgrade_projects, core_technologies, innovation_centres, graduate, bachelor, higher_vocational, secondary_vocational, school_coverage, enterprise_coverage, bachelor_colleges, vocational_colleges, demonstration_schools, applied_universities, first_class_disciplines, stop_bachelor_programmes, stop_bachelor_majors, stop_vocational_programmes, stop_vocational_majors, add_bachelor_majors, add_vocational_majors",
        duijie::programme::Targets::validate,
    )
}

/// Reads alliances' ten-year plans (发展规划): a TOML table of alliance name → plan text
/// (`"机器人" = "2021—2030：…"`). A name that is no alliance of `known` is an error naming it and
/// listing the alliances, never ignored.
pub fn load_plans(
    path: Option<&Path>,
    known: &[&str],
) -> anyhow::Result<std::collections::BTreeMap<String, String>> {
    let hint = format!(
        "a plans file maps an alliance's name to its plan, e.g. \"{}\" = \"2021—2030：…\"",
        known.first().copied().unwrap_or("机器人")
    );
    load_toml(
        path,
        "plans",
        &hint,
        |plans: &std::collections::BTreeMap<String, String>| match plans
            .keys()
            .find(|k| !known.contains(&k.as_str()))
        {
            Some(k) => Err(format!(
                "{k:?} is not an alliance of this ledger; the alliances are {}",
                known.join(", ")
            )),
            None => Ok(()),
        },
    )
}

/// `duijie explain`: reads the ledger (the bundled sample when `ledger` is empty) and the
/// weights, then explains one pair ([`run`]).
pub fn command(
    need: &str,
    offer: &str,
    ledger: &[std::path::PathBuf],
    market: Option<Market>,
    weights: Option<&Path>,
    json: bool,
    lang: score::Lang,
) -> anyhow::Result<ExitCode> {
    let cfg = load_config(weights)?;
    let loaded = if ledger.is_empty() {
        duijie_store::load_sources(duijie_store::sample_sources())
    } else {
        duijie_store::load_paths(ledger)?
    };
    if loaded.report.has_errors() {
        eprintln!("{}", loaded.report.render(crate::lang()));
        eprintln!("the ledger has errors: fix them (duijie validate shows the same report)");
        return Ok(ExitCode::from(1));
    }
    run(&loaded.ledger, need, offer, market, &cfg, json, lang)
}

/// Prints the breakdown of one need–offer pair.
pub fn run(
    l: &Ledger,
    need_id: &str,
    offer_id: &str,
    market: Option<Market>,
    cfg: &ScoreConfig,
    json: bool,
    lang: score::Lang,
) -> anyhow::Result<ExitCode> {
    let (m, i, j) = score::find_pair(l, need_id, offer_id, market).map_err(anyhow::Error::msg)?;
    let score = score::score_pair_with(cfg, l, m, i, j);
    if json {
        let v = serde_json::json!({
            "market": m.name(),
            "need": need_id,
            "offer": offer_id,
            "candidate": score.is_some(),
            "score": score.as_ref().map(|s| s.total),
            "score_fixed": score.as_ref().map(score::Score::fixed),
            "components": score.as_ref().map(|s| &s.components),
        });
        outln!("{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        match lang {
            score::Lang::Zh => outln!("{}需求 {need_id} × 供给 {offer_id}", m.name_zh())?,
            score::Lang::En => outln!(
                "{} need {need_id} × offer {offer_id} ({})",
                m.name(),
                m.name_zh()
            )?,
        }
        match (&score, lang) {
            (Some(s), _) => {
                out!("{}", s.table(lang))?;
                outln!("{}", s.sentence(lang))
            }
            (None, score::Lang::Zh) => {
                outln!("不是候选配对：年度或类别不同、专业或学科不相关，或层次在人才链上相距过远")
            }
            (None, score::Lang::En) => outln!(
                "not a candidate pair: different year or kind, unrelated majors or disciplines, \
                 or levels too far apart on the talent chain"
            ),
        }?;
    }
    Ok(ExitCode::SUCCESS)
}
