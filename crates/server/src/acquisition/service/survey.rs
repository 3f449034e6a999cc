//! Companies, the frozen demand survey, price caps and the candidate pool
//! (developers' offers imported with row-level errors, each home screened).

use anju_acquisition::{
    ledger, screen, survey, Band, OfferedHome, PriceCap, Purpose, Screening, Survey, TitleStatus,
    Waiting,
};
use anju_allotment::{Area, Fen};
use anju_domain::YANGQUAN_DISTRICTS;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::common::*;
use crate::web::audit::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

/// An implementing company (收购主体).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Company {
    #[schema(example = "YQ-AJ")]
    pub id: String,
    #[schema(example = "阳泉市安居住房投资有限公司")]
    pub name: String,
}

/// Registers an implementing company: at most the city's maximum (two).
pub async fn add_company(st: &AppState, user: &CurrentUser, c: &Company) -> ApiResult<Company> {
    may_approve(user)?;
    let p = policy(st);
    let id = text(&c.id, "id", 32)?;
    let name = text(&c.name, "name", 80)?;
    let have = st.store.acquisition().acq_list(COMPANY).await?.len() as u32;
    ledger::may_add_company(&p, have).map_err(|e| ApiError::conflict(e.to_string()).field("id"))?;
    let c = Company {
        id: id.clone(),
        name,
    };
    let now = st.clock.now();
    st.store
        .acquisition()
        .acq_insert_capped(
            &new_record(st, COMPANY, &id, &id, "active", &c)?,
            i64::from(p.companies.max),
            audit(
                user,
                now,
                "acquisition.company_add".into(),
                format!("company:{id}"),
                json!({"name": c.name}),
            ),
        )
        .await
        .map_err(|e| match e {
            anju_store::StoreError::Conflict { .. } => ApiError::conflict(
                ledger::may_add_company(&p, p.companies.max)
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default(),
            )
            .field("id"),
            e => e.into(),
        })?;
    Ok(c)
}

pub async fn companies(st: &AppState) -> ApiResult<Vec<Company>> {
    st.store
        .acquisition()
        .acq_list(COMPANY)
        .await?
        .iter()
        .map(body)
        .collect()
}

/// One line of a survey: families per district, size band and tier, and
/// the homes already available (supply) there.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DemandLine {
    pub district: String,
    #[schema(value_type = String)]
    pub band: Band,
    /// Families of tier 1, 2, 3.
    pub tiers: [u64; 3],
}

/// A frozen survey.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SurveyDoc {
    #[schema(example = "2026-06-30")]
    pub id: String,
    pub taken_on: chrono::NaiveDate,
    pub demand: Vec<DemandLine>,
    /// (district, category, families).
    pub by_category: Vec<(String, String, u64)>,
    pub families: u64,
    /// How a family's size chose its band (the interpretation).
    pub size_rule: String,
    /// Families whose band came from a stated preference, not their size.
    #[serde(default)]
    pub stated: u64,
    /// (district, layout, location, families) of the stated preferences.
    #[serde(default)]
    pub preferences: Vec<(String, String, String, u64)>,
}

/// A waiting family's stated preference (issue 15 item 1: size, layout
/// and location), recorded by the company's survey form. The next frozen
/// survey counts the family in the stated band instead of the band its
/// size suggests; layout and location are counted beside it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = AcquisitionPreference)]
pub struct PreferenceDoc {
    pub application_id: String,
    pub district: String,
    #[schema(value_type = String)]
    pub band: Band,
    pub layout: String,
    pub location: String,
    pub recorded_on: chrono::NaiveDate,
}

/// What the survey form (and `POST /api/v1/acquisition/preferences`) posts.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = AcquisitionPreferenceRequest)]
pub struct PreferenceRequest {
    #[schema(example = "A-2026-000123")]
    pub application_id: String,
    /// small | main | large
    #[schema(example = "main")]
    pub band: String,
    #[serde(default)]
    #[schema(example = "两室一厅")]
    pub layout: String,
    #[serde(default)]
    #[schema(example = "南山公园附近")]
    pub location: String,
}

pub const PREFERENCE: &str = "preference";

/// Optional free text, at most `max` characters.
fn optional(s: &str, field: &str, max: usize) -> ApiResult<String> {
    let t = s.trim().to_string();
    if t.chars().count() > max {
        return Err(ApiError::bad_request(
            "too_long",
            format!("不能超过 {max} 个字 (at most {max} characters)"),
        )
        .field(field.to_string()));
    }
    Ok(t)
}

