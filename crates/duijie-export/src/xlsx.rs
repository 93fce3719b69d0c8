//! The XLSX report (feature `xlsx`): sheets for matches, explanations, gaps, targets, the policy
//! comparison and the alliances. Ids are written as text (so 0-led codes survive), and every
//! text cell is guarded like [`crate::csv_cell`] against formula injection.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::report::ReportData;
use crate::{ExportError, fixed_decimal};
use duijie::score::{self, Scorer};

/// A text cell's guarded content: a leading `=`, `+`, `-`, `@`, tab or carriage return gets a
/// `'`, as in CSV.
fn guard(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// One sheet: a header row, then rows of cells.
enum Cell {
    Text(String),
    Number(f64),
}

fn sheet(
    wb: &mut Workbook,
    name: &str,
    header: &[&str],
    rows: impl Iterator<Item = Vec<Cell>>,
) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let ws: &mut Worksheet = wb.add_worksheet();
    ws.set_name(name)?;
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, u16::try_from(c).unwrap_or(u16::MAX), *h, &bold)?;
    }
    for (r, row) in rows.enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, cell) in row.into_iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            match cell {
                Cell::Text(t) => ws.write_string(r, c, guard(&t))?,
                Cell::Number(x) => ws.write_number(r, c, x)?,
            };
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The columns of a progress sheet ([`progress_row`]).
const PROGRESS_HEADER: [&str; 7] = [
    "key",
    "indicator 指标",
    "year 年度",
    "target 目标",
    "achieved 完成",
    "share 进度",
    "measure 计量口径",
];

/// One progress row: a target the ledger cannot measure leaves achieved and share empty and
/// says why under measure.
fn progress_row(p: &duijie::programme::Progress) -> Vec<Cell> {
    vec![
        t(&p.key),
        t(&p.indicator),
        p.year.map_or_else(|| t(""), n),
        n(p.target),
        p.achieved.map_or_else(|| t(""), n),
        p.share.map_or_else(|| t(""), n),
        t(&p.measure),
    ]
}

fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

#[allow(clippy::cast_precision_loss)]
fn n(x: impl Into<f64>) -> Cell {
    Cell::Number(x.into())
}

/// Writes the report as an XLSX workbook to `path`, atomically ([`crate::write_atomic`]).
///
/// # Errors
/// [`ExportError`] naming `path` when the workbook cannot be built (a sheet beyond Excel's
/// limits) or written.
pub fn write_xlsx_report(path: &std::path::Path, d: &ReportData<'_>) -> Result<(), ExportError> {
    crate::write_atomic(path, &xlsx_report_bytes(path, d)?)
}

