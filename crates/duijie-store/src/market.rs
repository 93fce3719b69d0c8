//! Market instances from an analyst's own files, for policy experiments: needs with demands,
//! offers with capacities, and scored pairs, with no ledger behind them.
//!
//! Either a folder of three CSV files —
//! - `needs.csv`: `id,demand`
//! - `offers.csv`: `id,capacity`
//! - `pairs.csv`: `need,offer,need_score[,offer_score]`
//!
//! — or one JSON file `{"needs": [{"id", "demand"}], "offers": [{"id", "capacity"}], "pairs":
//! [{"need", "offer", "need_score", "offer_score"}]}`, each table a list of objects or an
//! object of equal-length columns (`{"id": [...], "demand": [...]}`, as
//! `DataFrame.to_dict(orient="list")` writes a frame). Ids are text; quantities whole numbers;
//! scores decimals in `[0, 1]` (the need side's satisfaction, and the offer side's, which
//! defaults to the need side's), kept to six decimal places as the scorer's own are.
//!
//! For one-to-one experiments, a folder may instead hold two dense matrices:
//! `need_scores.csv` (a header of offer ids, then per need its id and its satisfaction with
//! each offer; an empty cell is not a candidate) and optionally `offer_scores.csv` (the offers'
//! satisfaction, laid out the same way); every demand and capacity is then 1. Every
//! problem is an [`InstanceFileError`] naming the file, the line (CSV) or entry (JSON) and the
//! id.

use std::collections::HashMap;
use std::path::Path;

use duijie::policy::MarketInstance;
use duijie::score::Market;

/// A market instance read from files, with the ids its needs and offers had there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarketFile {
    /// The instance (needs and offers in file order).
    pub instance: MarketInstance,
    /// Each need's id, by position.
    pub need_ids: Vec<String>,
    /// Each offer's id, by position.
    pub offer_ids: Vec<String>,
}

/// A market instance file that cannot be used, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceFileError {
    /// The file.
    pub file: String,
    /// 1-based line (CSV) or entry (JSON, within its list); 0 for the file as a whole.
    pub line: u64,
    /// What is wrong and what is accepted.
    pub message: String,
}

impl std::fmt::Display for InstanceFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

impl std::error::Error for InstanceFileError {}

/// One entry as read: where it is and its fields by name (the names shared by every row of a
/// CSV file; a JSON object's its own).
struct Entry {
    line: u64,
    names: std::rc::Rc<[String]>,
    values: Vec<String>,
}

impl Entry {
    /// The entry's field `name`, as written (a repeated name: its last value, as a JSON
    /// object's).
    fn get(&self, name: &str) -> Option<&str> {
        let k = self.names.iter().rposition(|n| n == name)?;
        self.values.get(k).map(String::as_str)
    }

    /// An entry of `(name, value)` fields of its own.
    fn of(line: u64, fields: impl Iterator<Item = (String, String)>) -> Entry {
        let (names, values): (Vec<String>, Vec<String>) = fields.unzip();
        Entry {
            line,
            names: names.into(),
            values,
        }
    }
}

fn fail<T>(file: &str, line: u64, message: impl Into<String>) -> Result<T, InstanceFileError> {
    Err(InstanceFileError {
        file: file.to_owned(),
        line,
        message: message.into(),
    })
}

/// Reads a market instance from `path`: a folder of `needs.csv`, `offers.csv` and `pairs.csv`,
/// or one `.json` file. `market` only labels it.
///
/// # Errors
/// The first problem, naming the file, line and id: a missing file or column, an id listed
/// twice, a pair naming an unknown need or offer or listed twice, a quantity that is not a
/// whole number, a score that is not a number in `[0, 1]`.
pub fn read_market(path: &Path, market: Market) -> Result<MarketFile, InstanceFileError> {
    if path.join("need_scores.csv").is_file() {
        return read_matrices(path, market);
    }
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        return parse_market_json(&path.display().to_string(), &read_text(path)?, market);
    }
    let file = |n: &str| path.join(n);
    let names = ["needs.csv", "offers.csv", "pairs.csv"].map(|n| file(n).display().to_string());
    let entries = [
        csv_entries(&file("needs.csv"))?,
        csv_entries(&file("offers.csv"))?,
        csv_entries(&file("pairs.csv"))?,
    ];
    build(entries, &names, market)
}

/// Reads a market instance from the JSON `text` of `name` (named in errors), in the shape a
/// `.json` instance file has: `{"needs": [...], "offers": [...], "pairs": [...]}`.
///
/// # Errors
/// As [`read_market`].
pub fn parse_market_json(
    name: &str,
    text: &str,
    market: Market,
) -> Result<MarketFile, InstanceFileError> {
    match well_formed_json(text, market) {
        Some(file) => Ok(file),
        None => parse_general_json(name, text, market),
    }
}

/// [`parse_market_json`] for any document: a tree first, every entry's fields by name.
fn parse_general_json(
    name: &str,
    text: &str,
    market: Market,
) -> Result<MarketFile, InstanceFileError> {
    let v = json_document(name, text)?;
    let list = |key: &str| json_entries(name, &v, key);
    let entries = [list("needs")?, list("offers")?, list("pairs")?];
    build(
        entries,
        &[name.to_owned(), name.to_owned(), name.to_owned()],
        market,
    )
}

