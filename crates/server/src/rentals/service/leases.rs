//! Leases and the rent ledger (Loudi 八、(二)): renewal after a fresh
//! eligibility check, the exit notice and its 30 days, closing (overstay
//! at market rent, the dishonesty list for serious cases), payments and
//! adjustments, the monthly charge batch, arrears.

use anju_domain::Role;
use anju_rentals::exit::{listed_until, overstay_charges};
use anju_rentals::lease::{charges_in_month, may_renew, Cycle, LeaseStatus, LeaseTerms};
use anju_rentals::ledger::{ageing, paid_up_to, Ageing, EntryKind, LedgerEntry};
use anju_rentals::{exit_deadline, ExitGround};
use anju_store::rentals::{
    ExitNotice, LeaseClose, LeaseFilter, LeaseRecord, LedgerRow, Listing, ListingRecord,
};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::common::*;
use super::homes::build_lease;
use crate::web::audit::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

/// A lease as its pages and the API show it, with what the ledger says.
pub struct LeaseView {
    pub lease: LeaseRecord,
    pub entries: Vec<LedgerRow>,
    pub balance_fen: i64,
    pub paid_up_to: Option<NaiveDate>,
    pub ageing: Ageing,
    /// `active`, `renewed`, `ending`, `overstaying` or `terminated`.
    pub shown: &'static str,
    /// Overstay days so far not yet in the ledger, and their charge.
    pub accruing_days: u32,
    pub accruing_fen: i64,
}

pub fn entry_of(r: &LedgerRow) -> LedgerEntry {
    LedgerEntry {
        key: r.key.clone(),
        kind: EntryKind::parse(&r.kind).unwrap_or(EntryKind::Adjustment),
        amount_fen: r.amount_fen,
        on_date: r.on_date,
        due_on: r.due_on,
        covers_to: r.covers_to,
        reason: r.reason.clone(),
        approver: r.approver.clone(),
    }
}

fn status_of(l: &LeaseRecord) -> LeaseStatus {
    LeaseStatus::parse(&l.status).unwrap_or(LeaseStatus::Terminated)
}

pub fn view(l: LeaseRecord, rows: Vec<LedgerRow>, today: NaiveDate) -> LeaseView {
    let entries: Vec<LedgerEntry> = rows.iter().map(entry_of).collect();
    let shown = status_of(&l).shown(l.exit_deadline, today);
    let (mut accruing_days, mut accruing_fen) = (0, 0);
    if shown == "overstaying" {
        if let Some(d) = l.exit_deadline {
            for m in overstay_charges(d, today, l.market_monthly_fen) {
                if !rows.iter().any(|r| r.key == overstay_key(&l.id, m.month)) {
                    accruing_days += m.days;
                    accruing_fen += m.amount_fen;
                }
            }
        }
    }
    LeaseView {
        balance_fen: anju_rentals::balance(&entries),
        paid_up_to: paid_up_to(&entries),
        ageing: ageing(&entries, today),
        shown,
        accruing_days,
        accruing_fen,
        lease: l,
        entries: rows,
    }
}

fn overstay_key(lease: &str, month: NaiveDate) -> String {
    format!("overstay:{lease}:{}", month.format("%Y-%m"))
}

fn exit_rent_key(lease: &str, month: NaiveDate) -> String {
    format!("exitrent:{lease}:{}", month.format("%Y-%m"))
}

/// A lease the user may see: readers any, the tenant its own.
pub async fn lease(st: &AppState, user: &CurrentUser, id: &str) -> ApiResult<LeaseView> {
    rules(st)?;
    let l = st
        .store
        .rentals()
        .rent_lease(id)
        .await?
        .ok_or_else(|| ApiError::not_found("租赁合同 (lease)"))?;
    let own = user.user.role == Role::Applicant
        && l.owner_user_id.as_deref() == Some(user.user.id.as_str());
    if !own {
        if user.user.role == Role::Applicant {
            return Err(ApiError::not_found("租赁合同 (lease)"));
        }
        may_read(user)?;
    }
    let rows = st.store.rentals().rent_ledger(&l.id).await?;
    Ok(view(l, rows, st.clock.today()))
}