/// Records (or replaces) a waiting family's stated preference.
pub async fn record_preference(
    st: &AppState,
    user: &CurrentUser,
    r: &PreferenceRequest,
) -> ApiResult<PreferenceDoc> {
    may_work(user)?;
    let id = text(&r.application_id, "application_id", 40)?;
    let band = match r.band.as_str() {
        "small" => Band::Small,
        "main" => Band::Main,
        "large" => Band::Large,
        _ => {
            return Err(
                ApiError::bad_request("invalid_band", "请选择面积段 (choose a size band)")
                    .field("band"),
            )
        }
    };
    let layout = optional(&r.layout, "layout", 40)?;
    let location = optional(&r.location, "location", 60)?;
    let districts: Vec<String> = YANGQUAN_DISTRICTS
        .iter()
        .map(|d| d.code.as_str().to_string())
        .collect();
    let family = crate::applications::interface::qualified_families(st, &districts, None)
        .await?
        .into_iter()
        .find(|f| f.application_id == id)
        .ok_or_else(|| {
            ApiError::unprocessable(
                "not_waiting",
                format!("{id} 不是轮候中的合格家庭 (not a qualified family on a waitlist)"),
            )
            .field("application_id")
        })?;
    let doc = PreferenceDoc {
        application_id: id.clone(),
        district: family.district,
        band,
        layout,
        location,
        recorded_on: st.clock.today(),
    };
    let now = st.clock.now();
    let draft = audit(
        user,
        now,
        "acquisition.preference_record".into(),
        format!("application:{id}"),
        json!({"band": doc.band, "layout": doc.layout, "location": doc.location}),
    );
    let store = st.store.acquisition();
    match store.acq_get(PREFERENCE, &id).await? {
        Some(old) => {
            store
                .acq_update(&[changed(st, &old, "stated", &doc)?], draft)
                .await?
        }
        None => {
            store
                .acq_insert(
                    &[new_record(st, PREFERENCE, &id, "", "stated", &doc)?],
                    draft,
                )
                .await?
        }
    }
    Ok(doc)
}

pub async fn preferences(st: &AppState) -> ApiResult<Vec<PreferenceDoc>> {
    st.store
        .acquisition()
        .acq_list(PREFERENCE)
        .await?
        .iter()
        .map(body)
        .collect()
}

/// What a waiting family stated, from whichever source is the later.
struct Stated {
    band: Option<Band>,
    layout: String,
    location: String,
}

fn band_of(p: anju_domain::preference::PreferredSize) -> Band {
    use anju_domain::preference::PreferredSize as P;
    match p {
        P::Small => Band::Small,
        P::Main => Band::Main,
        P::Large => Band::Large,
    }
}

/// Each waiting family's stated preference: the one on its application
/// form (issue 15), unless the company's survey form recorded one on the
/// same day or later, which then replaces it whole (the survey form is the
/// family's later word; an application-form preference is never newer, as
/// the survey form only takes families already on a waitlist).
async fn stated_by_family(
    st: &AppState,
    families: &[crate::applications::interface::QualifiedFamily],
) -> ApiResult<std::collections::BTreeMap<String, Stated>> {
    let ids: Vec<String> = families.iter().map(|f| f.application_id.clone()).collect();
    let mut out: std::collections::BTreeMap<String, (chrono::NaiveDate, Stated)> =
        std::collections::BTreeMap::new();
    for (id, p, on) in crate::applications::interface::stated_preferences(st, &ids).await? {
        let s = Stated {
            band: p.size.map(band_of),
            layout: p.layout,
            location: p.location,
        };
        out.insert(id, (on, s));
    }
    for p in preferences(st).await? {
        let later = out
            .get(&p.application_id)
            .is_none_or(|(on, _)| p.recorded_on >= *on);
        if later {
            let s = Stated {
                band: Some(p.band),
                layout: p.layout,
                location: p.location,
            };
            out.insert(p.application_id, (p.recorded_on, s));
        }
    }
    Ok(out.into_iter().map(|(k, (_, s))| (k, s)).collect())
}

/// The band a family needs, from its size (interpretation, docs): one or
/// two people under 70 m², three or four 70–120 m², five or more over.
pub fn band_for_size(members: usize) -> Band {
    match members {
        0..=2 => Band::Small,
        3..=4 => Band::Main,
        _ => Band::Large,
    }
}

pub const SIZE_RULE: &str = "1–2人：70㎡以下；3–4人：70–120㎡；5人及以上：120㎡以上 (1–2 people: under 70 m²; 3–4: 70–120 m²; 5+: over 120 m²)";