/// The shape of a well-formed `.json` instance, read straight into typed records (no document
/// tree, no map per entry: a quarter of the time on a million pairs). Each list is either
/// rows (a list of objects) or columns (an object of equally long lists, as
/// `DataFrame.to_dict(orient="list")` gives).
#[derive(serde::Deserialize)]
struct JsonInstance<'a> {
    #[serde(borrow)]
    needs: &'a serde_json::value::RawValue,
    #[serde(borrow)]
    offers: &'a serde_json::value::RawValue,
    #[serde(borrow)]
    pairs: &'a serde_json::value::RawValue,
}

type Text<'a> = std::borrow::Cow<'a, str>;

#[derive(serde::Deserialize)]
struct JsonNeed<'a> {
    #[serde(borrow)]
    id: Text<'a>,
    demand: u32,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonNeeds<'a> {
    #[serde(borrow)]
    id: Vec<Text<'a>>,
    demand: Vec<u32>,
}

#[derive(serde::Deserialize)]
struct JsonOffer<'a> {
    #[serde(borrow)]
    id: Text<'a>,
    capacity: u32,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonOffers<'a> {
    #[serde(borrow)]
    id: Vec<Text<'a>>,
    capacity: Vec<u32>,
}

#[derive(serde::Deserialize)]
struct JsonPair<'a> {
    #[serde(borrow)]
    need: Text<'a>,
    #[serde(borrow)]
    offer: Text<'a>,
    need_score: f64,
    offer_score: Option<f64>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonPairs<'a> {
    #[serde(borrow)]
    need: Vec<Text<'a>>,
    #[serde(borrow)]
    offer: Vec<Text<'a>>,
    need_score: Vec<f64>,
    offer_score: Option<Vec<Option<f64>>>,
}

/// Whether a list of the instance is written as columns (an object) rather than rows.
fn is_columns(raw: &serde_json::value::RawValue) -> bool {
    raw.get().trim_start().starts_with('{')
}