/// Leases, newest first (readers), optionally in one stored status.
pub async fn leases(
    st: &AppState,
    user: &CurrentUser,
    status: Option<&str>,
) -> ApiResult<Vec<LeaseRecord>> {
    may_read(user)?;
    rules(st)?;
    let f = LeaseFilter {
        status: status.filter(|s| !s.is_empty()).map(String::from),
        ..Default::default()
    };
    Ok(st.store.rentals().rent_leases(&f, 1000).await?)
}

/// The signed-in family's leases with their ledgers (tenant).
pub async fn mine(st: &AppState, user: &CurrentUser) -> ApiResult<Vec<LeaseView>> {
    require(user, &[Role::Applicant], "查看本人租赁合同")?;
    rules(st)?;
    let f = LeaseFilter {
        owner_user_id: Some(user.user.id.as_str().to_string()),
        ..Default::default()
    };
    let today = st.clock.today();
    let mut out = Vec::new();
    for l in st.store.rentals().rent_leases(&f, 50).await? {
        let rows = st.store.rentals().rent_ledger(&l.id).await?;
        out.push(view(l, rows, today));
    }
    Ok(out)
}

/// Renewing a lease.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewRequest {
    /// `monthly` or `quarterly` (empty: as before).
    #[serde(default)]
    pub cycle: Option<String>,
    /// Years (empty: the rules' default).
    #[serde(default)]
    pub years: Option<u32>,
}

/// Renews a lease in force (company) only after the eligibility rules
/// decide afresh, today, that the family still qualifies (八、(二)1); the
/// new lease is linked to the old and rented at the evidence in force on
/// its first day.
pub async fn renew(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    req: RenewRequest,
) -> ApiResult<LeaseRecord> {
    may_run(user, "办理续租")?;
    let rules = rules(st)?;
    let old = st
        .store
        .rentals()
        .rent_lease(id)
        .await?
        .ok_or_else(|| ApiError::not_found("租赁合同 (lease)"))?;
    let today = st.clock.today();
    let check =
        crate::applications::interface::eligible_today(st, &old.application_id, today).await?;
    let starts_on =
        may_renew(status_of(&old), old.ends_on, today, check.eligible).map_err(|e| {
            let mut msg = format!("{e}（{}）", rules.lease.source.article);
            if let Some(r) = &check.reason {
                msg.push_str(&format!("：{r}"));
            }
            ApiError::unprocessable("renewal_refused", msg)
        })?;
    let home = st
        .store
        .rentals()
        .rent_home(&old.home_id)
        .await?
        .ok_or_else(|| ApiError::not_found("配租房源 (rental home)"))?;
    let cycle = req.cycle.clone().filter(|c| !c.trim().is_empty());
    let new = build_lease(
        st,
        user,
        &home,
        &old.application_id,
        None,
        Some(old.id.clone()),
        starts_on,
        Some(cycle.as_deref().unwrap_or(&old.cycle)),
        req.years,
        Some(&yuan(old.deposit_fen))
            .filter(|_| old.deposit_fen > 0)
            .map(|s| s.as_str()),
    )
    .await?;
    let now = st.clock.now();
    st.store
        .rentals()
        .rent_renew(
            &old.id,
            &new,
            now,
            audit(
                user,
                now,
                "rentals.renew".into(),
                format!("rent_lease:{}", old.id),
                json!({"new_lease": new.id, "rent_fen": new.rent_fen, "eligible_checked_on": today}),
            ),
        )
        .await?;
    Ok(new)
}

/// An exit notice.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExitRequest {
    /// `ineligible`, `lease_ended` or `misuse` (八、(二)3).
    pub ground: String,
    /// When served (YYYY-MM-DD; empty: today). For `lease_ended` the
    /// period runs from the lease's last day.
    #[serde(default)]
    pub notified_on: Option<String>,
    pub reason: String,
}

