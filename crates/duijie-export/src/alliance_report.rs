//! One 年度工作进展报告 (yearly progress report, R10) per alliance, as HTML and XLSX: the
//! alliance's members, its lead unit and why, its ten-year plan, the partnerships its
//! enterprises formed, their needs met and unmet (with the reason), their consortia, and
//! progress against the alliance's share of the programme's targets. Every party and record by
//! its ledger id and name.

use std::fmt::Write as _;

use duijie::Ledger;
use duijie::id::PartyId;
use duijie::programme::ProgrammeReport;
use duijie::score::{self, Market};

use crate::report::{escape, page_head, progress_html};
use duijie::history::{RunDiff, RunMatch};

use crate::{fixed_decimal, unmet_reason_text};

/// One table of an alliance report: a sheet of the workbook, a section of the page.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportTable {
    /// The section's title, English then Chinese (`members 成员`); also the sheet's name.
    pub title: &'static str,
    /// Column headers.
    pub header: Vec<&'static str>,
    /// Which columns hold numbers (written as numbers in the workbook).
    pub numeric: Vec<usize>,
    /// The rows, as text.
    pub rows: Vec<Vec<String>>,
}

/// Everything one alliance's report shows.
#[derive(Clone, Debug, PartialEq)]
pub struct AllianceReport {
    /// The alliance's name.
    pub name: String,
    /// The report's title (`{name} 校企联盟 年度工作进展报告（2025年）`).
    pub title: String,
    /// Overview, members, partnerships, needs and consortia, in that order.
    pub tables: Vec<ReportTable>,
    /// Progress against the alliance's share of the targets (the HTML draws it with bars, the
    /// workbook as the report's targets sheet).
    pub targets: Vec<duijie::programme::Progress>,
}

