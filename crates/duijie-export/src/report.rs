//! Reports people open: a self-contained HTML report with charts (inline SVG; one small inline
//! script for the partner search; no network), and the alliances as GraphML and DOT for graph
//! tools.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use duijie::Ledger;
use duijie::catalogue::Catalogues;
use duijie::programme::{Alliances, GapRow, MemberNode, ProgrammeReport};
use duijie::score::{self, Market, SCALE};

/// Everything a report shows: the programme's results ([`duijie::programme::run`]) with the
/// ledger and scoring they came from.
#[derive(Clone, Copy, Debug)]
pub struct ReportData<'a> {
    /// The report's title.
    pub title: &'a str,
    /// The ledger.
    pub ledger: &'a Ledger,
    /// The scoring config the results were scored with (for the explanations).
    pub cfg: &'a score::ScoreConfig,
    /// The programme's results.
    pub programme: &'a ProgrammeReport,
}

/// Escapes text for HTML and XML.
pub fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => s.push(c),
        }
    }
    s
}

#[allow(clippy::cast_precision_loss)]
fn fixed(v: i128) -> f64 {
    v as f64 / SCALE as f64
}

/// A horizontal bar chart: one bar per `(label, value, note)` with values in `[0, max]`.
fn bars(rows: &[(String, f64, String)], max: f64, colour: &str) -> String {
    let (label_w, bar_w, h) = (220.0, 420.0, 22.0);
    #[allow(clippy::cast_precision_loss)]
    let height = h * rows.len() as f64 + 10.0;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{height}" role="img">"#,
        label_w + bar_w + 150.0
    );
    for (k, (label, value, note)) in rows.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let y = h * k as f64 + 5.0;
        let w = if max > 0.0 {
            (value / max).clamp(0.0, 1.0) * bar_w
        } else {
            0.0
        };
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end" font-size="12">{}</text><rect x="{label_w}" y="{y}" width="{w:.1}" height="{}" fill="{colour}"/><text x="{}" y="{}" font-size="12">{}</text>"#,
            label_w - 6.0,
            y + 15.0,
            escape(label),
            h - 6.0,
            label_w + w + 4.0,
            y + 15.0,
            escape(note)
        );
    }
    s.push_str("</svg>");
    s
}