/// Freezes the demand survey from the districts' waitlists, dated today.
pub async fn take_survey(st: &AppState, user: &CurrentUser) -> ApiResult<SurveyDoc> {
    may_work(user)?;
    let p = policy(st);
    let today = st.clock.today();
    let surveys = surveys(st).await?;
    survey::may_take(surveys.last().map(|s| s.taken_on), p.survey.months, today)
        .map_err(|e| ApiError::conflict(e.to_string()))?;
    let districts: Vec<String> = YANGQUAN_DISTRICTS
        .iter()
        .map(|d| d.code.as_str().to_string())
        .collect();
    let families = crate::applications::interface::qualified_families(st, &districts, None).await?;
    let stated = stated_by_family(st, &families).await?;
    let mut counted = 0u64;
    let mut by_pref: std::collections::BTreeMap<(String, String, String), u64> =
        std::collections::BTreeMap::new();
    for f in &families {
        if let Some(p) = stated.get(&f.application_id) {
            if p.band.is_some() {
                counted += 1;
            }
            *by_pref
                .entry((f.district.clone(), p.layout.clone(), p.location.clone()))
                .or_insert(0) += 1;
        }
    }
    let waiting: Vec<Waiting> = families
        .iter()
        .map(|f| Waiting {
            district: f.district.clone(),
            tier: f.tier.unwrap_or(1).clamp(1, 3),
            category: match f.scope {
                Some(anju_domain::Scope::CountySeat) => "县城保障".into(),
                _ => format!("第{}层级", f.tier.unwrap_or(1)),
            },
            // A stated band wins over the size rule.
            band: stated
                .get(&f.application_id)
                .and_then(|p| p.band)
                .unwrap_or_else(|| band_for_size(f.household_size)),
            layout: stated
                .get(&f.application_id)
                .map(|p| p.layout.clone())
                .unwrap_or_default(),
        })
        .collect();
    let s = Survey::take(today, &waiting)
        .map_err(|e| ApiError::unprocessable("survey", e.to_string()))?;
    let doc = SurveyDoc {
        id: today.to_string(),
        taken_on: today,
        demand: s
            .demand
            .iter()
            .map(|((d, b), t)| DemandLine {
                district: d.clone(),
                band: *b,
                tiers: *t,
            })
            .collect(),
        by_category: s
            .by_category
            .iter()
            .map(|((d, c), n)| (d.clone(), c.clone(), *n))
            .collect(),
        families: s.total(),
        size_rule: SIZE_RULE.into(),
        stated: counted,
        preferences: by_pref
            .into_iter()
            .map(|((d, l, o), n)| (d, l, o, n))
            .collect(),
    };
    let now = st.clock.now();
    st.store
        .acquisition()
        .acq_insert(
            &[new_record(st, SURVEY, &doc.id, "", "frozen", &doc)?],
            audit(
                user,
                now,
                "acquisition.survey_freeze".into(),
                format!("survey:{}", doc.id),
                json!({"families": doc.families}),
            ),
        )
        .await?;
    Ok(doc)
}

pub async fn surveys(st: &AppState) -> ApiResult<Vec<SurveyDoc>> {
    st.store
        .acquisition()
        .acq_list(SURVEY)
        .await?
        .iter()
        .map(body)
        .collect()
}

/// A project's price cap with its evidence.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CapRequest {
    #[schema(example = "桃林苑")]
    pub project: String,
    /// sale | rent
    #[schema(example = "sale")]
    pub purpose: String,
    #[schema(example = "800")]
    #[serde(default)]
    pub land_yuan_per_m2: String,
    #[schema(example = "3600")]
    #[serde(default)]
    pub construction_yuan_per_m2: String,
    /// Percent, at most 5.
    #[schema(example = "5")]
    #[serde(default)]
    pub profit_pct: String,
    /// For rent: the market appraisal per m².
    #[serde(default)]
    pub appraisal_yuan_per_m2: String,
    /// The evidence: land allocation file, audited construction cost, …
    #[schema(example = "划拨决定书 阳土划〔2021〕12号；建安成本审计报告 2025-11")]
    pub evidence: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CapDoc {
    pub project: String,
    #[schema(value_type = Object)]
    pub cap: PriceCap,
    pub evidence: String,
    /// The rule's citation.
    pub cited: String,
}

fn pct_bp(s: &str) -> ApiResult<u64> {
    let f = Fen::parse_yuan(s).map_err(|_| {
        ApiError::bad_request("invalid_rate", "利润率应为百分数，如 5 或 4.5 (percent)")
            .field("profit_pct")
    })?;
    Ok(f.fen())
}