/// Serves an exit notice on a lease in force (company): the tenant must
/// leave within the rules' 30 days.
pub async fn exit_notice(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    req: ExitRequest,
) -> ApiResult<LeaseRecord> {
    may_run(user, "送达退出通知")?;
    let rules = rules(st)?;
    let l = st
        .store
        .rentals()
        .rent_lease(id)
        .await?
        .ok_or_else(|| ApiError::not_found("租赁合同 (lease)"))?;
    let ground = ExitGround::parse(req.ground.trim()).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_ground",
            "退出情形应为：不再符合保障条件、租赁期满未续租或违规使用房源 (one of the three grounds of 8.2.3)",
        )
        .field("ground")
    })?;
    let today = st.clock.today();
    let mut notified_on = date_field(req.notified_on.as_deref(), "notified_on", today)?;
    // Served before an unrenewed lease's end: the 30 days run from its
    // last day.
    if ground == ExitGround::LeaseEnded && today <= l.ends_on && notified_on <= l.ends_on {
        notified_on = l.ends_on;
    }
    if notified_on > today {
        return Err(ApiError::bad_request(
            "future_date",
            "送达日期不能晚于今天 (cannot be in the future)",
        )
        .field("notified_on"));
    }
    let reason = text_field(Some(&req.reason), "reason", true, 400)?;
    let n = ExitNotice {
        ground: ground.code().into(),
        notified_on,
        deadline: exit_deadline(notified_on, rules.exit.days),
        reason,
    };
    let now = st.clock.now();
    st.store
        .rentals()
        .rent_exit_notice(
            &l.id,
            &n,
            now,
            audit(
                user,
                now,
                "rentals.exit_notice".into(),
                format!("rent_lease:{}", l.id),
                json!({"ground": n.ground, "deadline": n.deadline}),
            ),
        )
        .await?;
    lease_for_ledger(st, &l.id).await
}

/// Closing a leaving lease.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseRequest {
    /// The day the home was handed back (YYYY-MM-DD; empty: today).
    #[serde(default)]
    pub vacated_on: Option<String>,
    /// A serious case's code from the rules file: the family goes on the
    /// dishonesty list for 3 years. Empty: not serious.
    #[serde(default)]
    pub serious: Option<String>,
    /// Must be true: closing, and a listing, cannot be undone.
    #[serde(default)]
    pub confirm: bool,
}

