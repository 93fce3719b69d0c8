//! The service through real HTTP on a loopback port: every endpoint, with good and bad tokens,
//! oversized and malformed bodies, unknown ids, and writes racing reads.

#![allow(clippy::unwrap_used, missing_docs)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use duijie_server::{App, Tokens, auth::hash_token};
use serde_json::Value;

/// A server on the sample ledger: a read token `r`, a write token `w`, bodies up to 1 KiB
/// ([`start_with_body_limit`] for others).
struct Server {
    addr: SocketAddr,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

fn start() -> Server {
    start_with_body_limit(1024)
}

fn start_with_body_limit(max_body: usize) -> Server {
    start_with(max_body, duijie::ScoreConfig::default())
}

fn start_with(max_body: usize, cfg: duijie::ScoreConfig) -> Server {
    start_app(max_body, cfg, Vec::new())
}

fn start_app(max_body: usize, cfg: duijie::ScoreConfig, cors: Vec<String>) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("l.sqlite");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let read = duijie_store::read_paths(&[root.join("datasets/sample")]).unwrap();
    duijie_store::Db::create_or_open(&db)
        .unwrap()
        .import(read)
        .unwrap();
    let tokens = dir.path().join("tokens");
    std::fs::write(
        &tokens,
        format!(
            "read {} officer\nwrite {} platform\n",
            hash_token("r"),
            hash_token("w")
        ),
    )
    .unwrap();
    let app = Arc::new(
        App::open(db, Tokens::read(&tokens).unwrap(), cfg)
            .unwrap()
            .allowing_origins(cors),
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let shutdown = async {
                let _ = stopped.await;
            };
            duijie_server::serve(listener, app, (max_body, Duration::from_secs(30)), shutdown)
                .await
                .unwrap();
        });
    });
    Server {
        addr: rx.recv().unwrap(),
        _dir: dir,
        _stop: stop,
    }
}

/// One request; the status and the body as JSON (`Null` when it is not JSON).
fn call(
    s: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&[u8]>,
) -> (u16, Value) {
    let (status, _, v) = call_with(s, &format!("{method} {path}"), token, body, "");
    (status, v)
}

/// One request (`line`: method and path) with `extra` header lines; the status, the answer's
/// head (lowercase) and its body as JSON.
fn call_with(
    s: &Server,
    line: &str,
    token: Option<&str>,
    body: Option<&[u8]>,
    extra: &str,
) -> (u16, String, Value) {
    let mut c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut head = format!("{line} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{extra}");
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    if let Some(b) = body {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            b.len()
        ));
    }
    head.push_str("\r\n");
    c.write_all(head.as_bytes()).unwrap();
    if let Some(b) = body {
        // A server may answer (413) before reading all of a large body.
        let _ = c.write_all(b);
    }
    let mut raw = Vec::new();
    let _ = c.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw);
    let status: u16 = text.split_whitespace().nth(1).unwrap().parse().unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (
        status,
        head.to_lowercase(),
        serde_json::from_str(body).unwrap_or(Value::Null),
    )
}

fn get(s: &Server, path: &str) -> Value {
    let (status, v) = call(s, "GET", path, Some("r"), None);
    assert_eq!(status, 200, "{path}: {v}");
    v
}

fn kind(v: &Value) -> &str {
    v["error"]["kind"].as_str().unwrap_or_default()
}

