//! Embeds the migrations. Each capability has its own series of migrations
//! per backend (`migrations/<backend>/<capability>/NNNN_description.sql`);
//! version numbers are global across the series (a new migration takes the
//! next unused number, whichever capability it belongs to), so the one
//! `_sqlx_migrations` table keeps them in order. This script lists every
//! file so that adding one needs no registration anywhere, and refuses
//! two files with the same version or a name that does not parse.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    let out = std::env::var("OUT_DIR").expect("OUT_DIR");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    for backend in ["sqlite", "postgres"] {
        let mut found: Vec<(i64, String, String, String)> = Vec::new();
        let dir = root.join(backend);
        let mut capabilities: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .collect();
        capabilities.sort_by_key(|e| e.file_name());
        for cap in capabilities {
            let capability = cap.file_name().to_string_lossy().into_owned();
            println!("cargo:rerun-if-changed={}", cap.path().display());
            for file in std::fs::read_dir(cap.path())
                .expect("read migrations")
                .flatten()
            {
                let name = file.file_name().to_string_lossy().into_owned();
                let Some(stem) = name.strip_suffix(".sql") else {
                    panic!("{backend}/{capability}/{name}: not a .sql file");
                };
                let (version, description) = stem.split_once('_').unwrap_or_else(|| {
                    panic!("{backend}/{capability}/{name}: want NNNN_description.sql")
                });
                let version: i64 = version.parse().unwrap_or_else(|_| {
                    panic!("{backend}/{capability}/{name}: version is not a number")
                });
                let path = file.path().display().to_string();
                found.push((
                    version,
                    capability.clone(),
                    description.replace('_', " "),
                    path,
                ));
            }
        }
        found.sort();
        for pair in found.windows(2) {
            assert!(
                pair[0].0 != pair[1].0,
                "{backend}: migrations {} and {} share version {}",
                pair[0].3,
                pair[1].3,
                pair[0].0
            );
        }
        let mut code = String::from("&[\n");
        for (version, capability, description, path) in &found {
            let _ = writeln!(
                code,
                "    crate::migrations::Step {{ version: {version}, capability: {capability:?}, description: {description:?}, sql: include_str!({path:?}) }},"
            );
        }
        code.push(']');
        std::fs::write(
            Path::new(&out).join(format!("migrations_{backend}.rs")),
            code,
        )
        .expect("write migrations list");
    }
}