pub async fn record_cap(st: &AppState, user: &CurrentUser, r: &CapRequest) -> ApiResult<CapDoc> {
    may_work(user)?;
    let p = policy(st);
    let project = text(&r.project, "project", 80)?;
    let evidence = text(&r.evidence, "evidence", 500)?;
    let (cap, cited) = match r.purpose.as_str() {
        "rent" => (
            PriceCap::rent(&p, yuan(&r.appraisal_yuan_per_m2, "appraisal_yuan_per_m2")?)
                .map_err(|e| ApiError::unprocessable("cap", e.to_string()).field("purpose"))?,
            p.rules.rent_cap.cited(),
        ),
        _ => (
            PriceCap::sale(
                &p,
                yuan(&r.land_yuan_per_m2, "land_yuan_per_m2")?,
                yuan(&r.construction_yuan_per_m2, "construction_yuan_per_m2")?,
                pct_bp(&r.profit_pct)?,
            )
            .map_err(|e| ApiError::unprocessable("cap", e.to_string()).field("profit_pct"))?,
            p.rules.sale_cap.cited(),
        ),
    };
    let doc = CapDoc {
        project: project.clone(),
        cap,
        evidence,
        cited,
    };
    let id = format!("{project}/{}", r.purpose);
    let now = st.clock.now();
    let a = audit(
        user,
        now,
        "acquisition.cap".into(),
        format!("cap:{id}"),
        json!({"per_m2": doc.cap.per_m2()}),
    );
    match st.store.acquisition().acq_get(CAP, &id).await? {
        Some(old) => {
            st.store
                .acquisition()
                .acq_update(&[changed(st, &old, "recorded", &doc)?], a)
                .await?
        }
        None => {
            st.store
                .acquisition()
                .acq_insert(&[new_record(st, CAP, &id, "", "recorded", &doc)?], a)
                .await?
        }
    }
    Ok(doc)
}

pub async fn caps(st: &AppState) -> ApiResult<Vec<CapDoc>> {
    st.store
        .acquisition()
        .acq_list(CAP)
        .await?
        .iter()
        .map(body)
        .collect()
}

/// An offered home with its screening.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OfferDoc {
    #[schema(value_type = Object)]
    pub home: OfferedHome,
    #[schema(value_type = Object)]
    pub screening: ScreeningDoc,
    pub lot: String,
}

/// A screening as stored (the findings' texts and citations).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScreeningDoc {
    pub eligible: bool,
    pub band: Band,
    pub failures: Vec<FindingDoc>,
    pub notes: Vec<FindingDoc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FindingDoc {
    pub rule: String,
    pub zh: String,
    pub en: String,
    pub cited: String,
}

impl From<&Screening> for ScreeningDoc {
    fn from(s: &Screening) -> Self {
        let f = |v: &Vec<anju_acquisition::Finding>| {
            v.iter()
                .map(|x| FindingDoc {
                    rule: x.rule.into(),
                    zh: x.zh.clone(),
                    en: x.en.clone(),
                    cited: x.cited.clone(),
                })
                .collect()
        };
        ScreeningDoc {
            eligible: s.eligible(),
            band: s.band,
            failures: f(&s.failures),
            notes: f(&s.notes),
        }
    }
}

/// The offers file's columns.
pub const OFFER_COLUMNS: [&str; 13] = [
    "项目",
    "楼栋",
    "单元",
    "房号",
    "县区代码",
    "楼层",
    "建筑面积（㎡）",
    "户型",
    "竣工验收备案（是/否）",
    "产权状况（清晰/抵押/争议）",
    "报价（元）",
    "用途（配售/配租）",
    "整栋整单元出售（是/否）",
];

/// One row's problem.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OfferImport {
    pub saved: usize,
    pub eligible: usize,
    pub errors: Vec<RowError>,
}

fn yes(s: &str) -> Option<bool> {
    match s.trim() {
        "是" | "yes" | "Y" | "y" | "1" => Some(true),
        "否" | "no" | "N" | "n" | "0" => Some(false),
        _ => None,
    }
}