/// Closes a leaving lease (company): the home is back; days after an
/// ended lease up to the deadline are charged at the regulated rent, days
/// after the deadline at market rent (each month once; months the batch
/// already charged are skipped); a serious case lists every member for
/// the rules' 3 years, which the eligibility engine then enforces.
pub async fn close(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    req: CloseRequest,
) -> ApiResult<LeaseRecord> {
    may_run(user, "办理退出")?;
    let rules = rules(st)?;
    if !req.confirm {
        return Err(ApiError::bad_request(
            "confirm",
            "请确认：办理退出（以及纳入失信名单）后不能撤销 (confirm: this cannot be undone)",
        )
        .field("confirm"));
    }
    let l = st
        .store
        .rentals()
        .rent_lease(id)
        .await?
        .ok_or_else(|| ApiError::not_found("租赁合同 (lease)"))?;
    let (Some(deadline), "ending") = (l.exit_deadline, l.status.as_str()) else {
        return Err(ApiError::conflict(
            "只有已送达退出通知的合同可以办理退出 (only a lease with an exit notice can be closed)",
        ));
    };
    let today = st.clock.today();
    let vacated_on = date_field(req.vacated_on.as_deref(), "vacated_on", today)?;
    if vacated_on > today || Some(vacated_on) < l.exit_notified_on {
        return Err(ApiError::bad_request(
            "invalid_vacated_on",
            "腾退日期应在通知之后、今天之前 (between the notice and today)",
        )
        .field("vacated_on"));
    }
    let listing = match req
        .serious
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(code) => {
            rules.serious(code).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_serious",
                    "情节严重的情形应为规则文件列出的一种 (one of the serious cases of the rules file)",
                )
                .field("serious")
            })?;
            Some(Listing {
                case_code: code.to_string(),
                listed_on: today,
                until_on: listed_until(today, rules.exit.blacklist_years),
            })
        }
    };
    let existing = st.store.rentals().rent_ledger(&l.id).await?;
    let has = |k: &str| existing.iter().any(|e| e.key == k);
    let now = st.clock.now().to_rfc3339();
    let mut entries = Vec::new();
    let mut push =
        |key: String, kind: &str, amount: i64, on: NaiveDate, to: NaiveDate, why: String| {
            if amount > 0 && !has(&key) {
                entries.push(LedgerRow {
                    key,
                    lease_id: l.id.clone(),
                    kind: kind.into(),
                    amount_fen: amount,
                    on_date: on,
                    due_on: Some(vacated_on),
                    covers_to: Some(to),
                    reason: why,
                    approver: String::new(),
                    recorded_by: user.user.id.as_str().to_string(),
                    at: now.clone(),
                });
            }
        };
    // Days after the lease's end up to the deadline: the regulated rent.
    if l.ends_on < vacated_on.min(deadline) {
        for m in overstay_charges(l.ends_on, vacated_on.min(deadline), l.rent_fen) {
            push(
                exit_rent_key(&l.id, m.month),
                "charge",
                m.amount_fen,
                m.first,
                m.last,
                format!(
                    "租期届满后退出期内 {} 天 × 租金/{} 天",
                    m.days, m.days_in_month
                ),
            );
        }
    }
    for m in overstay_charges(deadline, vacated_on, l.market_monthly_fen) {
        push(
            overstay_key(&l.id, m.month),
            "overstay",
            m.amount_fen,
            m.first,
            m.last,
            format!(
                "{}：逾期 {} 天 × 市场租金 {} 元/月 ÷ {} 天",
                rules.exit.source.article,
                m.days,
                yuan(l.market_monthly_fen),
                m.days_in_month
            ),
        );
    }
    let n_entries = entries.len();
    let close = LeaseClose {
        vacated_on,
        entries,
        listing: listing.clone(),
    };
    let t = st.clock.now();
    st.store
        .rentals()
        .rent_close(
            &l.id,
            &close,
            t,
            audit(
                user,
                t,
                "rentals.close".into(),
                format!("rent_lease:{}", l.id),
                json!({"vacated_on": vacated_on, "entries": n_entries, "listed": listing.as_ref().map(|x| x.case_code.clone()), "until": listing.as_ref().map(|x| x.until_on)}),
            ),
        )
        .await?;
    lease_for_ledger(st, &l.id).await
}

/// A payment received.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequest {
    /// Yuan ("1440.00").
    pub amount_yuan: String,
    /// YYYY-MM-DD (empty: today).
    #[serde(default)]
    pub paid_on: Option<String>,
    /// The bank or receipt reference.
    #[serde(default)]
    pub reference: Option<String>,
}

/// An adjustment: either way, with its reason and approver.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentRequest {
    /// Yuan; negative reduces what the tenant owes ("-200").
    pub amount_yuan: String,
    pub reason: String,
    pub approver: String,
}

#[allow(clippy::too_many_arguments)]
async fn append(
    st: &AppState,
    user: &CurrentUser,
    l: &LeaseRecord,
    kind: EntryKind,
    amount: i64,
    on: NaiveDate,
    reason: String,
    approver: String,
) -> ApiResult<LedgerRow> {
    let e = LedgerEntry {
        key: new_id(match kind {
            EntryKind::Payment => "PAY",
            _ => "ADJ",
        }),
        kind,
        amount_fen: amount,
        on_date: on,
        due_on: None,
        covers_to: None,
        reason,
        approver,
    };
    e.check()
        .map_err(|err| ApiError::bad_request("invalid_entry", err.to_string()))?;
    let row = LedgerRow {
        key: e.key.clone(),
        lease_id: l.id.clone(),
        kind: kind.code().into(),
        amount_fen: e.amount_fen,
        on_date: on,
        due_on: None,
        covers_to: None,
        reason: e.reason,
        approver: e.approver,
        recorded_by: user.user.id.as_str().to_string(),
        at: st.clock.now().to_rfc3339(),
    };
    st.store
        .rentals()
        .rent_append(
            &row,
            audit(
                user,
                st.clock.now(),
                format!("rentals.{}", kind.code()),
                format!("rent_lease:{}", l.id),
                json!({"entry": row.key, "amount_fen": row.amount_fen}),
            ),
        )
        .await?;
    Ok(row)
}

