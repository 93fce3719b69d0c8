//! Writes the named benchmark instances as raw little-endian files for the peer scripts:
//! dense `NAME.i64` / `NAME.f64` (row-major, shape in `NAME.shape`), sparse `NAME.coo`
//! (int64 triplets row, column, cost).
//!
//! `cargo run --release -p duijie-benches --bin write-instances -- target/instances`

use std::io::Write;

use duijie_benches::{DENSE, DENSE_F64, SEED, SPARSE, dense_f64, dense_int, sparse_perm};

fn main() -> std::io::Result<()> {
    let dir = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "target/instances".into()),
    );
    std::fs::create_dir_all(&dir)?;
    let write = |name: &str, ext: &str, bytes: Vec<u8>, shape: String| -> std::io::Result<()> {
        std::fs::File::create(dir.join(format!("{name}.{ext}")))?.write_all(&bytes)?;
        std::fs::write(dir.join(format!("{name}.shape")), shape)
    };
    for (k, &(name, n, m, max)) in DENSE.iter().enumerate() {
        let v = dense_int(SEED + k as u64, n, m, max);
        write(
            name,
            "i64",
            v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            format!("{n} {m}\n"),
        )?;
    }
    for (k, &(name, n)) in DENSE_F64.iter().enumerate() {
        let v = dense_f64(SEED + 100 + k as u64, n, n);
        write(
            name,
            "f64",
            v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            format!("{n} {n}\n"),
        )?;
    }
    for (k, &(name, n, per_row)) in SPARSE.iter().enumerate() {
        let e = sparse_perm(SEED + 200 + k as u64, n, per_row, 1000);
        let bytes = e
            .iter()
            .flat_map(|&(i, j, c)| [i64::from(i), i64::from(j), c])
            .flat_map(|x| x.to_le_bytes())
            .collect();
        write(name, "coo", bytes, format!("{n} {n}\n"))?;
    }
    println!("instances written to {}", dir.display());
    Ok(())
}