/// Imports developers' offers (CSV/XLSX rows, header first): every row's
/// problems reported; good rows screened and saved (a row already in the
/// pool is re-screened and replaced).
pub async fn import_offers(
    st: &AppState,
    user: &CurrentUser,
    rows: &[Vec<String>],
) -> ApiResult<OfferImport> {
    may_work(user)?;
    let p = policy(st);
    let caps = caps(st).await?;
    let mut errors = Vec::new();
    let mut docs = Vec::new();
    for (i, row) in rows.iter().enumerate().skip(1) {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |c: usize| row.get(c).map(|s| s.trim()).unwrap_or("");
        let mut row_errors = Vec::new();
        let mut err = |c: usize, m: &str| {
            row_errors.push(RowError {
                row: i + 1,
                column: OFFER_COLUMNS[c].into(),
                message: m.into(),
            })
        };
        for c in [0, 1, 2, 3, 4] {
            if cell(c).is_empty() {
                err(c, "必填 (required)");
            }
        }
        if anju_domain::DistrictCode::parse(cell(4)).is_err() {
            err(4, "县区代码无效 (invalid district code)");
        }
        let area = Area::parse_m2(cell(6)).ok();
        if area.is_none() {
            err(6, "面积应为平方米，如 89.5 (area in m²)");
        }
        let filed = yes(cell(8));
        if filed.is_none() {
            err(8, "请填 是 或 否 (yes or no)");
        }
        let title = TitleStatus::parse(cell(9));
        if title.is_none() {
            err(9, "请填 清晰、抵押 或 争议 (clear, encumbered or disputed)");
        }
        let asking = Fen::parse_yuan(cell(10)).ok().filter(|f| *f > Fen::ZERO);
        if asking.is_none() {
            err(10, "报价应为元 (asking price in yuan)");
        }
        let purpose = match cell(11) {
            "配售" | "sale" | "" => Some(Purpose::Sale),
            "配租" | "rent" => Some(Purpose::Rent),
            _ => None,
        };
        if purpose.is_none() {
            err(11, "请填 配售 或 配租 (sale or rent)");
        }
        let whole = yes(cell(12));
        if whole.is_none() {
            err(12, "请填 是 或 否 (yes or no)");
        }
        if !row_errors.is_empty() {
            errors.extend(row_errors);
            continue;
        }
        let (Some(area), Some(filed), Some(title), Some(asking), Some(purpose), Some(whole)) =
            (area, filed, title, asking, purpose, whole)
        else {
            continue;
        };
        let home = OfferedHome {
            project: cell(0).into(),
            building: cell(1).into(),
            unit: cell(2).into(),
            home: cell(3).into(),
            district: cell(4).into(),
            area,
            layout: cell(7).into(),
            completion_filed: filed,
            title,
            asking,
            purpose,
            whole_lot: whole,
        };
        let key = match purpose {
            Purpose::Sale => "sale",
            Purpose::Rent => "rent",
        };
        let cap = caps
            .iter()
            .find(|c| c.project == home.project && c.cap_kind() == key)
            .map(|c| &c.cap);
        let s = screen(&p, &home, cap);
        docs.push(OfferDoc {
            lot: anju_acquisition::pool::lot_id(&home),
            screening: ScreeningDoc::from(&s),
            home,
        });
    }
    let eligible = docs.iter().filter(|d| d.screening.eligible).count();
    let now = st.clock.now();
    let mut fresh = Vec::new();
    let mut replaced = Vec::new();
    for d in &docs {
        let id = format!("{}/{}", d.lot, d.home.home);
        let status = if d.screening.eligible {
            "eligible"
        } else {
            "failed"
        };
        match st.store.acquisition().acq_get(OFFER, &id).await? {
            Some(old) => replaced.push(changed(st, &old, status, d)?),
            None => fresh.push(new_record(st, OFFER, &id, "", status, d)?),
        }
    }
    let a = || {
        audit(
            user,
            now,
            "acquisition.offers_import".into(),
            "pool".into(),
            json!({"saved": docs.len(), "eligible": eligible, "row_errors": errors.len()}),
        )
    };
    if !fresh.is_empty() {
        st.store.acquisition().acq_insert(&fresh, a()).await?;
    }
    if !replaced.is_empty() {
        st.store.acquisition().acq_update(&replaced, a()).await?;
    }
    Ok(OfferImport {
        saved: docs.len(),
        eligible,
        errors,
    })
}

impl CapDoc {
    fn cap_kind(&self) -> &'static str {
        match self.cap {
            PriceCap::Sale { .. } => "sale",
            PriceCap::Rent { .. } => "rent",
        }
    }
}

pub async fn offers(st: &AppState) -> ApiResult<Vec<OfferDoc>> {
    st.store
        .acquisition()
        .acq_list(OFFER)
        .await?
        .iter()
        .map(body)
        .collect()
}