async fn lease_for_ledger(st: &AppState, id: &str) -> ApiResult<LeaseRecord> {
    st.store
        .rentals()
        .rent_lease(id)
        .await?
        .ok_or_else(|| ApiError::not_found("租赁合同 (lease)"))
}

/// Records a payment (company).
pub async fn pay(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    req: PaymentRequest,
) -> ApiResult<LedgerRow> {
    may_run(user, "登记租金缴款")?;
    rules(st)?;
    let l = lease_for_ledger(st, id).await?;
    let amount = hundredths(&req.amount_yuan, "amount_yuan")?;
    let on = date_field(req.paid_on.as_deref(), "paid_on", st.clock.today())?;
    if on > st.clock.today() {
        return Err(ApiError::bad_request(
            "future_date",
            "缴款日期不能晚于今天 (cannot be in the future)",
        )
        .field("paid_on"));
    }
    let reference = text_field(req.reference.as_deref(), "reference", false, 100)?;
    append(
        st,
        user,
        &l,
        EntryKind::Payment,
        -amount,
        on,
        reference,
        String::new(),
    )
    .await
}

/// Records an adjustment with its reason and approver (company).
pub async fn adjust(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    req: AdjustmentRequest,
) -> ApiResult<LedgerRow> {
    may_run(user, "登记账目调整")?;
    rules(st)?;
    let l = lease_for_ledger(st, id).await?;
    let amount = signed_fen(&req.amount_yuan, "amount_yuan")?;
    let reason = text_field(Some(&req.reason), "reason", true, 400)?;
    let approver = text_field(Some(&req.approver), "approver", true, 100)?;
    append(
        st,
        user,
        &l,
        EntryKind::Adjustment,
        amount,
        st.clock.today(),
        reason,
        approver,
    )
    .await
}

/// The monthly charge batch.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChargeRequest {
    /// YYYY-MM.
    pub month: String,
}

/// What the batch did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChargeReport {
    pub month: String,
    /// Leases read (in force or leaving).
    pub leases: u64,
    /// Charges the month's periods call for.
    pub due: u64,
    /// Of those, new in the ledger (0 when run again).
    pub added: u64,
}

/// Parses YYYY-MM.
pub fn parse_month(s: &str) -> ApiResult<(i32, u32)> {
    let bad = || {
        ApiError::bad_request("invalid_month", "月份应为 YYYY-MM (month must be YYYY-MM)")
            .field("month")
    };
    let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
    let y: i32 = y.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if !(2000..=2100).contains(&y) || !(1..=12).contains(&m) {
        return Err(bad());
    }
    Ok((y, m))
}