/// The cities as a map-like view: each city at its coordinates, sized by parties and coloured
/// by coverage (red 0% → green 100%).
/// The start of a self-contained HTML page (inline CSS, no script, no network) with `title`
/// as its title and heading.
pub(crate) fn page_head(title: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{t}</title><style>
body{{font-family:"Noto Sans CJK SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;margin:2em;color:#222;max-width:1100px}}
h1{{font-size:1.6em}}h2{{font-size:1.25em;border-bottom:1px solid #ccd;padding-bottom:.2em;margin-top:1.6em}}
table{{border-collapse:collapse;font-size:13px}}td,th{{border:1px solid #dde;padding:3px 8px;text-align:right}}
th{{background:#eef2f8}}td:first-child,th:first-child,td.note{{text-align:left}}.note{{color:#667;font-size:13px}}
</style></head><body><h1>{t}</h1>"#,
        t = escape(title)
    );
    s
}

/// Progress rows as a table: indicator (with its year), a bar of the share reached, the figure
/// and how it is measured (or why it cannot be).
pub(crate) fn progress_html(rows: &[duijie::programme::Progress]) -> String {
    let mut s = String::from(
        "<table><tr><th>indicator 指标</th><th>progress 进度</th><th>achieved / target 完成 / 目标</th><th>measure 计量口径</th></tr>",
    );
    for p in rows {
        let bar = p.share.map_or_else(String::new, |x| {
            format!(
                r#"<div style="background:#4a7bd0;height:12px;width:{:.0}px"></div>"#,
                160.0 * x.clamp(0.0, 1.0)
            )
        });
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{bar}</td><td>{}</td><td class=\"note\">{}</td></tr>",
            escape(&crate::progress_label(p)),
            escape(&crate::progress_figure(p)),
            escape(&p.measure)
        );
    }
    s.push_str("</table>");
    s
}

fn city_map(cities: &BTreeMap<String, (usize, usize)>) -> String {
    let c = Catalogues::get();
    let (w, h) = (640.0, 540.0);
    let (lng0, lng1, lat0, lat1) = (118.4, 126.4, 38.2, 43.8);
    let mut s = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img"><rect width="{w}" height="{h}" fill="#f4f7fb"/>"##
    );
    let most = cities.values().map(|x| x.0).max().unwrap_or(1).max(1);
    for city in c.cities() {
        let Some(&(parties, covered)) = cities.get(city.name) else {
            continue;
        };
        let x = (city.lng - lng0) / (lng1 - lng0) * w;
        let y = (lat1 - city.lat) / (lat1 - lat0) * h;
        #[allow(clippy::cast_precision_loss)]
        let (r, rate) = (
            6.0 + 24.0 * (parties as f64 / most as f64).sqrt(),
            if parties == 0 {
                0.0
            } else {
                covered as f64 / parties as f64
            },
        );
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let (red, green) = ((220.0 * (1.0 - rate)) as u8, (170.0 * rate) as u8 + 40);
        let _ = write!(
            s,
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}" fill="rgb({red},{green},80)" fill-opacity="0.75"><title>{}: {covered}/{parties} covered</title></circle><text x="{:.1}" y="{:.1}" font-size="11">{} {:.0}%</text>"#,
            escape(city.name),
            x + r + 3.0,
            y + 4.0,
            escape(city.name),
            100.0 * rate
        );
    }
    s.push_str("</svg>");
    s
}

/// Coverage groups of the reported policy across markets, each party once: `dimension →
/// group → (parties, covered)`.
fn coverage_of(d: &ReportData<'_>) -> BTreeMap<String, BTreeMap<String, (usize, usize)>> {
    // Across markets, each party once (summing the per-market rows would count a party once
    // per market it takes part in).
    let mut out: BTreeMap<String, BTreeMap<String, (usize, usize)>> = BTreeMap::new();
    for g in &d.programme.coverage {
        out.entry(g.dimension.clone())
            .or_default()
            .insert(g.group.clone(), (g.parties, g.covered));
    }
    out
}

/// The self-contained HTML report: targets, policy comparison, coverage by city (a map) and
/// level, gaps by major, alliances. Opens offline in any browser; deterministic for the same
/// data.
pub fn html_report(d: &ReportData<'_>) -> String {
    let l = d.ledger;
    let mut s = page_head(d.title);
    let counts: Vec<String> = l
        .counts()
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    let _ = write!(
        s,
        r#"<p class="note">台账 Ledger：{}。所示方案 Allocation shown：<b>{}</b>. Generated by duijie {}.</p>"#,
        escape(&counts.join(", ")),
        escape(&d.programme.policy),
        env!("CARGO_PKG_VERSION")
    );

    // Targets.
    s.push_str("<h2>目标进度 Targets</h2>");
    s.push_str(&progress_html(&d.programme.progress));

    // Policy comparison.
    s.push_str("<h2>政策比较 Policy comparison</h2><table><tr><th>market</th><th>policy</th><th>status</th><th>welfare</th><th>vs best</th><th>units placed</th><th>needs covered</th><th>offers used</th><th>blocking pairs</th><th>need sat. (mean / min / Gini)</th><th>offer sat. mean</th></tr>");
    let mut best: BTreeMap<&str, i128> = BTreeMap::new();
    for r in &d.programme.comparison {
        let e = best.entry(r.market.name()).or_insert(0);
        *e = (*e).max(r.metrics.welfare);
    }
    for r in &d.programme.comparison {
        let m = &r.metrics;
        let b = best.get(r.market.name()).copied().unwrap_or(0);
        let rel = if b > 0 {
            100.0 * fixed(m.welfare) / fixed(b)
        } else {
            0.0
        };
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{:?}</td><td>{:.3}</td><td>{rel:.2}%</td><td>{}</td><td>{}/{}</td><td>{}/{}</td><td>{}</td><td>{:.3} / {:.3} / {:.3}</td><td>{:.3}</td></tr>",
            r.market.name(),
            escape(&r.policy),
            r.status,
            fixed(m.welfare),
            m.matched_units,
            m.needs_covered,
            m.needs,
            m.offers_used,
            m.offers,
            m.blocking_pairs,
            m.need_satisfaction.mean,
            m.need_satisfaction.min,
            m.need_satisfaction.gini,
            m.offer_satisfaction.mean
        );
    }
    s.push_str("</table>");
    for market in Market::ALL {
        let rows: Vec<(String, f64, String)> = d
            .programme
            .comparison
            .iter()
            .filter(|r| r.market == market)
            .map(|r| {
                let b = best.get(market.name()).copied().unwrap_or(0);
                let rel = if b > 0 {
                    fixed(r.metrics.welfare) / fixed(b)
                } else {
                    0.0
                };
                (r.policy.clone(), rel, format!("{:.2}%", 100.0 * rel))
            })
            .collect();
        if !rows.is_empty() {
            let _ = write!(
                s,
                "<p class=\"note\">{1}（{0}）：相对最优政策的总匹配度 welfare relative to the best policy</p>",
                market.name(),
                market.name_zh()
            );
            s.push_str(&bars(&rows, 1.0, "#6a9f58"));
        }
    }

    // Coverage by city and level.
    let coverage = coverage_of(d);
    s.push_str("<h2>各市覆盖 Coverage by city</h2><p class=\"note\">圆的大小：参与单位数；颜色：至少有一个合作方的比例（全部市场）。Circle size: parties taking part; colour: share with at least one partner (all markets).</p>");
    if let Some(cities) = coverage.get("city") {
        s.push_str(&city_map(cities));
    }
    for (dim, title) in [
        ("level", "Coverage by level 各层次覆盖"),
        ("kind", "Coverage by party kind 各类主体覆盖"),
    ] {
        if let Some(groups) = coverage.get(dim) {
            let _ = write!(s, "<h2>{title}</h2>");
            #[allow(clippy::cast_precision_loss)]
            let rows: Vec<(String, f64, String)> = groups
                .iter()
                .map(|(g, &(n, c))| {
                    let rate = if n == 0 { 0.0 } else { c as f64 / n as f64 };
                    (g.clone(), rate, format!("{c}/{n} ({:.1}%)", 100.0 * rate))
                })
                .collect();
            s.push_str(&bars(&rows, 1.0, "#d08a4a"));
        }
    }

    // Gaps.
    s.push_str("<h2>专业供需缺口 Gaps by major</h2><p class=\"note\">需求与供给相差最大的 25 个专业：蓝色为需求，橙色为供给。The 25 majors with the largest difference between demand and supply; bars show demand (blue) and supply (orange).</p>");
    let mut gaps: Vec<&GapRow> = d.programme.gaps.iter().collect();
    gaps.sort_by_key(|g| std::cmp::Reverse(g.demand.abs_diff(g.supply)));
    gaps.truncate(25);
    let most = gaps
        .iter()
        .map(|g| g.demand.max(g.supply))
        .max()
        .unwrap_or(1)
        .max(1);
    #[allow(clippy::cast_precision_loss)]
    {
        let label = |g: &GapRow| format!("{} {} ({})", g.code, g.name, g.level.name_zh());
        let demand: Vec<(String, f64, String)> = gaps
            .iter()
            .map(|g| (label(g), g.demand as f64, format!("demand {}", g.demand)))
            .collect();
        let supply: Vec<(String, f64, String)> = gaps
            .iter()
            .map(|g| (label(g), g.supply as f64, format!("supply {}", g.supply)))
            .collect();
        s.push_str("<table><tr><th>major</th><th>demand</th><th>supply</th><th>met</th><th>signals</th><th>schools supplying it</th></tr>");
        for g in &gaps {
            let signals: Vec<String> = g.signals.iter().map(|x| x.name_zh()).collect();
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&label(g)),
                g.demand,
                g.supply,
                g.demand_met,
                escape(&signals.join("，")),
                escape(&crate::gap_schools(l, g))
            );
        }
        s.push_str("</table>");
        s.push_str(&bars(&demand, most as f64, "#4a7bd0"));
        s.push_str(&bars(&supply, most as f64, "#e39a4c"));
    }

    // Alliances.
    let _ = write!(
        s,
        "<h2>联盟 Alliances</h2><table><tr><th>alliance</th><th>enterprises</th><th>schools and institutes</th><th>lead unit 理事长单位</th><th>talent placed / asked</th><th>technology needs met</th></tr>"
    );
    for (a, p) in d
        .programme
        .alliances
        .alliances
        .iter()
        .zip(&d.programme.alliance_progress)
    {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} / {}</td><td>{} / {}</td></tr>",
            escape(&a.name),
            a.enterprises.len(),
            a.suppliers.len(),
            escape(
                &a.lead
                    .map_or_else(String::new, |id| l.party(id).name.clone())
            ),
            p.talent_placed,
            p.talent_demand,
            p.technology_met,
            p.technology_needs
        );
    }
    s.push_str("</table>");
    // Consortia for core technology needs.
    let teams = crate::consortium_rows(l, d.programme);
    if !teams.is_empty() {
        let _ = write!(
            s,
            "<h2>创新联合体 Consortia</h2><p class=\"note\">每项核心和共性技术需求的联合攻关团队：覆盖其全部学科的最少技术供给（{n} 个经穷举证明最小，其余为贪心解，与最小值相差不超过 H(u) 倍；列出前 100 个）。A team for each core technology need: the fewest capabilities that together cover its disciplines ({n} proven smallest by exhaustive search, the rest greedy within H(u) of the smallest); the first 100.</p><table><tr><th>need</th><th>enterprise</th><th>members</th><th>disciplines covered</th><th>not covered</th></tr>",
            n = teams.iter().filter(|t| t.proven_smallest).count()
        );
        for t in teams.iter().take(100) {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&t.need),
                escape(&t.enterprise),
                escape(&t.members.join("; ")),
                escape(&t.covered.join(", ")),
                escape(&t.uncovered.join(", "))
            );
        }
        s.push_str("</table>");
    }
    if !d.programme.alliances.left_out.is_empty() {
        let _ = write!(
            s,
            "<p class=\"note\">{} 所学校或大中型企业未加入任何联盟 are in no alliance：</p><ul>",
            d.programme.alliances.left_out.len()
        );
        for x in d.programme.alliances.left_out.iter().take(50) {
            let _ = write!(
                s,
                "<li>{}: {}</li>",
                escape(&l.party(x.party).name),
                escape(&x.reason)
            );
        }
        s.push_str("</ul>");
    }
    let units: u64 = d
        .programme
        .allocations
        .iter()
        .flat_map(|a| &a.matches)
        .map(|m| u64::from(m.units))
        .sum();
    let _ = writeln!(
        s,
        "<p class=\"note\">{} 共安置 {units} 个单位 units placed。每个匹配及其理由见 XLSX 报告 Matches with their explanations are in the XLSX report.</p>",
        escape(&d.programme.policy)
    );
    s.push_str(&partners_section(d));
    s.push_str("</body></html>\n");
    s
}