/// The partnerships of an alliance that changed since an earlier run: a section of its
/// 年度工作进展报告, one row per partnership added (新增), removed (撤销) or changed (变更), with
/// the units before and after.
pub fn since_table(d: &RunDiff) -> ReportTable {
    let row = |what: &str, r: &RunMatch, before: Option<u32>, now: Option<u32>| {
        let units = |x: Option<u32>| x.map_or(String::new(), |u| u.to_string());
        // Rows between parties (history::between_parties) stand for all their records.
        let record = |id: &str, party: &str| {
            if id == party {
                "（合计 all）".to_owned()
            } else {
                id.to_owned()
            }
        };
        vec![
            what.to_owned(),
            r.market.name_zh().to_owned(),
            record(&r.need, &r.need_party),
            r.need_party.clone(),
            record(&r.offer, &r.offer_party),
            r.offer_party.clone(),
            units(before),
            units(now),
        ]
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    rows.extend(
        d.added
            .iter()
            .map(|r| row("新增 added", r, None, Some(r.units))),
    );
    rows.extend(
        d.removed
            .iter()
            .map(|r| row("撤销 removed", r, Some(r.units), None)),
    );
    rows.extend(d.changed.iter().map(|c| {
        row(
            "变更 changed",
            &c.after,
            Some(c.before.units),
            Some(c.after.units),
        )
    }));
    ReportTable {
        title: "since the last round 自上一轮以来",
        header: vec![
            "变化 change",
            "市场 market",
            "需求 need",
            "需求方 party",
            "供给 offer",
            "供给方 party",
            "上轮单位 units before",
            "本轮单位 units now",
        ],
        numeric: vec![6, 7],
        rows,
    }
}

/// `name (id)` of a party.
fn named(l: &Ledger, p: PartyId) -> String {
    let p = l.party(p);
    format!("{} ({})", p.name, p.external_id)
}

/// The report of alliance `a` (an index into `r.alliances.alliances`) with its ten-year plan
/// (发展规划) when one was filed.
///
/// # Panics
/// If `a` is not an alliance of `r`.
#[allow(clippy::too_many_lines)]
pub fn alliance_report(
    l: &Ledger,
    r: &ProgrammeReport,
    a: usize,
    plan: Option<&str>,
) -> AllianceReport {
    let al = &r.alliances.alliances[a];
    let progress = &r.alliance_progress[a];
    let is_enterprise = |p: PartyId| al.enterprises.contains(&p);
    let is_member = |p: PartyId| is_enterprise(p) || al.suppliers.contains(&p);
    let mut years: Vec<u16> = progress.targets.iter().filter_map(|p| p.year).collect();
    years.sort_unstable();
    years.dedup();
    let years_text = years
        .iter()
        .map(|y| format!("{y}年"))
        .collect::<Vec<_>>()
        .join("、");
    let lead = al.lead.map_or_else(
        || "无 none: no school or institute serves this alliance".to_owned(),
        |p| named(l, p),
    );

    let mut members = Vec::new();
    for &p in al.enterprises.iter().chain(&al.suppliers) {
        let party = l.party(p);
        members.push(vec![
            party.kind().name_zh().to_owned(),
            party.external_id.clone(),
            party.name.clone(),
            party.city.map_or_else(String::new, |c| {
                duijie::catalogue::Catalogues::get().city(c).name.to_owned()
            }),
            if al.lead == Some(p) {
                "理事长单位".to_owned()
            } else {
                String::new()
            },
            if party.out_of_province {
                "省外".to_owned()
            } else {
                String::new()
            },
        ]);
    }

    let mut partnerships = Vec::new();
    let mut needs = Vec::new();
    let mut internal = 0usize;
    for alloc in &r.allocations {
        let m = alloc.market;
        let mut met = vec![0u64; m.needs(l)];
        for mt in &alloc.matches {
            let (i, j) = (mt.need as usize, mt.offer as usize);
            met[i] += u64::from(mt.units);
            let (need_party, offer_party) =
                (score::need_owner(l, m, i), score::offer_owner(l, m, j));
            let enterprise = if m == Market::Placement {
                offer_party
            } else {
                need_party
            };
            if !is_enterprise(enterprise) {
                continue;
            }
            let within = is_member(need_party) && is_member(offer_party);
            internal += usize::from(within);
            partnerships.push(vec![
                m.name_zh().to_owned(),
                score::need_external_id(l, m, i).to_owned(),
                named(l, need_party),
                score::offer_external_id(l, m, j).to_owned(),
                named(l, offer_party),
                mt.units.to_string(),
                fixed_decimal(i128::from(mt.score)),
                if within { "是" } else { "否" }.to_owned(),
            ]);
        }
        if m == Market::Placement {
            // Placement needs are schools'; the enterprises' side is their offers, above.
            continue;
        }
        for (i, &got) in met.iter().enumerate() {
            let owner = score::need_owner(l, m, i);
            if !is_enterprise(owner) {
                continue;
            }
            let asked = u64::from(score::need_quantity(l, m, i));
            needs.push(vec![
                m.name_zh().to_owned(),
                score::need_external_id(l, m, i).to_owned(),
                named(l, owner),
                asked.to_string(),
                got.to_string(),
                asked.saturating_sub(got).to_string(),
                unmet_reason_text(alloc, i),
            ]);
        }
    }

    let consortia: Vec<Vec<String>> = crate::consortium_rows(l, r)
        .into_iter()
        .zip(&r.consortia)
        .filter(|(_, c)| is_enterprise(l.technology_needs[c.need as usize].enterprise))
        .map(|(c, _)| {
            vec![
                c.need,
                c.enterprise,
                c.members.join("; "),
                c.covered.join(", "),
                c.uncovered.join(", "),
            ]
        })
        .collect();

    let overview = vec![
        vec!["联盟 alliance".to_owned(), al.name.clone()],
        vec!["年度 years".to_owned(), years_text.clone()],
        vec!["理事长单位 lead unit".to_owned(), lead],
        vec!["理由 why".to_owned(), al.lead_reason.clone()],
        vec![
            "10年发展规划 ten-year plan".to_owned(),
            plan.map_or_else(
                || "未提交 not filed (duijie alliances --report DIR --plans PLANS.toml)".to_owned(),
                str::to_owned,
            ),
        ],
        vec![
            "成员企业 member enterprises".to_owned(),
            al.enterprises.len().to_string(),
        ],
        vec![
            "成员学校和科研院所 member schools and institutes".to_owned(),
            al.suppliers.len().to_string(),
        ],
        vec![
            "合作（联盟内）partnerships (within the alliance)".to_owned(),
            format!("{} ({internal})", partnerships.len()),
        ],
        vec![
            "人才需求满足 talent placed / asked".to_owned(),
            format!("{} / {}", progress.talent_placed, progress.talent_demand),
        ],
        vec![
            "技术需求有合作方 technology needs with a partner".to_owned(),
            format!(
                "{} / {}",
                progress.technology_met, progress.technology_needs
            ),
        ],
    ];
    AllianceReport {
        name: al.name.clone(),
        title: format!("{} 校企联盟 年度工作进展报告（{years_text}）", al.name),
        tables: vec![
            ReportTable {
                title: "overview 概况",
                header: vec!["item 项目", "value 内容"],
                numeric: vec![],
                rows: overview,
            },
            ReportTable {
                title: "members 成员",
                header: vec![
                    "kind 类别",
                    "id",
                    "name 名称",
                    "city 城市",
                    "role 职务",
                    "省外",
                ],
                numeric: vec![],
                rows: members,
            },
            ReportTable {
                title: "partnerships 合作",
                header: vec![
                    "market 市场",
                    "need 需求",
                    "need party 需求方",
                    "offer 供给",
                    "offer party 供给方",
                    "units 数量",
                    "score 匹配度",
                    "within 联盟内",
                ],
                numeric: vec![5, 6],
                rows: partnerships,
            },
            ReportTable {
                title: "needs 需求满足",
                header: vec![
                    "market 市场",
                    "need 需求",
                    "enterprise 企业",
                    "asked 需求量",
                    "met 已满足",
                    "unmet 未满足",
                    "why unmet 未满足原因",
                ],
                numeric: vec![3, 4, 5],
                rows: needs,
            },
            ReportTable {
                title: "consortia 联合体",
                header: vec![
                    "need 需求",
                    "enterprise 企业",
                    "members 成员",
                    "disciplines covered 已覆盖学科",
                    "not covered 未覆盖",
                ],
                numeric: vec![],
                rows: consortia,
            },
        ],
        targets: progress.targets.clone(),
    }
}

/// The report as a self-contained HTML page.
pub fn alliance_report_html(rep: &AllianceReport) -> String {
    let mut s = page_head(&rep.title);
    for t in &rep.tables {
        let _ = write!(s, "<h2>{}</h2>", escape(t.title));
        if t.rows.is_empty() {
            s.push_str("<p class=\"note\">无 none</p>");
            continue;
        }
        s.push_str("<table><tr>");
        for h in &t.header {
            let _ = write!(s, "<th>{}</th>", escape(h));
        }
        s.push_str("</tr>");
        for row in &t.rows {
            s.push_str("<tr>");
            for cell in row {
                let _ = write!(s, "<td>{}</td>", escape(cell));
            }
            s.push_str("</tr>");
        }
        s.push_str("</table>");
    }
    s.push_str("<h2>targets 目标</h2>");
    s.push_str(&progress_html(&rep.targets));
    let _ = write!(
        s,
        "<p class=\"note\">Generated by duijie {}.</p></body></html>",
        env!("CARGO_PKG_VERSION")
    );
    s
}

/// A file name for alliance `a`'s report: its number and name, with characters that file
/// systems refuse replaced by `_` (`01-机器人`).
pub fn alliance_file_stem(a: usize, name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    format!("{:02}-{}", a + 1, clean.trim())
}

/// An index page linking every alliance's report (`{stem}.html` and `{stem}.xlsx`).
pub fn alliance_index_html(title: &str, reports: &[(String, AllianceReport)]) -> String {
    let mut s = page_head(title);
    s.push_str("<table><tr><th>alliance 联盟</th><th>HTML</th><th>XLSX</th></tr>");
    for (stem, rep) in reports {
        let f = escape(stem);
        let _ = write!(
            s,
            "<tr><td>{}</td><td><a href=\"{f}.html\">{f}.html</a></td><td><a href=\"{f}.xlsx\">{f}.xlsx</a></td></tr>",
            escape(&rep.name)
        );
    }
    s.push_str("</table></body></html>");
    s
}