/// The charges of a month for every lease in force or leaving: each
/// period starting in the month (none after a leaving lease's deadline),
/// and for a lease past its deadline the previous month's overstay days at
/// market rent. Written in one transaction, `CHARGE_CHUNK` per statement;
/// a charge already in the ledger is skipped by its key, so running the
/// batch twice adds nothing.
pub async fn charge_month(
    st: &AppState,
    user: &CurrentUser,
    req: ChargeRequest,
) -> ApiResult<ChargeReport> {
    may_run(user, "生成月度租金")?;
    let rules = rules(st)?;
    let (y, m) = parse_month(&req.month)?;
    let first = NaiveDate::from_ymd_opt(y, m, 1)
        .ok_or_else(|| ApiError::bad_request("invalid_month", "月份无效 (invalid month)"))?;
    let prev_last = first.pred_opt().unwrap_or(first);
    let now = st.clock.now().to_rfc3339();
    let by = user.user.id.as_str().to_string();
    let mut rows = Vec::new();
    let mut after = String::new();
    let mut leases = 0u64;
    loop {
        let page = st.store.rentals().rent_chargeable(&after, 20_000).await?;
        let Some(last) = page.last() else { break };
        after = last.id.clone();
        leases += page.len() as u64;
        for l in &page {
            let Some(cycle) = Cycle::parse(&l.cycle) else {
                continue;
            };
            let ends_on = match l.exit_deadline {
                Some(d) if l.status == "ending" => l.ends_on.min(d),
                _ => l.ends_on,
            };
            let t = LeaseTerms {
                starts_on: l.starts_on,
                ends_on,
                rent_fen: l.rent_fen,
                cycle,
            };
            for c in charges_in_month(&t, y, m, rules.payment.due_days) {
                rows.push(LedgerRow {
                    key: c.key(&l.id),
                    lease_id: l.id.clone(),
                    kind: "charge".into(),
                    amount_fen: c.amount_fen,
                    on_date: c.starts_on,
                    due_on: Some(c.due_on),
                    covers_to: Some(c.ends_on),
                    reason: String::new(),
                    approver: String::new(),
                    recorded_by: by.clone(),
                    at: now.clone(),
                });
            }
            if let (Some(d), "ending") = (l.exit_deadline, l.status.as_str()) {
                for o in overstay_charges(d, prev_last, l.market_monthly_fen) {
                    if o.month.year() == prev_last.year() && o.month.month() == prev_last.month() {
                        rows.push(LedgerRow {
                            key: overstay_key(&l.id, o.month),
                            lease_id: l.id.clone(),
                            kind: "overstay".into(),
                            amount_fen: o.amount_fen,
                            on_date: first,
                            due_on: Some(first),
                            covers_to: Some(o.last),
                            reason: format!(
                                "{}：逾期 {} 天按市场租金",
                                rules.exit.source.article, o.days
                            ),
                            approver: String::new(),
                            recorded_by: by.clone(),
                            at: now.clone(),
                        });
                    }
                }
            }
        }
    }
    let due = rows.len() as u64;
    let month = format!("{y:04}-{m:02}");
    let added = st
        .store
        .rentals()
        .rent_insert_charges(
            &rows,
            audit(
                user,
                st.clock.now(),
                "rentals.charge_month".into(),
                format!("rent_month:{month}"),
                json!({"leases": leases, "due": due}),
            ),
        )
        .await?;
    Ok(ChargeReport {
        month,
        leases,
        due,
        added,
    })
}

/// A lease that owes, with its ageing.
pub struct ArrearsRow {
    pub lease: LeaseRecord,
    pub balance_fen: i64,
    pub ageing: Ageing,
}

/// Every lease that owes money, oldest arrears first (readers).
pub async fn arrears(st: &AppState, user: &CurrentUser) -> ApiResult<Vec<ArrearsRow>> {
    may_read(user)?;
    rules(st)?;
    let today = st.clock.today();
    let rows = st.store.rentals().rent_owing_entries().await?;
    let mut out = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let id = rows[i].lease_id.clone();
        let mut j = i;
        while j < rows.len() && rows[j].lease_id == id {
            j += 1;
        }
        let entries: Vec<LedgerEntry> = rows[i..j].iter().map(entry_of).collect();
        let a = ageing(&entries, today);
        if a.overdue() > 0 {
            if let Some(l) = st.store.rentals().rent_lease(&id).await? {
                out.push(ArrearsRow {
                    lease: l,
                    balance_fen: anju_rentals::balance(&entries),
                    ageing: a,
                });
            }
        }
        i = j;
    }
    out.sort_by_key(|r| r.ageing.oldest_due);
    Ok(out)
}

/// The dishonesty list (readers).
pub async fn listings(st: &AppState, user: &CurrentUser) -> ApiResult<Vec<ListingRecord>> {
    may_read(user)?;
    rules(st)?;
    Ok(st.store.rentals().rent_listings().await?)
}