/// Ids and quantities of a side as rows or columns (`None` when they are not well formed).
fn typed_side<'a, R, C>(
    raw: &'a serde_json::value::RawValue,
    row: impl Fn(R) -> (Text<'a>, u32),
    columns: impl Fn(C) -> (Vec<Text<'a>>, Vec<u32>),
) -> Option<(Vec<Text<'a>>, Vec<u32>)>
where
    R: serde::Deserialize<'a>,
    C: serde::Deserialize<'a>,
{
    if is_columns(raw) {
        let (ids, qs) = columns(serde_json::from_str(raw.get()).ok()?);
        (ids.len() == qs.len()).then_some((ids, qs))
    } else {
        let rows: Vec<R> = serde_json::from_str(raw.get()).ok()?;
        Some(rows.into_iter().map(row).unzip())
    }
}

/// Trimmed ids and each one's position; `None` for an empty or repeated id.
fn typed_ids<S: AsRef<str>>(list: &[S]) -> Option<(Vec<String>, HashMap<String, u32>)> {
    let mut ids = Vec::with_capacity(list.len());
    let mut at = HashMap::with_capacity(list.len());
    for (k, id) in list.iter().enumerate() {
        let id = id.as_ref().trim();
        if id.is_empty() || at.insert(id.to_owned(), u32::try_from(k).ok()?).is_some() {
            return None;
        }
        ids.push(id.to_owned());
    }
    Some((ids, at))
}

/// A market instance as arrays, the way the Python package passes a table of numbers: each
/// side's ids and quantities, and each pair's need and offer as positions in those ids, with
/// its scores (`offer_score` NaN, or no column: the need side's).
#[derive(Clone, Copy, Debug)]
pub struct MarketArrays<'a> {
    /// The needs' ids, in order.
    pub need_ids: &'a [String],
    /// Each need's demand.
    pub demand: &'a [i64],
    /// The offers' ids, in order.
    pub offer_ids: &'a [String],
    /// Each offer's capacity.
    pub capacity: &'a [i64],
    /// Each pair's need, a position in `need_ids`.
    pub pair_need: &'a [i64],
    /// Each pair's offer, a position in `offer_ids`.
    pub pair_offer: &'a [i64],
    /// Each pair's need-side score, in [0, 1].
    pub need_score: &'a [f64],
    /// Each pair's offer-side score, in [0, 1] (NaN: none given).
    pub offer_score: Option<&'a [f64]>,
}

/// The instance of `a` when it is well formed as the plain JSON reader requires of the same
/// tables (ids not empty and not repeated once trimmed, quantities within `u32`, positions
/// inside the ids, scores in [0, 1], no pair twice), the same instance that reader gives;
/// `None` otherwise, and the caller sends the tables to [`parse_market_json`], which names the
/// entry at fault. No text is written or parsed: on a million pairs the JSON crossing costs the
/// Python package about a second to write and half a second to read.
pub fn market_from_arrays(a: &MarketArrays<'_>, market: Market) -> Option<MarketFile> {
    let n = a.pair_need.len();
    if a.demand.len() != a.need_ids.len()
        || a.capacity.len() != a.offer_ids.len()
        || a.pair_offer.len() != n
        || a.need_score.len() != n
        || a.offer_score.is_some_and(|v| v.len() != n)
    {
        return None;
    }
    let (need_ids, _) = typed_ids(a.need_ids)?;
    let (offer_ids, _) = typed_ids(a.offer_ids)?;
    let quantities =
        |q: &[i64]| -> Option<Vec<u32>> { q.iter().map(|&x| u32::try_from(x).ok()).collect() };
    let (demand, capacity) = (quantities(a.demand)?, quantities(a.capacity)?);
    let at = |k: i64, len: usize| usize::try_from(k).ok().filter(|&k| k < len);
    let pairs = (0..n)
        .map(|k| {
            let i = at(a.pair_need[k], demand.len())?;
            let j = at(a.pair_offer[k], capacity.len())?;
            let v = a.offer_score.map(|v| v[k]).filter(|x| !x.is_nan());
            plain_pair(i as u32, j as u32, a.need_score[k], v)
        })
        .collect::<Option<Vec<_>>>()?;
    let instance = MarketInstance::new(market, demand, capacity, pairs).ok()?;
    Some(MarketFile {
        instance,
        need_ids,
        offer_ids,
    })
}

/// A pair of the plain readers: both scores in [0, 1] as fixed point (no offer score: the
/// need side's); `None` for a score outside (NaN included).
fn plain_pair(i: u32, j: u32, w: f64, v: Option<f64>) -> Option<(u32, u32, i64, i64)> {
    let score = |x: f64| (0.0..=1.0).contains(&x).then(|| duijie::score::to_fixed(x));
    let w = score(w)?;
    Some((
        i,
        j,
        w,
        match v {
            Some(x) => score(x)?,
            None => w,
        },
    ))
}

/// The instance of `text` when it is well formed in the plain way (ids as strings, quantities
/// and scores as numbers, every check passed); `None` sends it to the general reader, which
/// accepts the same documents and more (numbers written as strings, ids as numbers), gives the
/// same instance for the same document, and names the entry at fault in one that fails.
fn well_formed_json(text: &str, market: Market) -> Option<MarketFile> {
    let doc: JsonInstance<'_> = serde_json::from_str(text).ok()?;
    let (need_list, demand) = typed_side(
        doc.needs,
        |n: JsonNeed<'_>| (n.id, n.demand),
        |n: JsonNeeds<'_>| (n.id, n.demand),
    )?;
    let (offer_list, capacity) = typed_side(
        doc.offers,
        |o: JsonOffer<'_>| (o.id, o.capacity),
        |o: JsonOffers<'_>| (o.id, o.capacity),
    )?;
    let (need_ids, need_at) = typed_ids(&need_list)?;
    let (offer_ids, offer_at) = typed_ids(&offer_list)?;
    let pair = |need: &str, offer: &str, w: f64, v: Option<f64>| -> Option<(u32, u32, i64, i64)> {
        plain_pair(
            *need_at.get(need.trim())?,
            *offer_at.get(offer.trim())?,
            w,
            v,
        )
    };
    let pairs: Vec<(u32, u32, i64, i64)> = if is_columns(doc.pairs) {
        let c: JsonPairs<'_> = serde_json::from_str(doc.pairs.get()).ok()?;
        let n = c.need.len();
        if c.offer.len() != n
            || c.need_score.len() != n
            || c.offer_score.as_ref().is_some_and(|v| v.len() != n)
        {
            return None;
        }
        (0..n)
            .map(|k| {
                let v = c.offer_score.as_ref().and_then(|v| v[k]);
                pair(&c.need[k], &c.offer[k], c.need_score[k], v)
            })
            .collect::<Option<_>>()?
    } else {
        let rows: Vec<JsonPair<'_>> = serde_json::from_str(doc.pairs.get()).ok()?;
        rows.iter()
            .map(|p| pair(&p.need, &p.offer, p.need_score, p.offer_score))
            .collect::<Option<_>>()?
    };
    // A pair listed twice is refused here, and the general reader names its entry.
    let instance = MarketInstance::new(market, demand, capacity, pairs).ok()?;
    Some(MarketFile {
        instance,
        need_ids,
        offer_ids,
    })
}

/// A JSON document, or the parser's complaint with its line.
fn json_document(name: &str, text: &str) -> Result<serde_json::Value, InstanceFileError> {
    serde_json::from_str(text).or_else(|e| {
        fail(
            name,
            e.line() as u64,
            format!(
                "not JSON: {}",
                duijie::message::plain_parser_message(&e.to_string())
            ),
        )
    })
}

/// Each id's position.
fn id_index(ids: &[String]) -> HashMap<String, u32> {
    ids.iter()
        .enumerate()
        .map(|(k, id)| (id.clone(), u32::try_from(k).unwrap_or(u32::MAX)))
        .collect()
}

/// The instance of needs, offers and pairs entries read from `files`.
fn build(
    [needs, offers, pairs]: [Vec<Entry>; 3],
    files: &[String; 3],
    market: Market,
) -> Result<MarketFile, InstanceFileError> {
    let (need_ids, demand) = sides(&files[0], &needs, "demand")?;
    let (offer_ids, capacity) = sides(&files[1], &offers, "capacity")?;
    let (need_at, offer_at) = (id_index(&need_ids), id_index(&offer_ids));
    let f = &files[2];
    // Pairs listed twice are found by the instance's sort, not a set of every pair (a tenth
    // of the reading time at a million pairs); on any problem the checked reading below
    // names the first one in file order, as it always has.
    let read = || -> Option<Vec<(u32, u32, i64, i64)>> {
        let mut out = Vec::with_capacity(pairs.len());
        for e in &pairs {
            let i = *need_at.get(field(f, e, "need").ok()?)?;
            let j = *offer_at.get(field(f, e, "offer").ok()?)?;
            let (w, v) = pair_scores(f, e).ok()?;
            out.push((i, j, w, v));
        }
        Some(out)
    };
    let instance = read()
        .and_then(|out| MarketInstance::new(market, demand.clone(), capacity.clone(), out).ok());
    let instance = match instance {
        Some(instance) => instance,
        None => checked_pairs(&pairs, f, (&need_at, &offer_at), market, (demand, capacity))?,
    };
    Ok(MarketFile {
        instance,
        need_ids,
        offer_ids,
    })
}

/// The instance of `pairs` read entry by entry, each checked before the next: the first
/// problem in file order, named with its line.
fn checked_pairs(
    pairs: &[Entry],
    f: &str,
    (need_at, offer_at): (&HashMap<String, u32>, &HashMap<String, u32>),
    market: Market,
    (demand, capacity): (Vec<u32>, Vec<u32>),
) -> Result<MarketInstance, InstanceFileError> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(pairs.len());
    for e in pairs {
        let need = field(f, e, "need")?;
        let offer = field(f, e, "offer")?;
        let Some(&i) = need_at.get(need) else {
            return fail(
                f,
                e.line,
                format!("pair names need {need:?}, which the needs do not list"),
            );
        };
        let Some(&j) = offer_at.get(offer) else {
            return fail(
                f,
                e.line,
                format!("pair names offer {offer:?}, which the offers do not list"),
            );
        };
        if !seen.insert((i, j)) {
            return fail(
                f,
                e.line,
                format!("pair ({need:?}, {offer:?}) is listed twice"),
            );
        }
        let (w, v) = pair_scores(f, e)?;
        out.push((i, j, w, v));
    }
    MarketInstance::new(market, demand, capacity, out).or_else(|e| fail(f, 0, e.to_string()))
}