/// The 对接会 section: a search box over the parties (id or name) showing each one's
/// recommended partners and its matches, 50 to a page. The data is one JSON block (parties,
/// matches and recommendations by index, record ids as the ledger writes them) and the page is
/// drawn by a small inline script: self-contained, no network.
fn partners_section(d: &ReportData<'_>) -> String {
    let l = d.ledger;
    let r = d.programme;
    let parties: Vec<serde_json::Value> = l
        .parties
        .iter()
        .map(|p| serde_json::json!([p.external_id, p.name, p.kind().name_zh()]))
        .collect();
    let markets: Vec<&str> = Market::ALL.iter().map(|m| m.name_zh()).collect();
    let code = |m: Market| Market::ALL.iter().position(|&x| x == m).unwrap_or(0);
    let milli = |score: i64| score / (SCALE / 1000);
    let mut matches = Vec::new();
    for a in &r.allocations {
        let m = a.market;
        for mt in &a.matches {
            let (i, j) = (mt.need as usize, mt.offer as usize);
            matches.push(serde_json::json!([
                code(m),
                score::need_owner(l, m, i).index(),
                score::need_external_id(l, m, i),
                score::offer_owner(l, m, j).index(),
                score::offer_external_id(l, m, j),
                mt.units,
                milli(mt.score)
            ]));
        }
    }
    let mut recs = Vec::new();
    for (p, list) in r.recommendations.iter().enumerate() {
        for x in list {
            let (own, other) = x.record_ids(l);
            recs.push(serde_json::json!([
                p,
                code(x.market),
                x.partner.index(),
                own,
                other,
                milli(x.score)
            ]));
        }
    }
    let data = serde_json::json!({"p": parties, "m": markets, "x": matches, "r": recs});
    // Inside a script element, "</" would end it.
    let json = data.to_string().replace("</", "<\\/");
    format!(
        r#"<h2>对接清单 Partners and matches</h2><p class="note">输入单位编号或名称，查看其推荐合作方（每个市场前 {k} 名，按本方评价）和已达成的匹配。Search a party by id or name: its recommended partners and its matches.</p>
<input id="dj-q" type="search" placeholder="单位编号或名称 id or name" style="font-size:15px;padding:4px;width:320px"><div id="dj-out"></div>
<script type="application/json" id="dj-data">{json}</script>
<script>{SCRIPT}</script>"#,
        k = 5
    )
}