#[test]
fn every_read_endpoint_answers_from_the_store() {
    let s = start();
    assert_eq!(call(&s, "GET", "/v1/health", None, None).0, 200);
    assert_eq!(get(&s, "/v1/version")["api"], "v1");
    let doc = get(&s, "/v1/openapi.json");
    for path in [
        "/",
        "/v1/health",
        "/v1/version",
        "/v1/parties",
        "/v1/parties/{id}",
        "/v1/parties/{id}/recommendations",
        "/v1/explain",
        "/v1/runs",
        "/v1/runs/{id}/matches",
        "/v1/diff",
        "/v1/ledger",
        "/v1/jobs",
        "/v1/jobs/{id}",
        "/v1/agreements",
        "/v1/agreements/log",
        "/v1/openapi.json",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is not documented");
    }
    let found = get(&s, "/v1/parties?q=%E6%9C%BA%E5%BA%8A"); // 机床
    assert_eq!(found["parties"][0]["id"], "E01");
    let schools = get(&s, "/v1/parties?kind=school&limit=100");
    assert!(
        schools["parties"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["kind"] == "school")
    );
    let shenyang = get(&s, "/v1/parties?city=%E6%B2%88%E9%98%B3%E5%B8%82"); // 沈阳市
    assert!(
        shenyang["parties"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["city"] == "沈阳市")
    );
    assert_eq!(get(&s, "/v1/parties/E01")["name"], "沈阳机床股份有限公司");
    let recs = get(&s, "/v1/parties/E01/recommendations?k=3&market=talent");
    let list = recs["recommendations"].as_array().unwrap();
    assert!(!list.is_empty() && list.len() <= 3);
    assert!(
        list.iter()
            .all(|r| r["market"] == "talent" && r["why"].is_string())
    );
    let why = get(&s, "/v1/explain?need=N01&offer=T01");
    assert_eq!(
        (why["market"].clone(), why["candidate"].clone()),
        ("talent".into(), true.into())
    );
    assert!(why["sentence"].as_str().unwrap().contains("专业"));

    // A run started through the API is listed, paged and compared.
    let (status, started) = call(
        &s,
        "POST",
        "/v1/runs",
        Some("w"),
        Some(br#"{"policy":"welfare","wait":true}"#),
    );
    assert_eq!(status, 201, "{started}");
    let run = started["run"].as_i64().unwrap();
    let (_, greedy) = call(
        &s,
        "POST",
        "/v1/runs",
        Some("w"),
        Some(br#"{"policy":"coverage","wait":true}"#),
    );
    let runs = get(&s, "/v1/runs");
    let listed: Vec<i64> = runs["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert!(listed.contains(&run) && listed.contains(&greedy["run"].as_i64().unwrap()));
    let last = runs["runs"].as_array().unwrap().last().unwrap();
    assert!(
        last["command"].as_str().unwrap().contains("by platform"),
        "{last}"
    );
    let all = get(&s, &format!("/v1/runs/{run}/matches?per_page=1000"));
    assert_eq!(all["total"], started["partnerships"]);
    let page = get(&s, &format!("/v1/runs/{run}/matches?per_page=2&page=2"));
    assert_eq!(page["matches"].as_array().unwrap().len(), 2);
    assert_eq!(page["matches"][0], all["matches"][2]);
    let e01 = get(&s, &format!("/v1/runs/{run}/matches?party=E01"));
    assert!(
        e01["matches"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["need_party"] == "E01" || m["offer_party"] == "E01")
    );
    let same = get(&s, &format!("/v1/diff?from={run}&to={run}"));
    assert_eq!(same["added"], serde_json::json!([]));
    let d = get(&s, &format!("/v1/diff?from={run}&to={}", greedy["run"]));
    let n = |k: &str| d[k].as_array().unwrap().len();
    assert!(n("added") + n("removed") + n("changed") > 0);
    assert!(
        get(&s, &format!("/v1/diff?from={run}&to={run}&parties=true"))["changed"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn bad_tokens_bodies_and_ids_get_typed_json_errors() {
    let s = start();
    for token in [None, Some("wrong"), Some("")] {
        let (status, v) = call(&s, "GET", "/v1/parties", token, None);
        assert_eq!((status, kind(&v)), (401, "unauthorized"), "{token:?}");
    }
    let (status, v) = call(&s, "POST", "/v1/runs", Some("r"), Some(b"{}"));
    assert_eq!((status, kind(&v)), (403, "forbidden"));
    let big = vec![b' '; 4096];
    let (status, v) = call(&s, "POST", "/v1/runs", Some("w"), Some(&big));
    assert_eq!((status, kind(&v)), (413, "too_large"), "{v}");
    for bad in [
        &b"{"[..],
        b"[1,2]",
        br#"{"policy": 3}"#,
        br#"{"polcy": "welfare"}"#,
    ] {
        let (status, v) = call(&s, "POST", "/v1/runs", Some("w"), Some(bad));
        assert_eq!(
            (status, kind(&v)),
            (400, "invalid_input"),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
    let (status, v) = call(
        &s,
        "POST",
        "/v1/runs",
        Some("w"),
        Some(br#"{"policy": "lottery"}"#),
    );
    assert_eq!((status, kind(&v)), (400, "invalid_input"));
    assert!(v["error"]["message"].as_str().unwrap().contains("lottery"));
    let (status, v) = call(
        &s,
        "POST",
        "/v1/runs",
        Some("w"),
        Some(br#"{"year": 1999}"#),
    );
    assert_eq!((status, kind(&v)), (400, "invalid_input"));
    for path in [
        "/v1/parties/NOPE",
        "/v1/parties/NOPE/recommendations",
        "/v1/explain?need=N01&offer=NOPE",
        "/v1/runs/999/matches",
        "/v1/diff?from=1&to=999",
        "/v1/jobs/999",
        "/v1/nothing",
    ] {
        let (status, v) = call(&s, "GET", path, Some("r"), None);
        assert_eq!((status, kind(&v)), (404, "not_found"), "{path}: {v}");
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(
            !msg.contains("/tmp") && !msg.contains(".sqlite"),
            "{path} leaks a path: {msg}"
        );
    }
    let (status, v) = call(
        &s,
        "GET",
        "/v1/parties/E01/recommendations?market=moon",
        Some("r"),
        None,
    );
    assert_eq!((status, kind(&v)), (400, "invalid_input"));
    let (status, _) = call(&s, "GET", "/v1/diff?from=x&to=2", Some("r"), None);
    assert_eq!(status, 400);
}

#[test]
fn one_write_at_a_time_while_reads_go_on() {
    let s = Arc::new(start());
    let writers: Vec<_> = (0..4)
        .map(|_| {
            let s = Arc::clone(&s);
            std::thread::spawn(move || {
                call(&s, "POST", "/v1/runs", Some("w"), Some(br#"{"wait":true}"#))
            })
        })
        .collect();
    let readers: Vec<_> = (0..8)
        .map(|_| {
            let s = Arc::clone(&s);
            std::thread::spawn(move || {
                call(
                    &s,
                    "GET",
                    "/v1/parties/E02/recommendations",
                    Some("r"),
                    None,
                )
                .0
            })
        })
        .collect();
    for r in readers {
        assert_eq!(r.join().unwrap(), 200);
    }
    let answers: Vec<(u16, Value)> = writers.into_iter().map(|w| w.join().unwrap()).collect();
    let done = answers.iter().filter(|(st, _)| *st == 201).count();
    assert!(done >= 1, "{answers:?}");
    for (st, v) in &answers {
        assert!(*st == 201 || (*st == 409 && kind(v) == "busy"), "{st} {v}");
    }
    // Every write that was answered 201 is in the store, numbered in turn.
    let runs = get(&s, "/v1/runs");
    assert_eq!(runs["runs"].as_array().unwrap().len(), 1 + done);
}

#[test]
fn the_page_finds_a_party_and_shows_its_partners_matches_and_changes() {
    let s = start();
    // An agreement of E01's, and two runs, so the page has a current run and one before it.
    let signed = br#"{"need":"N01","offer":"T03","status":"signed","units":2}"#;
    assert_eq!(
        call(&s, "POST", "/v1/agreements", Some("w"), Some(signed)).0,
        201
    );
    for policy in ["coverage", "welfare"] {
        let body = format!("{{\"policy\":\"{policy}\",\"wait\":true}}");
        assert_eq!(
            call(&s, "POST", "/v1/runs", Some("w"), Some(body.as_bytes())).0,
            201
        );
    }
    let (status, _) = call(&s, "GET", "/", None, None);
    assert_eq!(status, 200, "the page needs no token");
    let Some(browser) = duijie::testkit::chromium("the page was not loaded") else {
        return;
    };
    let url = format!("http://{}/#q=E01&token=r", s.addr);
    let dir = tempfile::tempdir().unwrap();
    let browse = |extra: &[String]| {
        let mut args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--virtual-time-budget=8000".to_owned(),
            format!("--user-data-dir={}", dir.path().join("profile").display()),
        ];
        args.extend_from_slice(extra);
        args.push(url.clone());
        std::process::Command::new(&browser)
            .args(&args)
            .output()
            .unwrap()
    };
    let dom = browse(&["--dump-dom".to_owned()]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    for text in [
        "沈阳机床股份有限公司（E01） 企业 · 沈阳市",
        "推荐合作方",
        "<td>人才</td><td>沈阳工业大学（S01）</td><td>N01</td><td>T01</td><td>0.978</td>",
        "本轮匹配（运行 3）",
        "自上一轮以来（运行 2 → 3）",
        "合作协议",
        "<td>人才</td><td>N01</td><td>E01</td><td>T03</td><td>S03</td><td>已签约</td><td>2</td><td>platform</td>",
    ] {
        assert!(dom.contains(text), "missing {text:?} in the page:\n{dom}");
    }
    // A screenshot draws the Chinese text: far more dark pixels than the page's Latin text
    // alone would give (a missing CJK font draws nothing or empty boxes).
    let shot = dir.path().join("page.png");
    browse(&[
        "--window-size=1200,1600".to_owned(),
        format!("--screenshot={}", shot.display()),
    ]);
    let bytes = std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot: {e}"));
    assert!(
        bytes.len() > 20_000,
        "a nearly empty screenshot ({} bytes)",
        bytes.len()
    );
    if std::env::var_os("DUIJIE_KEEP_SCREENSHOT").is_some() {
        std::fs::copy(&shot, "page.png").unwrap();
    }
}

/// The sample ledger's files as an import body, with `edit` applied to each file's text.
fn sample_files(edit: impl Fn(&str, String) -> String) -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/sample");
    let mut files = Vec::new();
    for e in std::fs::read_dir(root).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_owned();
        let text = edit(&name, std::fs::read_to_string(&p).unwrap());
        files.push(serde_json::json!({"name": name, "text": text}));
    }
    serde_json::to_vec(&serde_json::json!({ "files": files })).unwrap()
}

#[test]
fn an_import_is_validated_stored_all_or_nothing_and_answered_from_at_once() {
    let s = start_with_body_limit(8 << 20);
    let renamed = sample_files(|name, text| {
        if name == "enterprises.csv" {
            text.replace("沈阳机床股份有限公司", "沈阳机床集团")
        } else {
            text
        }
    });
    let (status, v) = call(&s, "POST", "/v1/ledger", Some("r"), Some(&renamed));
    assert_eq!((status, kind(&v)), (403, "forbidden"));
    let before = get(&s, "/v1/health")["ledger_sha256"].clone();
    let (status, v) = call(&s, "POST", "/v1/ledger", Some("w"), Some(&renamed));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["records"], 33, "{v}");
    assert_ne!(get(&s, "/v1/health")["ledger_sha256"], before);
    assert_eq!(get(&s, "/v1/parties/E01")["name"], "沈阳机床集团");
    let runs = get(&s, "/v1/runs");
    assert!(
        runs["runs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["command"] == "api import by platform")
    );

    // A ledger with an error is refused with its problem located, and nothing changes.
    let broken = sample_files(|name, text| {
        if name == "talent_needs.csv" {
            text.replacen(",本科,", ",博士后,", 1)
        } else {
            text
        }
    });
    let hash = get(&s, "/v1/health")["ledger_sha256"].clone();
    let (status, v) = call(&s, "POST", "/v1/ledger", Some("w"), Some(&broken));
    assert_eq!((status, kind(&v)), (422, "invalid_ledger"), "{v}");
    let problem = &v["problems"][0];
    assert_eq!(problem["source"], "talent_needs.csv", "{problem}");
    assert_eq!(
        (problem["field"].clone(), problem["record_id"].clone()),
        ("level".into(), "N01".into())
    );
    assert!(problem["line"].as_u64().unwrap() >= 2);
    assert_eq!(get(&s, "/v1/health")["ledger_sha256"], hash);
    assert_eq!(get(&s, "/v1/parties/E01")["name"], "沈阳机床集团");

    let nothing = br#"{"files": [{"name": "notes.txt", "text": "hello"}]}"#;
    let (status, v) = call(&s, "POST", "/v1/ledger", Some("w"), Some(nothing));
    assert_eq!((status, kind(&v)), (400, "invalid_input"), "{v}");
}

#[test]
fn the_server_scores_with_the_configuration_it_is_given() {
    let talent = |s: &Server| {
        get(s, "/v1/parties/E01/recommendations?market=talent")["recommendations"]
            .as_array()
            .unwrap()
            .len()
    };
    let one = duijie::ScoreConfig {
        top_k: Some(1),
        ..duijie::ScoreConfig::default()
    };
    let (all, top1) = (talent(&start()), talent(&start_with(1024, one)));
    // With one candidate per need, E01's two talent needs reach at most two schools.
    assert!(top1 <= 2 && top1 < all, "top_k 1: {top1}, default: {all}");
}

/// Polls job `id` until it ends (at most a minute); the job as last read.
fn job_end(s: &Server, id: &Value) -> Value {
    for _ in 0..600 {
        let j = get(s, &format!("/v1/jobs/{id}"));
        if j["state"] != "running" {
            return j;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("job {id} did not end");
}

#[test]
fn agreements_are_signed_refused_and_withdrawn_and_every_run_job_respects_them() {
    let s = start();
    let post = |token, body: &str| {
        call(
            &s,
            "POST",
            "/v1/agreements",
            Some(token),
            Some(body.as_bytes()),
        )
    };
    let signed = r#"{"need":"N01","offer":"T03","status":"已签约","units":2}"#;
    assert_eq!(kind(&post("r", signed).1), "forbidden");
    let (status, v) = post("w", signed);
    assert_eq!(status, 201, "{v}");
    let a = &v["agreement"];
    assert_eq!(
        (a["status"].clone(), a["status_zh"].clone()),
        ("signed".into(), "已签约".into())
    );
    assert_eq!(a["recorded_by"], "platform");
    assert!(a["recorded_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        post("w", r#"{"need":"N01","offer":"T01","status":"refused"}"#).0,
        201
    );
    // Bad ones are refused, each saying why, and nothing is recorded.
    for (body, status, what, says) in [
        (
            r#"{"need":"N01","offer":"T03","status":"signed","units":99}"#,
            422,
            "invalid_agreement",
            "99 units",
        ),
        (
            r#"{"need":"N0x","offer":"T03","status":"signed","units":1}"#,
            422,
            "invalid_agreement",
            "N01",
        ),
        (
            r#"{"need":"N01","offer":"T02","status":"maybe"}"#,
            400,
            "invalid_input",
            "maybe",
        ),
        (
            r#"{"need":"N01","offer":"T02","status":"signed"}"#,
            400,
            "invalid_input",
            "units",
        ),
        (r#"{"need":"N01"}"#, 400, "invalid_input", "offer"),
    ] {
        let (st, v) = post("w", body);
        assert_eq!((st, kind(&v)), (status, what), "{body}: {v}");
        assert!(
            v["error"]["message"].as_str().unwrap().contains(says),
            "{body}: {v}"
        );
    }
    // Listed by need and offer, each with its market and parties.
    let listed = get(&s, "/v1/agreements")["agreements"].clone();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    let first = &listed[0];
    assert_eq!(
        [
            &first["offer"],
            &first["market"],
            &first["need_party"],
            &first["offer_party"]
        ],
        ["T01", "talent", "E01", "S01"],
        "{listed}"
    );

    // A run is a job: 202 at once, its progress step by step, then its run.
    let (status, started) = call(&s, "POST", "/v1/runs", Some("w"), Some(b"{}"));
    assert_eq!(status, 202, "{started}");
    assert_eq!(started["progress"]["total"], 14);
    let end = job_end(&s, &started["job"]);
    assert_eq!(end["state"], "done", "{end}");
    assert_eq!(end["progress"]["done"], end["progress"]["total"]);
    assert_eq!(end["progress"]["stage"], "run recorded");
    assert_eq!(end["result"]["agreements"], 2);
    let listed = get(&s, "/v1/jobs");
    assert_eq!(listed["jobs"][0]["job"], started["job"], "{listed}");
    let run = &end["run"];
    let rows = get(
        &s,
        &format!("/v1/runs/{run}/matches?party=E01&per_page=1000"),
    );
    let units = |offer: &str| {
        rows["matches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["need"] == "N01" && m["offer"] == offer)
            .map(|m| m["units"].as_u64().unwrap())
    };
    assert_eq!((units("T03"), units("T01")), (Some(2), None), "{rows}");

    // Withdrawn, the refusal no longer holds; the log keeps every change.
    let (status, v) = call(
        &s,
        "DELETE",
        "/v1/agreements?need=N01&offer=T01",
        Some("w"),
        None,
    );
    assert_eq!(status, 200, "{v}");
    let (status, v) = call(
        &s,
        "DELETE",
        "/v1/agreements?need=N01&offer=T01",
        Some("w"),
        None,
    );
    assert_eq!((status, kind(&v)), (404, "not_found"));
    let (status, done) = call(&s, "POST", "/v1/runs", Some("w"), Some(br#"{"wait":true}"#));
    assert_eq!(status, 201, "{done}");
    assert_eq!(done["agreements"], 1);
    let log = get(&s, "/v1/agreements/log")["changes"].clone();
    let statuses: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["signed", "refused", "withdrawn"]);
    // Every run says when it was recorded.
    let runs = get(&s, "/v1/runs");
    assert!(
        runs["runs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["recorded_at"].is_string()),
        "{runs}"
    );
}

#[test]
fn a_workbook_ledger_is_imported_from_base64() {
    use base64::Engine;
    let s = start_with_body_limit(8 << 20);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/sample");
    let mut records = duijie_store::read_paths(&[root]).unwrap().records;
    // Renamed as an officer would in Excel.
    for r in &mut records {
        for (_, value) in &mut r.fields {
            if *value == duijie::Value::Text("沈阳机床股份有限公司".into()) {
                *value = duijie::Value::Text("沈阳机床集团".into());
            }
        }
    }
    let mut files = Vec::new();
    for kind in duijie::RecordKind::ALL {
        let rows: Vec<_> = records.iter().filter(|r| r.kind == kind).collect();
        let name = format!("{}.xlsx", kind.name());
        let bytes = duijie_export::template_workbook_bytes(Path::new(&name), kind, &rows).unwrap();
        files.push(serde_json::json!({
            "name": name,
            "base64": base64::engine::general_purpose::STANDARD.encode(bytes),
        }));
    }
    let body = serde_json::to_vec(&serde_json::json!({ "files": files })).unwrap();
    let (status, v) = call(&s, "POST", "/v1/ledger", Some("w"), Some(&body));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["records"], 33, "{v}");
    assert!(
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["format"] == "xlsx"),
        "{v}"
    );
    assert_eq!(get(&s, "/v1/parties/E01")["name"], "沈阳机床集团");
    for bad in [
        r#"{"files": [{"name": "schools.xlsx", "base64": "not base64!"}]}"#,
        r#"{"files": [{"name": "schools.csv"}]}"#,
        r#"{"files": [{"name": "schools.csv", "text": "id", "base64": "aWQ="}]}"#,
    ] {
        let (status, v) = call(&s, "POST", "/v1/ledger", Some("w"), Some(bad.as_bytes()));
        assert_eq!((status, kind(&v)), (400, "invalid_input"), "{bad}: {v}");
        assert!(
            v["error"]["message"].as_str().unwrap().contains("schools."),
            "{v}"
        );
    }
    // Bytes that decode but are no workbook: refused with the file and the reason named,
    // nothing changed.
    let hash = get(&s, "/v1/health")["ledger_sha256"].clone();
    let garbage = base64::engine::general_purpose::STANDARD.encode(b"PK\x03\x04 not a zip");
    let body = format!(r#"{{"files": [{{"name": "schools.xlsx", "base64": "{garbage}"}}]}}"#);
    let (status, v) = call(&s, "POST", "/v1/ledger", Some("w"), Some(body.as_bytes()));
    assert_eq!((status, kind(&v)), (400, "invalid_input"), "{v}");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("schools.xlsx: not a readable .xlsx workbook"),
        "{message}"
    );
    assert_eq!(get(&s, "/v1/health")["ledger_sha256"], hash);
}

#[test]
fn browsers_may_call_only_from_the_origins_the_server_is_given() {
    let allowed = "https://platform.example.gov.cn";
    let preflight = format!(
        "Origin: {allowed}\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: authorization\r\n"
    );
    // No origins configured: no CORS header, and a preflight is not answered as one.
    let closed = start();
    let (status, head, _) = call_with(&closed, "OPTIONS /v1/runs", None, None, &preflight);
    assert!(
        !head.contains("access-control-allow-origin"),
        "{status} {head}"
    );
    let (_, head, _) = call_with(
        &closed,
        "GET /v1/parties",
        Some("r"),
        None,
        &format!("Origin: {allowed}\r\n"),
    );
    assert!(!head.contains("access-control-allow-origin"), "{head}");

    let open = start_app(1024, duijie::ScoreConfig::default(), vec![allowed.into()]);
    let (status, head, _) = call_with(&open, "OPTIONS /v1/runs", None, None, &preflight);
    assert_eq!(status, 204, "{head}");
    assert!(
        head.contains(&format!("access-control-allow-origin: {allowed}")),
        "{head}"
    );
    assert!(
        head.contains("access-control-allow-headers: authorization"),
        "{head}"
    );
    let (status, head, v) = call_with(
        &open,
        "GET /v1/parties",
        Some("r"),
        None,
        &format!("Origin: {allowed}\r\n"),
    );
    assert_eq!(status, 200, "{v}");
    assert!(
        head.contains(&format!("access-control-allow-origin: {allowed}")),
        "{head}"
    );
    // Tokens are still needed, and another origin gets nothing.
    let (status, _, v) = call_with(
        &open,
        "GET /v1/parties",
        None,
        None,
        &format!("Origin: {allowed}\r\n"),
    );
    assert_eq!((status, kind(&v)), (401, "unauthorized"));
    let other = "Origin: https://elsewhere.example.com\r\n";
    let (_, head, _) = call_with(&open, "GET /v1/parties", Some("r"), None, other);
    assert!(!head.contains("access-control-allow-origin"), "{head}");
}