/// The ids of one side of a market kept live, in order, with each id's position: kept between
/// rounds, so that reading a round's changes looks ids up instead of indexing every id of the
/// market again (on the province talent market, 25,000 ids, about 5 ms a round).
#[derive(Clone, Debug, Default)]
pub struct Ids {
    names: Vec<String>,
    at: HashMap<String, u32>,
}

impl Ids {
    /// The ids `names`, in order (each once, as a market file's are).
    pub fn new(names: Vec<String>) -> Ids {
        Ids {
            at: id_index(&names),
            names,
        }
    }

    /// The ids in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// How many ids.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there is no id.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The position of `id`, if it is one of these.
    pub fn get(&self, id: &str) -> Option<u32> {
        self.at.get(id).copied()
    }

    /// Adds `id` after the others (the caller checked it is new).
    pub fn push(&mut self, id: String) {
        self.at.insert(
            id.clone(),
            u32::try_from(self.names.len()).unwrap_or(u32::MAX),
        );
        self.names.push(id);
    }
}

/// A need that arrives: its id, its demand and its pairs `(offer, need-side score, offer-side
/// score)`.
pub type ArrivingNeed = (String, u32, Vec<(u32, i64, i64)>);

/// One round's changes to a market kept live ([`duijie::policy::LiveWelfare`]), in the
/// market's own ids: offers that open, needs that arrive with their pairs, new scores of
/// existing pairs, and offers withdrawn.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MarketChanges {
    /// New offers: id and capacity.
    pub offers: Vec<(String, u32)>,
    /// New needs: id, demand and pairs `(offer, need-side score, offer-side score)`, offers
    /// numbered as they will be once the new offers are added (after the existing ones, in
    /// the order given).
    pub needs: Vec<ArrivingNeed>,
    /// New scores of existing pairs: `(need, offer, need-side score, offer-side score)`.
    pub scores: Vec<(u32, u32, i64, i64)>,
    /// Offers withdrawn.
    pub withdraw: Vec<u32>,
}

impl MarketChanges {
    /// Applies the changes to `live`, in the order their ids number them (new offers, then new
    /// needs with their pairs, then new scores, then withdrawals), and extends `need_ids` and
    /// `offer_ids` with the new ids as each is added.
    ///
    /// # Errors
    /// What [`LiveWelfare`](duijie::policy::LiveWelfare) refuses. Every id, list and score was
    /// checked when the changes were read; what is left is the solver's numeric range, which
    /// scores in `[0, 1]` reach only beyond 10¹¹ needs and offers. The changes before the one
    /// refused stay applied, and the ids stay in step with them.
    pub fn apply(
        self,
        live: &mut duijie::policy::LiveWelfare,
        need_ids: &mut Ids,
        offer_ids: &mut Ids,
    ) -> Result<(), duijie::allocate::AllocateError> {
        for (id, capacity) in self.offers {
            live.add_offer(capacity)?;
            offer_ids.push(id);
        }
        for (id, demand, pairs) in self.needs {
            live.add_need(demand, &pairs)?;
            need_ids.push(id);
        }
        for &(i, j, w, v) in &self.scores {
            live.set_scores(i, j, w, v)?;
        }
        for &j in &self.withdraw {
            live.withdraw_offer(j)?;
        }
        Ok(())
    }
}