/// The 对接清单's script: indexes the data once, then draws the parties whose id or name holds
/// the search text (at most 10), each with its recommendations and a page of its matches. Text
/// goes in through `textContent`, never as markup. `#q=E01` in the address searches on load.
const SCRIPT: &str = r#"(function(){
var D=JSON.parse(document.getElementById('dj-data').textContent),P=D.p,M=D.m,recBy={},matBy={},page={};
D.r.forEach(function(x){(recBy[x[0]]=recBy[x[0]]||[]).push(x);});
D.x.forEach(function(x){(matBy[x[1]]=matBy[x[1]]||[]).push(x);if(x[3]!==x[1])(matBy[x[3]]=matBy[x[3]]||[]).push(x);});
function el(t,txt){var e=document.createElement(t);if(txt!==undefined)e.textContent=txt;return e;}
function name(i){return P[i][1]+'（'+P[i][0]+'）';}
function table(head,rows){var t=el('table'),h=el('tr');head.forEach(function(c){h.appendChild(el('th',c));});t.appendChild(h);
rows.forEach(function(r){var tr=el('tr');r.forEach(function(c){tr.appendChild(el('td',String(c)));});t.appendChild(tr);});return t;}
function draw(){var q=document.getElementById('dj-q').value.trim().toLowerCase(),out=document.getElementById('dj-out');out.textContent='';if(!q)return;
var hits=[];for(var i=0;i<P.length&&hits.length<10;i++){if(P[i][0].toLowerCase().indexOf(q)>=0||P[i][1].toLowerCase().indexOf(q)>=0)hits.push(i);}
if(!hits.length){out.appendChild(el('p','没有编号或名称包含“'+q+'”的单位 no party matches'));return;}
hits.forEach(function(i){var box=el('div');box.className='dj-party';box.appendChild(el('h3',name(i)+' '+P[i][2]));
var rs=recBy[i]||[];box.appendChild(el('p','推荐合作方 recommended partners: '+rs.length));
if(rs.length)box.appendChild(table(['市场','合作方','本方记录','对方记录','本方评价'],rs.map(function(x){return [M[x[1]],name(x[2]),x[3],x[4],(x[5]/1000).toFixed(3)];})));
var ms=matBy[i]||[],pg=page[i]||0,n=Math.max(1,Math.ceil(ms.length/50));box.appendChild(el('p','已达成的匹配 matches: '+ms.length+(ms.length>50?'（第 '+(pg+1)+'/'+n+' 页）':'')));
if(ms.length)box.appendChild(table(['市场','需求','需求方','供给','供给方','数量','匹配度'],ms.slice(pg*50,pg*50+50).map(function(x){return [M[x[0]],x[2],name(x[1]),x[4],name(x[3]),x[5],(x[6]/1000).toFixed(3)];})));
if(n>1){[['上一页',-1],['下一页',1]].forEach(function(b){var btn=el('button',b[0]);btn.onclick=function(){page[i]=Math.min(n-1,Math.max(0,pg+b[1]));draw();};box.appendChild(btn);});}
out.appendChild(box);});}
document.getElementById('dj-q').addEventListener('input',function(){page={};draw();});
var h=decodeURIComponent(location.hash||'');if(h.indexOf('#q=')===0){document.getElementById('dj-q').value=h.slice(3);draw();}
})();"#;