/// The report as the bytes of an XLSX workbook, to write with other files as one set
/// ([`crate::write_set`]); `path` is named in errors.
///
/// # Errors
/// [`ExportError`] naming `path` when the workbook cannot be built (a sheet beyond Excel's
/// limits).
pub fn xlsx_report_bytes(
    path: &std::path::Path,
    d: &ReportData<'_>,
) -> Result<Vec<u8>, ExportError> {
    let l = d.ledger;
    let scorer = Scorer::new(d.cfg, l);
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let mut matches = Vec::new();
        let mut explanations = Vec::new();
        for a in &d.programme.allocations {
            let m = a.market;
            for mt in &a.matches {
                let (i, j) = (mt.need as usize, mt.offer as usize);
                let row_id = matches.len() + 1;
                let np = l.party(score::need_owner(l, m, i));
                let op = l.party(score::offer_owner(l, m, j));
                matches.push(vec![
                    n(u32::try_from(row_id).unwrap_or(u32::MAX)),
                    t(m.name()),
                    t(score::need_external_id(l, m, i)),
                    t(&np.external_id),
                    t(&np.name),
                    t(score::offer_external_id(l, m, j)),
                    t(&op.external_id),
                    t(&op.name),
                    n(mt.units),
                    t(fixed_decimal(i128::from(mt.score))),
                ]);
                if let Some(s) = scorer.score(m, i, j) {
                    for c in &s.components {
                        explanations.push(vec![
                            n(u32::try_from(row_id).unwrap_or(u32::MAX)),
                            t(c.name),
                            t(c.name_zh()),
                            n(c.value),
                            n(c.weight),
                            n(c.contribution()),
                            t(&c.reason),
                            t(&c.reason_en),
                        ]);
                    }
                }
            }
        }
        sheet(
            &mut wb,
            "matches 匹配",
            &[
                "match",
                "market",
                "need",
                "need party id",
                "need party",
                "offer",
                "offer party id",
                "offer party",
                "units",
                "score",
            ],
            matches.into_iter(),
        )?;
        sheet(
            &mut wb,
            "explanations 解释",
            &[
                "match 匹配",
                "component",
                "成分",
                "value 得分",
                "weight 权重",
                "contribution 贡献",
                "理由",
                "reason",
            ],
            explanations.into_iter(),
        )?;
        sheet(
            &mut wb,
            "gaps 缺口",
            &[
                "code",
                "major",
                "level",
                "supply",
                "demand",
                "demand met",
                "supply placed",
                "schools",
                "employment rate",
                "signals",
                "schools supplying it",
            ],
            d.programme.gaps.iter().map(|g| {
                let signals: Vec<String> = g.signals.iter().map(|x| x.name_zh()).collect();
                vec![
                    t(&g.code),
                    t(&g.name),
                    t(g.level.name_zh()),
                    n(g.supply as f64),
                    n(g.demand as f64),
                    n(g.demand_met as f64),
                    n(g.supply_placed as f64),
                    n(u32::try_from(g.schools).unwrap_or(u32::MAX)),
                    g.employment_rate.map_or_else(|| t(""), n),
                    t(signals.join("，")),
                    t(crate::gap_schools(d.ledger, g)),
                ]
            }),
        )?;
        sheet(
            &mut wb,
            "targets 目标",
            &PROGRESS_HEADER,
            d.programme.progress.iter().map(progress_row),
        )?;
        sheet(
            &mut wb,
            "comparison 政策比较",
            &[
                "market",
                "policy",
                "status",
                "welfare",
                "units placed",
                "unmet units",
                "needs covered",
                "needs",
                "offers used",
                "capacity use",
                "blocking pairs",
                "need sat mean",
                "need sat min",
                "need sat gini",
                "offer sat mean",
                "offer sat min",
                "offer sat gini",
                "city balance",
            ],
            d.programme.comparison.iter().map(|r| {
                let m = &r.metrics;
                vec![
                    t(r.market.name()),
                    t(&r.policy),
                    t(format!("{:?}", r.status)),
                    t(fixed_decimal(m.welfare)),
                    n(m.matched_units as f64),
                    n(m.unmet_units as f64),
                    n(m.needs_covered as f64),
                    n(m.needs as f64),
                    n(m.offers_used as f64),
                    n(m.capacity_use),
                    n(m.blocking_pairs as f64),
                    n(m.need_satisfaction.mean),
                    n(m.need_satisfaction.min),
                    n(m.need_satisfaction.gini),
                    n(m.offer_satisfaction.mean),
                    n(m.offer_satisfaction.min),
                    n(m.offer_satisfaction.gini),
                    n(r.city_balance),
                ]
            }),
        )?;
        sheet(
            &mut wb,
            "consortia 联合体",
            &[
                "need",
                "enterprise",
                "members",
                "disciplines covered",
                "not covered",
                "proven smallest",
            ],
            crate::consortium_rows(d.ledger, d.programme)
                .into_iter()
                .map(|c| {
                    vec![
                        t(c.need),
                        t(c.enterprise),
                        t(c.members.join("; ")),
                        t(c.covered.join(", ")),
                        t(c.uncovered.join(", ")),
                        t(if c.proven_smallest {
                            "yes"
                        } else {
                            "no (greedy)"
                        }),
                    ]
                }),
        )?;
        sheet(
            &mut wb,
            "alliances 联盟",
            &[
                "alliance",
                "enterprises",
                "schools and institutes",
                "lead unit",
                "talent placed",
                "talent asked",
                "technology met",
                "technology needs",
                "internal partnerships",
            ],
            d.programme
                .alliances
                .alliances
                .iter()
                .zip(&d.programme.alliance_progress)
                .map(|(a, p)| {
                    vec![
                        t(&a.name),
                        n(u32::try_from(a.enterprises.len()).unwrap_or(u32::MAX)),
                        n(u32::try_from(a.suppliers.len()).unwrap_or(u32::MAX)),
                        t(a.lead
                            .map_or_else(String::new, |id| l.party(id).name.clone())),
                        n(p.talent_placed as f64),
                        n(p.talent_demand as f64),
                        n(u32::try_from(p.technology_met).unwrap_or(u32::MAX)),
                        n(u32::try_from(p.technology_needs).unwrap_or(u32::MAX)),
                        n(u32::try_from(p.internal_partnerships).unwrap_or(u32::MAX)),
                    ]
                }),
        )?;
        // One sheet per alliance: each member's recommended partners, for its 对接会.
        let al = &d.programme.alliances;
        for (k, a) in al.alliances.iter().enumerate() {
            let name: String = format!("荐{:02} {}", k + 1, a.name)
                .chars()
                .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
                .take(31)
                .collect();
            let rows = a
                .enterprises
                .iter()
                .chain(&a.suppliers)
                .flat_map(|&member| {
                    d.programme.recommendations[member.index()]
                        .iter()
                        .map(move |r| {
                            let m = r.market;
                            let (own, other) = r.record_ids(l);
                            let member_party = l.party(member);
                            let partner = l.party(r.partner);
                            vec![
                                t(&member_party.external_id),
                                t(&member_party.name),
                                t(m.name_zh()),
                                t(own),
                                t(&partner.external_id),
                                t(&partner.name),
                                t(other),
                                t(fixed_decimal(i128::from(r.score))),
                                t(if al.membership[r.partner.index()].contains(&(k as u32)) {
                                    "是"
                                } else {
                                    "否"
                                }),
                            ]
                        })
                });
            sheet(
                &mut wb,
                &name,
                &[
                    "member id 成员编号",
                    "member 成员",
                    "market 市场",
                    "own record 本方记录",
                    "partner id 合作方编号",
                    "partner 推荐合作方",
                    "partner record 对方记录",
                    "own view 本方评价",
                    "in the alliance 联盟内",
                ],
                rows,
            )?;
        }
        wb.save_to_buffer()
    };
    workbook_bytes(path, build)
}