/// Reads one round's changes from the JSON `text` of `name`: `{"offers": [{"id",
/// "capacity"}], "needs": [{"id", "demand"}], "pairs": [{"need", "offer", "need_score",
/// "offer_score"}], "withdraw": ["offer id", ...]}`, every list optional, against a market
/// whose needs and offers have the ids `need_ids` and `offer_ids` and whose candidate pairs
/// are `inst`'s. A pair naming a new need arrives with it; one naming an existing pair gives it
/// new scores.
///
/// # Errors
/// The first problem, naming the list's entry and the id: a new id that is taken or listed
/// twice, a pair naming an id nobody has, a new pair for a need that is not new (pairs arrive
/// with their need), a pair listed twice, a score outside `[0, 1]`, a quantity that is not a
/// whole number, a withdrawn offer that does not exist.
pub fn parse_market_changes(
    name: &str,
    text: &str,
    need_ids: &Ids,
    offer_ids: &Ids,
    inst: &MarketInstance,
) -> Result<MarketChanges, InstanceFileError> {
    let v = json_document(name, text)?;
    let list = |key: &str| -> Result<Vec<Entry>, InstanceFileError> {
        match v.get(key) {
            None | Some(serde_json::Value::Null) => Ok(Vec::new()),
            Some(table @ (serde_json::Value::Array(_) | serde_json::Value::Object(_))) => {
                table_entries(name, table, key)
            }
            Some(_) => fail(name, 0, format!("{key:?} is not a list")),
        }
    };
    // The round's new ids, numbered after the market's (nothing is added to the market's own
    // ids until the changes are applied).
    let (mut new_needs, mut new_offers) = (HashMap::new(), HashMap::new());
    let mut out = MarketChanges::default();
    let fresh = |known: &Ids,
                 new: &mut HashMap<String, u32>,
                 entries: &[Entry],
                 what: &str,
                 quantity: &str| {
        let (ids, qs) = sides(name, entries, quantity)?;
        for (k, id) in ids.iter().enumerate() {
            if known.get(id).is_some() || new.contains_key(id) {
                return fail(
                    name,
                    entries[k].line,
                    format!("new {what} {id:?}: the market already has one with that id"),
                );
            }
            let at = u32::try_from(known.len() + new.len()).unwrap_or(u32::MAX);
            new.insert(id.clone(), at);
        }
        Ok(ids.into_iter().zip(qs).collect::<Vec<_>>())
    };
    out.offers = fresh(
        offer_ids,
        &mut new_offers,
        &list("offers")?,
        "offer",
        "capacity",
    )?;
    let needs = fresh(need_ids, &mut new_needs, &list("needs")?, "need", "demand")?;
    let at = |known: &Ids, new: &HashMap<String, u32>, id: &str| {
        known.get(id).or_else(|| new.get(id).copied())
    };
    let old_needs = u32::try_from(need_ids.len()).unwrap_or(u32::MAX);
    let mut arriving: Vec<Vec<(u32, i64, i64)>> = vec![Vec::new(); needs.len()];
    let mut seen = std::collections::HashSet::new();
    for e in &list("pairs")? {
        let need = field(name, e, "need")?;
        let offer = field(name, e, "offer")?;
        let Some(i) = at(need_ids, &new_needs, need) else {
            return fail(
                name,
                e.line,
                format!(
                    "pair names need {need:?}, which neither the market nor the new needs list"
                ),
            );
        };
        let Some(j) = at(offer_ids, &new_offers, offer) else {
            return fail(
                name,
                e.line,
                format!(
                    "pair names offer {offer:?}, which neither the market nor the new offers list"
                ),
            );
        };
        if !seen.insert((i, j)) {
            return fail(
                name,
                e.line,
                format!("pair ({need:?}, {offer:?}) is listed twice"),
            );
        }
        let (w, s) = pair_scores(name, e)?;
        if i >= old_needs {
            arriving[(i - old_needs) as usize].push((j, w, s));
        } else if inst.pair_index(i, j).is_some() {
            out.scores.push((i, j, w, s));
        } else {
            return fail(
                name,
                e.line,
                format!(
                    "pair ({need:?}, {offer:?}) is not a candidate: new pairs arrive with a new need"
                ),
            );
        }
    }
    out.needs = needs
        .into_iter()
        .zip(arriving)
        .map(|((id, demand), pairs)| (id, demand, pairs))
        .collect();
    let withdraw = match v.get("withdraw") {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::Array(items)) => items.clone(),
        Some(_) => return fail(name, 0, "\"withdraw\" is not a list of offer ids"),
    };
    for (k, item) in withdraw.iter().enumerate() {
        let line = k as u64 + 1;
        let Some(id) = item.as_str() else {
            return fail(
                name,
                line,
                format!("entry {line} of \"withdraw\" is not an offer id (text)"),
            );
        };
        let Some(j) = at(offer_ids, &new_offers, id) else {
            return fail(
                name,
                line,
                format!("withdraws offer {id:?}, which the market does not have"),
            );
        };
        out.withdraw.push(j);
    }
    Ok(out)
}

