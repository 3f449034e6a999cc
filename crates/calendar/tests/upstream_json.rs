//! Cross-checks the vendored `data/*.txt` files against the holiday-cn JSON
//! they were transcribed from, when that JSON is available beside the
//! repository (`shared/data/holidays-cn/`, as on CI). Skips with a note
//! otherwise, so a plain checkout still passes.

use std::collections::BTreeMap;
use std::path::Path;

use anju_calendar::{Calendar, DayKind};
use chrono::NaiveDate;
use serde_json::Value;

const UPSTREAM_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/holidays-cn"
);

/// `date -> (is_off_day, name)` and the notice URLs of one upstream file.
type Upstream = (BTreeMap<NaiveDate, (bool, String)>, Vec<String>);

fn load_upstream(path: &Path) -> Result<Upstream, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let papers = json["papers"]
        .as_array()
        .ok_or("papers is not an array")?
        .iter()
        .map(|p| p.as_str().map(str::to_owned).ok_or("paper is not a string"))
        .collect::<Result<Vec<_>, _>>()?;
    let mut days = BTreeMap::new();
    for day in json["days"].as_array().ok_or("days is not an array")? {
        let date_text = day["date"].as_str().ok_or("date is not a string")?;
        let date = NaiveDate::parse_from_str(date_text, "%Y-%m-%d")
            .map_err(|e| format!("{date_text}: {e}"))?;
        let off = day["isOffDay"].as_bool().ok_or("isOffDay is not a bool")?;
        let name = day["name"].as_str().ok_or("name is not a string")?;
        if days.insert(date, (off, name.to_owned())).is_some() {
            return Err(format!("{date} listed twice upstream"));
        }
    }
    Ok((days, papers))
}

#[test]
fn vendored_files_match_upstream_json() {
    let dir = Path::new(UPSTREAM_DIR);
    if !dir.is_dir() {
        println!(
            "note: {} not found; skipping the cross-check against holiday-cn",
            dir.display()
        );
        return;
    }
    let calendar = Calendar::builtin();
    let mut checked = 0;
    for year in calendar.years() {
        let path = dir.join(format!("{year}.json"));
        if !path.is_file() {
            println!("note: no upstream {year}.json; {year}.txt not cross-checked");
            continue;
        }
        let (upstream, papers) = load_upstream(&path).unwrap();
        let schedule = calendar.schedule(year).unwrap();

        assert!(
            papers.iter().any(|p| p == schedule.notice().url()),
            "{year}: notice URL {} is not among upstream papers {papers:?}",
            schedule.notice().url()
        );

        let ours: BTreeMap<NaiveDate, (bool, String)> = schedule
            .days()
            .map(|(date, kind, name)| (date, (kind == DayKind::Off, name.to_owned())))
            .collect();
        let our_dates: Vec<_> = ours.iter().map(|(d, (off, _))| (*d, *off)).collect();
        let their_dates: Vec<_> = upstream.iter().map(|(d, (off, _))| (*d, *off)).collect();
        assert_eq!(our_dates, their_dates, "{year}: dates differ from upstream");

        // Our names extend upstream's (make-up days add "调休上班").
        for (date, (_, name)) in &ours {
            let (_, theirs) = &upstream[date];
            assert!(
                name.starts_with(theirs.as_str()),
                "{date}: name {name:?} does not start with upstream {theirs:?}"
            );
        }
        checked += 1;
    }

    // Point out upstream years we have not vendored yet, without failing:
    // the notice may simply be newer than our last update.
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(year) = name
                .strip_suffix(".json")
                .and_then(|y| y.parse::<i32>().ok())
            {
                if calendar.notice(year).is_none() {
                    println!("note: upstream has {name} but data/{year}.txt is not vendored");
                }
            }
        }
    }
    assert!(
        checked > 0,
        "no vendored year found upstream in {}",
        dir.display()
    );
}