/// An alliance's yearly report ([`crate::alliance_report`]) as the bytes of an XLSX workbook:
/// one sheet per table, numbers as numbers; `path` is named in errors.
///
/// # Errors
/// [`ExportError`] naming `path` when the workbook cannot be built.
pub fn alliance_report_xlsx_bytes(
    path: &std::path::Path,
    rep: &crate::AllianceReport,
) -> Result<Vec<u8>, ExportError> {
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        for table in &rep.tables {
            sheet(
                &mut wb,
                table.title,
                &table.header,
                table.rows.iter().map(|row| {
                    row.iter()
                        .enumerate()
                        .map(|(k, cell)| match cell.parse::<f64>() {
                            Ok(x) if table.numeric.contains(&k) => n(x),
                            _ => t(cell.as_str()),
                        })
                        .collect()
                }),
            )?;
        }
        sheet(
            &mut wb,
            "targets 目标",
            &PROGRESS_HEADER,
            rep.targets.iter().map(progress_row),
        )?;
        wb.save_to_buffer()
    };
    workbook_bytes(path, build)
}

/// Runs `build` and maps a failure to an [`ExportError`] naming `path`.
fn workbook_bytes(
    path: &std::path::Path,
    build: impl FnOnce() -> Result<Vec<u8>, XlsxError>,
) -> Result<Vec<u8>, ExportError> {
    build().map_err(|e| {
        ExportError::new(
            path,
            std::io::Error::other(format!("cannot build the XLSX workbook: {e}")),
        )
    })
}

/// The drop-down values of a field of `kind`, when it takes a fixed set: levels, sizes, kinds,
/// cities, platform levels, yes/no. (Catalogue codes go on the `_lists` sheet:
/// [`catalogue_list`].)
fn choices(kind: duijie::validate::RecordKind, field: &str) -> Option<Vec<String>> {
    use duijie::validate::RecordKind as K;
    let v = |xs: &[&str]| Some(xs.iter().map(|x| (*x).to_owned()).collect());
    match (kind, field) {
        (_, "level") => v(&["中职", "高职专科", "高职本科", "本科", "研究生"]),
        (_, "size") => v(&["大型", "中型", "小型", "微型"]),
        (_, "out_of_province") => v(&["true", "false"]),
        (_, "platform_level") => v(&["国家级", "省级", "市级", "无"]),
        (_, "city") => Some(
            duijie::catalogue::Catalogues::get()
                .cities()
                .iter()
                .map(|c| c.name.to_owned())
                .collect(),
        ),
        (K::Authorities, "kind") => v(&["地方政府", "重点园区"]),
        (K::TechnologyNeeds, "kind") => v(&["技术升级改造", "核心和共性技术"]),
        (K::TrainingNeeds | K::TrainingOffers, "kind") => v(&["岗前培训", "继续教育"]),
        (K::PlacementNeeds | K::PlacementOffers, "kind") => {
            v(&["实习", "顶岗实习", "实践基地", "兼职教师"])
        }
        _ => None,
    }
}