/// Reads agreements from a CSV file with the columns `need,offer,units,status` (status 已签约 /
/// signed, 已拒绝 / refused, 暂停 / paused; units required for a signed agreement): each row
/// with its line, for [`duijie::policy::agreements::resolve`].
///
/// # Errors
/// The first problem, naming the file, line and field: a missing column, an unknown status,
/// units that are not a whole number.
pub fn read_agreements(
    path: &Path,
) -> Result<Vec<(u64, duijie::policy::agreements::AgreementRow)>, InstanceFileError> {
    use duijie::policy::AgreementStatus;
    let name = path.display().to_string();
    csv_entries(path)?
        .iter()
        .map(|e| {
            let need = field(&name, e, "need")?.to_owned();
            let offer = field(&name, e, "offer")?.to_owned();
            let status_text = field(&name, e, "status")?;
            let Some(status) = AgreementStatus::from_name(status_text) else {
                return fail(
                    &name,
                    e.line,
                    format!(
                        "status {status_text:?} of need {need:?} and offer {offer:?}: write 已签约 (signed), 已拒绝 (refused) or 暂停 (paused)"
                    ),
                );
            };
            let units_text = e.get("units").map(str::trim).unwrap_or_default();
            let units = if units_text.is_empty() && status != AgreementStatus::Signed {
                0
            } else {
                units_text.parse::<u32>().or_else(|_| {
                    fail(
                        &name,
                        e.line,
                        format!(
                            "units {units_text:?} of need {need:?} and offer {offer:?}: a signed agreement needs a whole number of units"
                        ),
                    )
                })?
            };
            Ok((
                e.line,
                duijie::policy::agreements::AgreementRow {
                    need,
                    offer,
                    units,
                    status,
                },
            ))
        })
        .collect()
}

fn read_text(path: &Path) -> Result<String, InstanceFileError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).or_else(|e| {
        fail(
            &name,
            0,
            format!("cannot read: {}", duijie::message::plain_io_error(&e)),
        )
    })?;
    crate::decode(&name, &bytes)
        .map(|(t, _)| t)
        .or_else(|p| fail(&name, p.line.unwrap_or(0), p.message.clone()))
}

/// A CSV file's name, trimmed header and other rows; the first malformed row or an empty file
/// (`needed` says what the header must hold) is an error.
fn csv_rows(
    path: &Path,
    needed: &str,
) -> Result<(String, Vec<String>, Vec<crate::csv::Row>), InstanceFileError> {
    let name = path.display().to_string();
    let text = read_text(path)?;
    let (rows, problems) = crate::csv::split_rows(&name, &text);
    if let Some(p) = problems.first() {
        return fail(&name, p.line.unwrap_or(0), p.message.clone());
    }
    let mut rows = rows.into_iter();
    let Some(header) = rows.next() else {
        return fail(&name, 0, format!("the file is empty: {needed} is needed"));
    };
    let header = header.fields.iter().map(|h| h.trim().to_owned()).collect();
    Ok((name, header, rows.collect()))
}

/// The rows of a CSV file as entries keyed by its header.
fn csv_entries(path: &Path) -> Result<Vec<Entry>, InstanceFileError> {
    let (name, header, rows) = csv_rows(path, "a header line")?;
    let names: std::rc::Rc<[String]> = header.clone().into();
    rows.into_iter()
        .map(|r| {
            if r.fields.len() != header.len() {
                return fail(
                    &name,
                    r.line,
                    format!(
                        "{} fields, but the header has {}",
                        r.fields.len(),
                        header.len()
                    ),
                );
            }
            Ok(Entry {
                line: r.line,
                names: names.clone(),
                values: r.fields,
            })
        })
        .collect()
}

/// The entries of list `key` of a JSON document, rows or columns (see [`table_entries`]).
fn json_entries(
    name: &str,
    v: &serde_json::Value,
    key: &str,
) -> Result<Vec<Entry>, InstanceFileError> {
    match v.get(key) {
        Some(table @ (serde_json::Value::Array(_) | serde_json::Value::Object(_))) => {
            table_entries(name, table, key)
        }
        _ => fail(
            name,
            0,
            format!("no list {key:?}: the file needs \"needs\", \"offers\" and \"pairs\""),
        ),
    }
}

/// A JSON value's text as an entry's field holds it: a string as it is, null as empty, any
/// other value as written.
fn cell_text(x: &serde_json::Value) -> String {
    match x {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The entries of a JSON table `key` (numbers kept as written; entry `k` is line `k`): rows,
/// a list of objects, or columns, an object of lists of one length (entry `k` holds each
/// column's `k`-th value, as `DataFrame.to_dict(orient="list")` writes a frame).
fn table_entries(
    name: &str,
    table: &serde_json::Value,
    key: &str,
) -> Result<Vec<Entry>, InstanceFileError> {
    if let Some(columns) = table.as_object() {
        let mut len: Option<(&str, usize)> = None;
        for (c, values) in columns {
            let Some(values) = values.as_array() else {
                return fail(name, 0, format!("column {c:?} of {key:?} is not a list"));
            };
            match len {
                Some((first, n)) if n != values.len() => {
                    return fail(
                        name,
                        0,
                        format!(
                            "column {c:?} of {key:?} has {} values and column {first:?} {n}: \
                             columns of one table have one length",
                            values.len()
                        ),
                    );
                }
                _ => len = Some((c, values.len())),
            }
        }
        let rows = len.map_or(0, |l| l.1);
        let names: std::rc::Rc<[String]> = columns.keys().cloned().collect();
        return Ok((0..rows)
            .map(|k| Entry {
                line: k as u64 + 1,
                names: names.clone(),
                values: columns
                    .values()
                    .map(|values| values.get(k).map(cell_text).unwrap_or_default())
                    .collect(),
            })
            .collect());
    }
    let list = table.as_array().map(Vec::as_slice).unwrap_or_default();
    list.iter()
        .enumerate()
        .map(|(k, item)| {
            let line = k as u64 + 1;
            let Some(obj) = item.as_object() else {
                return fail(
                    name,
                    line,
                    format!("entry {line} of {key:?} is not an object"),
                );
            };
            Ok(Entry::of(
                line,
                obj.iter().map(|(f, x)| (f.clone(), cell_text(x))),
            ))
        })
        .collect()
}

fn field<'e>(file: &str, e: &'e Entry, name: &str) -> Result<&'e str, InstanceFileError> {
    match e.get(name).map(str::trim) {
        Some(s) if !s.is_empty() => Ok(s),
        _ => fail(file, e.line, format!("no {name}: every entry needs one")),
    }
}

