//! What the disk and other processes can do to a run: a full disk part-way through writing
//! results (the set of result files is replaced whole or not at all), a database on a
//! read-only folder (read, not called damaged), and imports racing to create one database.

#![allow(clippy::unwrap_used)]

mod common;
use common::root;
use std::path::Path;
use std::process::{Command, Output};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_duijie")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

fn files_in(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// `duijie match` on the bundled sample into `out`, with a weights file when given; the
/// process is started through `prefix` (a shell script that ends in `exec "$0" "$@"`) when
/// one is given.
fn match_sample(out: &Path, weights: Option<&Path>, prefix: Option<&str>) -> Output {
    let sample = root().join("datasets/sample");
    let mut args: Vec<String> = vec![
        "match".into(),
        sample.display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ];
    if let Some(w) = weights {
        args.extend(["--weights".into(), w.display().to_string()]);
    }
    match prefix {
        Some(script) => Command::new("bash")
            .args(["-c", &format!("{script}; exec \"$0\" \"$@\""), bin()])
            .args(&args)
            .output()
            .unwrap(),
        None => Command::new(bin()).args(&args).output().unwrap(),
    }
}

#[test]
fn a_disk_that_fills_while_results_are_written_replaces_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = match_sample(&out, None, None);
    assert!(o.status.success(), "{}", text(&o));
    let before = files_in(&out);
    assert_eq!(before.len(), 3);
    // Other weights give other results, so a replaced file would show.
    let weights = tmp.path().join("w.toml");
    std::fs::write(&weights, "[talent]\nmajor_fit = 1.0\nlevel_fit = 0.0\n").unwrap();
    // A file-size limit makes every write past 1 KiB fail as a full disk would (EFBIG; the
    // signal that would otherwise kill the process is ignored, as the shell's trap says).
    let o = match_sample(&out, Some(&weights), Some("trap '' XFSZ; ulimit -f 1"));
    let said = text(&o);
    assert_eq!(o.status.code(), Some(1), "{said}");
    assert!(said.contains("no file was replaced"), "{said}");
    assert!(!said.contains("os error"), "{said}");
    assert_eq!(files_in(&out), before, "a result file was replaced: {said}");
    // With room again, the same command replaces all three.
    let o = match_sample(&out, Some(&weights), None);
    assert!(o.status.success(), "{}", text(&o));
    let after = files_in(&out);
    assert_eq!(after.len(), 3, "no temporary left behind: {after:?}");
    assert_ne!(after[0].1, before[0].1);
}

#[test]
fn out_naming_a_file_says_so_in_words() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("results.csv");
    std::fs::write(&file, "keep me").unwrap();
    let sample = root().join("datasets/sample");
    let o = Command::new(bin())
        .args([
            "match",
            sample.to_str().unwrap(),
            "--out",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let said = text(&o);
    assert_eq!(o.status.code(), Some(1), "{said}");
    assert!(said.contains("--out names a folder"), "{said}");
    assert!(!said.contains("os error"), "{said}");
    assert_eq!(std::fs::read(&file).unwrap(), b"keep me");
}

/// Runs `duijie ARGS` as a user who cannot write `dir` (as root: as `nobody`, through
/// setpriv; otherwise the folder's mode already stops the user).
fn as_reader(args: &[&str]) -> Output {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if is_root {
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", bin()])
            .args(args)
            .output()
            .unwrap()
    } else {
        Command::new(bin()).args(args).output().unwrap()
    }
}

#[test]
fn a_database_in_a_read_only_folder_is_read_and_not_called_damaged() {
    use std::os::unix::fs::PermissionsExt as _;
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("ro");
    std::fs::create_dir(&folder).unwrap();
    let db = folder.join("ledger.sqlite");
    let o = Command::new(bin())
        .args([
            "import",
            root().join("datasets/sample").to_str().unwrap(),
            "--db",
        ])
        .arg(&db)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    // Readable by anyone, the folder writable by no one else.
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    let o = as_reader(&["validate", db.to_str().unwrap()]);
    let said = text(&o);
    assert_eq!(o.status.code(), Some(0), "{said}");
    assert!(said.contains("0 个错误"), "{said}");
    assert!(!said.contains("damaged"), "{said}");
    // A command that must record its run there says why it cannot.
    let out = tmp.path().join("results");
    std::fs::create_dir(&out).unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o777)).unwrap();
    let o = as_reader(&[
        "match",
        db.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let said = text(&o);
    assert_eq!(o.status.code(), Some(1), "{said}");
    assert!(said.contains("cannot be written"), "{said}");
    assert!(!said.contains("damaged"), "{said}");
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn imports_racing_to_create_one_database_all_succeed() {
    let tmp = tempfile::tempdir().unwrap();
    let sample = root().join("datasets/sample");
    for round in 0..3 {
        let db = tmp.path().join(format!("new{round}.sqlite"));
        let children: Vec<_> = (0..4)
            .map(|_| {
                Command::new(bin())
                    .args(["import", sample.to_str().unwrap(), "--db"])
                    .arg(&db)
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let o = c.wait_with_output().unwrap();
            assert!(o.status.success(), "round {round}: {}", text(&o));
        }
    }
}

#[test]
fn explanations_use_the_weights_the_scores_were_computed_with() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let weights = tmp.path().join("w.toml");
    std::fs::write(
        &weights,
        "[talent]\nmajor_fit = 1.0\nlevel_fit = 0.0\nindustry_fit = 0.0\ncapacity_fit = 0.0\ngeography = 0.0\nquality = 0.0\n",
    )
    .unwrap();
    let o = match_sample(&out, Some(&weights), None);
    assert!(o.status.success(), "{}", text(&o));
    let matches = std::fs::read_to_string(out.join("matches.csv")).unwrap();
    let talent: Vec<&str> = matches
        .lines()
        .filter(|l| l.starts_with("talent,"))
        .collect();
    assert!(!talent.is_empty());
    for line in talent {
        // The major component carries the whole weight, and no other component any.
        assert!(line.contains("×1.00"), "{line}");
        assert!(!line.contains("×0.25") && !line.contains("×0.35"), "{line}");
    }
}