/// The `_lists` column holding a catalogue field's codes: industry divisions (B) and major
/// codes of every level (C). Column A is left for notes.
fn catalogue_list(field: &str) -> Option<(u16, &'static str)> {
    match field {
        "industry" => Some((1, "B")),
        "major_code" => Some((2, "C")),
        _ => None,
    }
}

/// A fill-in workbook for one table (`duijie template`): the sheet `{table} {中文名}` with a
/// header row of Chinese label and field name (bold when required, a note giving what it takes),
/// text-formatted columns (so codes keep their leading zeros), drop-down lists where the field
/// takes fixed or catalogue values, then `records` (an existing ledger's rows, or none). A hidden
/// `_lists` sheet holds the catalogue codes. The ledger reader (duijie-store, feature `xlsx`) reads it back to the same
/// records.
///
/// # Errors
/// [`ExportError`] naming `path` when the workbook cannot be built.
pub fn template_workbook_bytes(
    path: &std::path::Path,
    kind: duijie::validate::RecordKind,
    records: &[&duijie::validate::RawRecord],
) -> Result<Vec<u8>, ExportError> {
    use duijie::validate::{Value, field_label_zh};
    use rust_xlsxwriter::{DataValidation, Formula, Note};
    fn text(v: &Value) -> String {
        match v {
            Value::Text(s) => s.clone(),
            Value::Integer(i) => i.to_string(),
            Value::Number(x) => x.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::List(xs) => xs.iter().map(text).collect::<Vec<_>>().join(";"),
            Value::Null => String::new(),
        }
    }
    let build = || -> Result<Vec<u8>, XlsxError> {
        let c = duijie::catalogue::Catalogues::get();
        let mut wb = Workbook::new();
        let fields = kind.fields();
        let rows = u32::try_from(records.len()).unwrap_or(u32::MAX).max(1000) + 1;
        {
            let ws = wb.add_worksheet();
            ws.set_name(format!("{} {}", kind.name(), kind.name_zh()))?;
            let as_text = Format::new().set_num_format("@");
            let required = Format::new().set_bold().set_num_format("@");
            let optional = Format::new().set_num_format("@");
            for (k, f) in fields.iter().enumerate() {
                let col = u16::try_from(k).unwrap_or(u16::MAX);
                ws.set_column_format(col, &as_text)?;
                ws.set_column_width(col, 16)?;
                let head = format!("{} {}", field_label_zh(f.name), f.name);
                ws.write_string_with_format(
                    0,
                    col,
                    head,
                    if f.required { &required } else { &optional },
                )?;
                let note = format!(
                    "{}：{}",
                    if f.required {
                        "必填 required"
                    } else {
                        "选填 optional"
                    },
                    f.doc
                );
                ws.insert_note(0, col, &Note::new(note).set_author("duijie"))?;
                let list = match choices(kind, f.name) {
                    Some(values) => Some(DataValidation::new().allow_list_strings(&values)?),
                    None => catalogue_list(f.name).map(|(_, letter)| {
                        let n = if letter == "B" {
                            c.divisions().len()
                        } else {
                            c.majors().len()
                        };
                        DataValidation::new().allow_list_formula(Formula::new(format!(
                            "=_lists!${letter}$2:${letter}${}",
                            n + 1
                        )))
                    }),
                };
                if let Some(list) = list {
                    ws.add_data_validation(1, col, rows, col, &list)?;
                }
            }
            for (r, rec) in records.iter().enumerate() {
                let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
                for (k, f) in fields.iter().enumerate() {
                    if let Some((_, v)) = rec.fields.iter().find(|(n, _)| n == f.name) {
                        ws.write_string(r, u16::try_from(k).unwrap_or(u16::MAX), text(v))?;
                    }
                }
            }
            ws.set_freeze_panes(1, 0)?;
        }
        let lists = wb.add_worksheet();
        lists.set_name(duijie_lists_sheet())?;
        lists.write_string(0, 0, "duijie template lists (not a ledger table)")?;
        lists.write_string(0, 1, "industry 行业代码")?;
        lists.write_string(0, 2, "major_code 专业代码")?;
        for (k, d) in c.divisions().iter().enumerate() {
            lists.write_string(u32::try_from(k + 1).unwrap_or(u32::MAX), 1, d.code)?;
        }
        for (k, m) in c.majors().iter().enumerate() {
            lists.write_string(u32::try_from(k + 1).unwrap_or(u32::MAX), 2, m.code)?;
        }
        lists.set_hidden(true);
        wb.save_to_buffer()
    };
    workbook_bytes(path, build)
}

/// The name of the template's lists sheet, which the ledger reader skips.
fn duijie_lists_sheet() -> &'static str {
    "_lists"
}