/// Ids and quantities of needs or offers, refusing a repeated id.
fn sides(
    file: &str,
    entries: &[Entry],
    quantity: &str,
) -> Result<(Vec<String>, Vec<u32>), InstanceFileError> {
    let mut ids = Vec::with_capacity(entries.len());
    let mut qs = Vec::with_capacity(entries.len());
    let mut seen = std::collections::HashSet::new();
    for e in entries {
        let id = field(file, e, "id")?;
        if !seen.insert(id.to_owned()) {
            return fail(file, e.line, format!("id {id:?} is listed twice"));
        }
        let q = field(file, e, quantity)?;
        let Ok(q) = q.parse::<u32>() else {
            return fail(
                file,
                e.line,
                format!("{quantity} of {id:?} is {q:?}: a whole number, 0 or more, is needed"),
            );
        };
        ids.push(id.to_owned());
        qs.push(q);
    }
    Ok((ids, qs))
}

/// A pair entry's need-side score and offer-side score (which defaults to the need side's).
fn pair_scores(f: &str, e: &Entry) -> Result<(i64, i64), InstanceFileError> {
    let w = score(f, e, "need_score")?;
    let v = match e.get("offer_score").filter(|s| !s.trim().is_empty()) {
        Some(_) => score(f, e, "offer_score")?,
        None => w,
    };
    Ok((w, v))
}

/// A score in `[0, 1]`, in the scorer's fixed point (six decimal places).
fn score(file: &str, e: &Entry, name: &str) -> Result<i64, InstanceFileError> {
    score_text(file, e.line, name, field(file, e, name)?)
}

fn score_text(file: &str, line: u64, name: &str, text: &str) -> Result<i64, InstanceFileError> {
    match text.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(duijie::score::to_fixed(x)),
        _ => fail(
            file,
            line,
            format!("{name} is {text:?}: a number from 0 to 1 is needed"),
        ),
    }
}

/// One side's satisfaction matrix: the offer ids of its header, and each need row's id and
/// cells (empty: not a candidate), with lines.
type Matrix = (Vec<String>, Vec<(u64, String, Vec<String>)>);

fn read_matrix(path: &Path) -> Result<Matrix, InstanceFileError> {
    let (name, header, rows) = csv_rows(path, "a header of offer ids")?;
    let offers: Vec<String> = header.into_iter().skip(1).collect();
    let mut out = Vec::new();
    for r in rows {
        if r.fields.len() != offers.len() + 1 {
            return fail(
                &name,
                r.line,
                format!(
                    "{} fields, but the header has {} (a need id, then one score per offer)",
                    r.fields.len(),
                    offers.len() + 1
                ),
            );
        }
        let mut f = r.fields.into_iter().map(|x| x.trim().to_owned());
        let id = f.next().unwrap_or_default();
        out.push((r.line, id, f.collect()));
    }
    Ok((offers, out))
}

