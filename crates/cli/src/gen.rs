//! Synthetic households for benchmarks: deterministic, varied (every
//! category, passing and failing conditions, bans, dated events), about 800
//! bytes a line like real applications with names and ID numbers.

use anju_idcodes::ResidentId;

/// SplitMix64: tiny, deterministic, good enough to vary test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const SURNAMES: [&str; 8] = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄"];
const GIVEN: [&str; 8] = [
    "建国", "秀梅", "小雨", "志强", "丽娟", "浩然", "思雨", "国庆",
];
const REGIONS: [&str; 6] = ["140302", "140303", "140311", "140321", "140322", "431302"];
const EMPLOYMENT: [&str; 6] = [
    "employee",
    "flexible",
    "new_form",
    "self_employed",
    "unemployed",
    "retired",
];
const OCCUPATIONS: [&str; 8] = [
    "teacher",
    "doctor",
    "nurse",
    "police",
    "civil_servant",
    "engineer",
    "driver",
    "clerk",
];

fn id_number(rng: &mut Rng, region: &str, year: u32, male: bool) -> String {
    let month = 1 + rng.below(12) as u32;
    let day = 1 + rng.below(28) as u32;
    let seq = 1 + rng.below(99) as u32;
    let sex_digit = if male {
        1 + 2 * rng.below(5)
    } else {
        2 * rng.below(5)
    };
    let first17 = format!("{region}{year:04}{month:02}{day:02}{seq:02}{sex_digit}");
    let mut b = [0u8; 17];
    b.copy_from_slice(first17.as_bytes());
    let check = ResidentId::check_char(&b) as char;
    format!("{first17}{check}")
}

fn date(rng: &mut Rng, from_year: u32, years: u64) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        from_year + rng.below(years) as u32,
        1 + rng.below(12),
        1 + rng.below(28)
    )
}

/// One household as a JSON line (no newline).
pub fn household(rng: &mut Rng, i: u64) -> String {
    let region = REGIONS[rng.below(REGIONS.len() as u64) as usize];
    let married = rng.chance(60);
    let kids = if married { rng.below(3) } else { 0 };
    let mut members = Vec::new();
    let app_male = rng.chance(50);
    let app_year = 1965 + rng.below(40) as u32;
    let employment = EMPLOYMENT[rng.below(6) as usize];
    let talent = match rng.below(10) {
        0 => "\"high_level\"",
        1 => "\"certified\"",
        _ => "null",
    };
    let surname = SURNAMES[rng.below(8) as usize];
    members.push(format!(
        "{{\"relation\":\"applicant\",\"name\":\"{surname}{}\",\"id_number\":\"{}\",\"married\":{married},\"full_civil_capacity\":{},\"resident\":{},\"hukou_local\":{},\"residence_years\":{},\"employment\":\"{employment}\",\"labor_contract\":{},\"social_insurance_months\":{},\"residence_registration\":{},\"occupation\":\"{}\",\"workplace_township\":{},\"talent\":{talent},\"annual_income_yuan\":{}}}",
        GIVEN[rng.below(8) as usize],
        id_number(rng, region, app_year, app_male),
        !rng.chance(2),
        rng.chance(85),
        rng.chance(70),
        rng.below(15),
        rng.chance(70),
        rng.below(120),
        rng.chance(40),
        OCCUPATIONS[rng.below(8) as usize],
        rng.chance(15),
        20_000 + rng.below(120_000)
    ));
    if married {
        let spouse_year = app_year + rng.below(5) as u32;
        let spouse_id = id_number(rng, region, spouse_year, !app_male);
        members.push(format!(
            "{{\"relation\":\"spouse\",\"name\":\"{}{}\",\"id_number\":\"{}\",\"married\":true,\"resident\":true,\"employment\":\"{}\",\"annual_income_yuan\":{}}}",
            SURNAMES[rng.below(8) as usize],
            GIVEN[rng.below(8) as usize],
            spouse_id,
            EMPLOYMENT[rng.below(6) as usize],
            rng.below(90_000)
        ));
    }
    for _ in 0..kids {
        let y = (app_year + 20 + rng.below(25) as u32).min(2025);
        members.push(format!(
            "{{\"relation\":\"child\",\"name\":\"{surname}{}\",\"birth_date\":\"{y:04}-{:02}-{:02}\",\"sex\":\"{}\",\"married\":{}}}",
            GIVEN[rng.below(8) as usize],
            1 + rng.below(12),
            1 + rng.below(28),
            if rng.chance(50) { "male" } else { "female" },
            rng.chance(10)
        ));
    }
    let homes = if rng.chance(60) { 0 } else { 1 + rng.below(2) };
    let area = if homes == 0 { 0 } else { 30 + rng.below(120) };
    let mut transfers = Vec::new();
    if rng.chance(15) {
        transfers.push(format!("\"{}\"", date(rng, 2018, 8)));
    }
    let mut abandonments = Vec::new();
    for _ in 0..rng.below(3).saturating_sub(1) {
        abandonments.push(format!("\"{}\"", date(rng, 2021, 5)));
    }
    let benefits = if rng.chance(20) {
        "[\"public_rental\"]"
    } else {
        "[]"
    };
    let special = match rng.below(20) {
        0 => "[\"disabled\"]",
        1 => "[\"veteran_in_difficulty\"]",
        2 => "[\"frontline_shortage\"]",
        3 => "[\"hardship\"]",
        _ => "[]",
    };
    format!(
        "{{\"id\":\"bench-{i}\",\"region\":\"{region}\",\"members\":[{}],\"housing\":{{\"owned_homes\":{homes},\"owned_floor_area_m2\":{area},\"affordable_homes_owned\":{}}},\"history\":{{\"policy_housing\":{},\"expropriation_compensation_dates\":[],\"property_transfer_dates\":[{}],\"affordable_housing_received\":{},\"affordable_housing_exited\":false,\"fraud\":{},\"abandonments\":[{}],\"blacklisted_on\":[]}},\"current_benefits\":{benefits},\"special\":{special}}}",
        members.join(","),
        u32::from(rng.chance(3)),
        rng.chance(5),
        transfers.join(","),
        rng.chance(5),
        rng.chance(2),
        abandonments.join(",")
    )
}