/// The alliances as GraphML: one node per alliance and per member party, one edge per
/// membership (`lead` marks the lead unit).
pub fn alliances_graphml(l: &Ledger, a: &Alliances) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<key id="label" for="node" attr.name="label" attr.type="string"/>
<key id="kind" for="node" attr.name="kind" attr.type="string"/>
<key id="ledger_id" for="node" attr.name="ledger_id" attr.type="string"/>
<key id="lead" for="edge" attr.name="lead" attr.type="boolean"/>
<graph id="alliances" edgedefault="undirected">
"#,
    );
    let g = a.graph();
    let nodes: Vec<Node<'_>> = g.node_weights().map(|n| Node::of(l, a, *n)).collect();
    for n in &nodes {
        let _ = write!(
            s,
            r#"<node id="{}"><data key="label">{}</data><data key="kind">{}</data>"#,
            escape(&n.id),
            escape(n.label),
            n.kind
        );
        if let Some(id) = n.ledger_id {
            let _ = write!(s, r#"<data key="ledger_id">{}</data>"#, escape(id));
        }
        s.push_str("</node>\n");
    }
    for e in g.raw_edges() {
        let _ = writeln!(
            s,
            r#"<edge source="{}" target="{}"><data key="lead">{}</data></edge>"#,
            escape(&nodes[e.source().index()].id),
            escape(&nodes[e.target().index()].id),
            e.weight.lead
        );
    }
    s.push_str("</graph>\n</graphml>\n");
    s
}