/// A one-to-one instance from two dense matrices: `need_scores.csv` (each need's satisfaction
/// with each offer) and, optionally, `offer_scores.csv` (each offer's with each need, laid out
/// the same way); a header of offer ids, then one row per need, its id first; an empty cell is
/// not a candidate. Every demand and capacity is 1.
fn read_matrices(dir: &Path, market: Market) -> Result<MarketFile, InstanceFileError> {
    let need_path = dir.join("need_scores.csv");
    let offer_path = dir.join("offer_scores.csv");
    let nf = need_path.display().to_string();
    let (offer_ids, rows) = read_matrix(&need_path)?;
    let other = if offer_path.exists() {
        Some(read_matrix(&offer_path)?)
    } else {
        None
    };
    let of = offer_path.display().to_string();
    let mut seen = std::collections::HashSet::new();
    for id in &offer_ids {
        if id.is_empty() || !seen.insert(id.clone()) {
            return fail(&nf, 1, format!("offer id {id:?} is empty or listed twice"));
        }
    }
    if let Some((ids, r)) = &other
        && (ids != &offer_ids || r.len() != rows.len())
    {
        return fail(
            &of,
            1,
            "the offer side's matrix must list the same offers and needs, in the same order",
        );
    }
    let mut need_ids = Vec::with_capacity(rows.len());
    let mut seen = std::collections::HashSet::new();
    let mut pairs = Vec::new();
    for (i, (line, id, cells)) in rows.iter().enumerate() {
        if id.is_empty() || !seen.insert(id.clone()) {
            return fail(
                &nf,
                *line,
                format!("need id {id:?} is empty or listed twice"),
            );
        }
        let theirs = other.as_ref().map(|(_, r)| &r[i]);
        if let Some((l, oid, _)) = theirs
            && oid != id
        {
            return fail(&of, *l, format!("need {oid:?} where {nf} has {id:?}"));
        }
        for (j, cell) in cells.iter().enumerate() {
            let their = theirs.map(|(_, _, c)| c[j].as_str());
            match (cell.is_empty(), their.map(str::is_empty)) {
                (true, None | Some(true)) => continue,
                (true, Some(false)) | (false, Some(true)) => {
                    return fail(
                        &of,
                        theirs.map_or(*line, |t| t.0),
                        format!(
                            "({id:?}, {:?}) is a candidate on one side only: leave both cells empty or fill both",
                            offer_ids[j]
                        ),
                    );
                }
                _ => {}
            }
            let what = format!("need_score of ({id:?}, {:?})", offer_ids[j]);
            let w = score_text(&nf, *line, &what, cell)?;
            let v = match (their, theirs) {
                (Some(t), Some((l, _, _))) => {
                    let what = format!("offer_score of ({id:?}, {:?})", offer_ids[j]);
                    score_text(&of, *l, &what, t)?
                }
                _ => w,
            };
            pairs.push((i as u32, j as u32, w, v));
        }
        need_ids.push(id.clone());
    }
    let instance = MarketInstance::new(
        market,
        vec![1; need_ids.len()],
        vec![1; offer_ids.len()],
        pairs,
    )
    .or_else(|e| fail(&nf, 0, e.to_string()))?;
    Ok(MarketFile {
        instance,
        need_ids,
        offer_ids,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A random instance document: ids padded with spaces now and then, scores as integers,
    /// decimals or exponents, offer scores present, absent or null; each table as rows or as
    /// columns; sometimes a flaw (an unknown id, a pair twice, a score above 1, an id twice, a
    /// number as text, a number as an id, the other side's quantity, a short column, an extra
    /// column).
    fn document(next: &mut impl FnMut() -> u64) -> String {
        use serde_json::{Value, json};
        let (n, m) = (1 + next() % 6, 1 + next() % 5);
        let mut id = |prefix: &str, k: u64| {
            let id = format!("{prefix}{k}");
            if next().is_multiple_of(5) {
                format!(" {id} ")
            } else {
                id
            }
        };
        let mut needs: Vec<Value> = (0..n)
            .map(|i| json!({"id": id("n", i), "demand": 0}))
            .collect();
        let mut offers: Vec<Value> = (0..m)
            .map(|j| json!({"id": id("o", j), "capacity": 0}))
            .collect();
        for e in needs.iter_mut() {
            e["demand"] = json!(next() % 4);
        }
        for e in offers.iter_mut() {
            e["capacity"] = json!(next() % 4);
        }
        let score = |next: &mut dyn FnMut() -> u64| -> Value {
            let text = match next() % 4 {
                0 => format!("{}", next() % 2),
                1 => format!("0.{}", next() % 1_000_000_000),
                2 => format!("{}e-3", next() % 1000),
                _ => format!("0.{:06}", next() % 1_000_000),
            };
            serde_json::from_str(&text).unwrap()
        };
        let mut pairs: Vec<Value> = Vec::new();
        for i in 0..n {
            for j in 0..m {
                if next().is_multiple_of(2) {
                    let mut p = json!({"need": format!("n{i}"), "offer": format!("o{j}"), "need_score": score(next)});
                    match next() % 3 {
                        0 => {}
                        1 => p["offer_score"] = Value::Null,
                        _ => p["offer_score"] = score(next),
                    }
                    pairs.push(p);
                }
            }
        }
        match next() % 20 {
            0 => pairs.push(json!({"need": "n0", "offer": "nobody", "need_score": 0.5})),
            1 if !pairs.is_empty() => pairs.push(pairs[0].clone()),
            2 => pairs.push(json!({"need": "n0", "offer": "o0", "need_score": 1.5})),
            3 => needs.push(json!({"id": "n0", "demand": 1})),
            4 => needs.push(json!({"id": "late", "demand": "2"})),
            5 => needs.push(json!({"id": 77, "demand": 2})),
            6 => needs.push(json!({"id": "cap", "capacity": 2})),
            _ => {}
        }
        let flaw = next() % 20;
        let table = |rows: Vec<Value>, next: &mut dyn FnMut() -> u64| -> Value {
            if next().is_multiple_of(2) {
                return Value::Array(rows);
            }
            let mut columns = serde_json::Map::new();
            for (k, row) in rows.iter().enumerate() {
                for (key, x) in row.as_object().unwrap() {
                    let column = columns
                        .entry(key.clone())
                        .or_insert_with(|| Value::Array(vec![Value::Null; rows.len()]));
                    column[k] = x.clone();
                }
            }
            match flaw {
                0 => {
                    if let Some(Value::Array(c)) = columns.values_mut().next() {
                        c.pop();
                    }
                }
                1 => {
                    columns.insert("note".into(), json!("x"));
                }
                2 => {
                    columns.insert("source".into(), Value::Array(vec![json!("a"); rows.len()]));
                }
                _ => {}
            }
            Value::Object(columns)
        };
        json!({
            "needs": table(needs, next),
            "offers": table(offers, next),
            "pairs": table(pairs, next),
        })
        .to_string()
    }

    #[test]
    fn the_typed_json_reader_agrees_with_the_general_one() {
        let mut next = duijie::testkit::xorshift(2026);
        let (mut typed, mut general) = (0, 0);
        for _ in 0..2000 {
            let text = document(&mut next);
            let want = parse_general_json("x.json", &text, Market::Talent);
            match well_formed_json(&text, Market::Talent) {
                Some(got) => {
                    typed += 1;
                    assert_eq!(Ok(got), want, "{text}");
                }
                None => general += 1,
            }
            assert_eq!(parse_market_json("x.json", &text, Market::Talent), want);
        }
        // Both readers ran.
        assert!(typed > 1000 && general > 300, "{typed} {general}");
    }
}