/// A node of the membership graph as the exports name it: ids are the ledger's own,
/// `party:E01` for a party and `alliance:NAME` for an alliance.
struct Node<'a> {
    id: String,
    label: &'a str,
    kind: &'static str,
    ledger_id: Option<&'a str>,
}

impl<'a> Node<'a> {
    fn of(l: &'a Ledger, a: &'a Alliances, n: MemberNode) -> Node<'a> {
        match n {
            MemberNode::Alliance(k) => {
                let name = a.alliances[k as usize].name.as_str();
                Node {
                    id: format!("alliance:{name}"),
                    label: name,
                    kind: "alliance",
                    ledger_id: None,
                }
            }
            MemberNode::Party(p) => {
                let party = l.party(p);
                Node {
                    id: format!("party:{}", party.external_id),
                    label: &party.name,
                    kind: party.kind().name_zh(),
                    ledger_id: Some(&party.external_id),
                }
            }
        }
    }
}

/// The alliances as Graphviz DOT: the same membership graph as [`alliances_graphml`], alliances
/// as boxes, lead units' edges in bold.
pub fn alliances_dot(l: &Ledger, a: &Alliances) -> String {
    let q = |t: &str| t.replace('\\', "\\\\").replace('"', "\\\"");
    let mut s = String::from("graph alliances {\n  node [shape=ellipse];\n");
    let g = a.graph();
    let nodes: Vec<Node<'_>> = g.node_weights().map(|n| Node::of(l, a, *n)).collect();
    for n in &nodes {
        let shape = if n.ledger_id.is_none() {
            ", shape=box"
        } else {
            ""
        };
        let _ = writeln!(s, "  \"{}\" [label=\"{}\"{shape}];", q(&n.id), q(n.label));
    }
    for e in g.raw_edges() {
        let bold = if e.weight.lead { " [style=bold]" } else { "" };
        let _ = writeln!(
            s,
            "  \"{}\" -- \"{}\"{bold};",
            q(&nodes[e.source().index()].id),
            q(&nodes[e.target().index()].id)
        );
    }
    s.push_str("}\n");
    s
}
