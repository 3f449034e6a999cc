//! The rent ledger (issue 14 item 4): append-only entries — charges per
//! period, payments, adjustments with reason and approver, overstay
//! charges — from which the balance, "paid up to" and arrears ageing are
//! derived, never stored. An entry's key makes each charge unique per
//! lease and period, so generating a period twice adds nothing.

use chrono::NaiveDate;
use serde::Serialize;

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// Rent for a period (八、(二)2).
    Charge,
    /// Money received.
    Payment,
    /// A correction, either way, with its reason and approver.
    Adjustment,
    /// Market rent for days after the exit deadline (八、(二)3).
    Overstay,
}

impl EntryKind {
    pub fn code(self) -> &'static str {
        match self {
            EntryKind::Charge => "charge",
            EntryKind::Payment => "payment",
            EntryKind::Adjustment => "adjustment",
            EntryKind::Overstay => "overstay",
        }
    }
    pub fn parse(s: &str) -> Option<EntryKind> {
        Some(match s {
            "charge" => EntryKind::Charge,
            "payment" => EntryKind::Payment,
            "adjustment" => EntryKind::Adjustment,
            "overstay" => EntryKind::Overstay,
            _ => return None,
        })
    }
    pub fn zh(self) -> &'static str {
        match self {
            EntryKind::Charge => "租金",
            EntryKind::Payment => "缴款",
            EntryKind::Adjustment => "调整",
            EntryKind::Overstay => "逾期占用费",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            EntryKind::Charge => "rent",
            EntryKind::Payment => "payment",
            EntryKind::Adjustment => "adjustment",
            EntryKind::Overstay => "overstay charge",
        }
    }
}

/// One entry. `amount_fen` is its effect on what the tenant owes:
/// positive for charges, negative for payments, either for adjustments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerEntry {
    /// Unique within the ledger (`charge:<lease>:<period start>` for a
    /// charge; a fresh id otherwise).
    pub key: String,
    pub kind: EntryKind,
    pub amount_fen: i64,
    pub on_date: NaiveDate,
    /// When a charge falls due.
    pub due_on: Option<NaiveDate>,
    /// The last day a charge covers.
    pub covers_to: Option<NaiveDate>,
    pub reason: String,
    pub approver: String,
}

/// Why an entry cannot be appended.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("该笔记录已存在 (this entry is already in the ledger): {0}")]
    Duplicate(String),
    #[error("租金和逾期占用费应为正数 (charges must be positive)")]
    ChargeNotPositive,
    #[error("缴款金额应大于 0 (a payment must be above 0)")]
    PaymentNotPositive,
    #[error("调整金额不能为 0 (an adjustment cannot be 0)")]
    ZeroAdjustment,
    #[error("调整须写明原因和批准人 (an adjustment needs a reason and an approver)")]
    AdjustmentUnexplained,
}

impl LedgerEntry {
    /// Checks an entry's shape (signs, reason and approver).
    pub fn check(&self) -> Result<(), LedgerError> {
        match self.kind {
            EntryKind::Charge | EntryKind::Overstay if self.amount_fen <= 0 => {
                Err(LedgerError::ChargeNotPositive)
            }
            EntryKind::Payment if self.amount_fen >= 0 => Err(LedgerError::PaymentNotPositive),
            EntryKind::Adjustment if self.amount_fen == 0 => Err(LedgerError::ZeroAdjustment),
            EntryKind::Adjustment
                if self.reason.trim().is_empty() || self.approver.trim().is_empty() =>
            {
                Err(LedgerError::AdjustmentUnexplained)
            }
            _ => Ok(()),
        }
    }
}

/// A lease's ledger: entries can be appended, never changed or removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    entries: Vec<LedgerEntry>,
}

impl Ledger {
    pub fn new() -> Ledger {
        Ledger::default()
    }
    /// From stored entries, oldest first.
    pub fn from_entries(entries: Vec<LedgerEntry>) -> Ledger {
        Ledger { entries }
    }
    pub fn entries(&self) -> &[LedgerEntry] {
        &self.entries
    }
    /// Appends a checked entry; a key already present is refused.
    pub fn append(&mut self, e: LedgerEntry) -> Result<(), LedgerError> {
        e.check()?;
        if self.entries.iter().any(|x| x.key == e.key) {
            return Err(LedgerError::Duplicate(e.key));
        }
        self.entries.push(e);
        Ok(())
    }
    /// Appends unless the key is present (the charge batch's `ON CONFLICT
    /// DO NOTHING`); true when appended.
    pub fn append_if_new(&mut self, e: LedgerEntry) -> Result<bool, LedgerError> {
        match self.append(e) {
            Ok(()) => Ok(true),
            Err(LedgerError::Duplicate(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }
    pub fn balance(&self) -> i64 {
        balance(&self.entries)
    }
}

/// What the tenant owes: the sum of the entries (negative: in credit).
pub fn balance(entries: &[LedgerEntry]) -> i64 {
    entries.iter().map(|e| e.amount_fen).sum()
}

/// Debits (positive entries) oldest due first, with what remains unpaid
/// after every credit is applied to the oldest first.
fn allocate(entries: &[LedgerEntry]) -> Vec<(&LedgerEntry, i64)> {
    let mut credit: i64 = entries
        .iter()
        .filter(|e| e.amount_fen < 0)
        .map(|e| -e.amount_fen)
        .sum();
    let mut debits: Vec<&LedgerEntry> = entries.iter().filter(|e| e.amount_fen > 0).collect();
    debits.sort_by_key(|e| (e.due_on.unwrap_or(e.on_date), e.on_date));
    debits
        .into_iter()
        .map(|e| {
            let paid = credit.min(e.amount_fen);
            credit -= paid;
            (e, e.amount_fen - paid)
        })
        .collect()
}

/// The last day the payments cover: the end of the latest charged period
/// such that it and every debit due before it are fully paid. `None` when
/// the first charge is not fully paid.
pub fn paid_up_to(entries: &[LedgerEntry]) -> Option<NaiveDate> {
    let mut out = None;
    for (e, unpaid) in allocate(entries) {
        if unpaid > 0 {
            break;
        }
        if let Some(c) = e.covers_to {
            out = Some(out.map_or(c, |o: NaiveDate| o.max(c)));
        }
    }
    out
}

/// Unpaid amounts by how long they are overdue on a day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Ageing {
    /// Not yet due.
    pub not_due: i64,
    pub d1_30: i64,
    pub d31_90: i64,
    pub d91_180: i64,
    pub over_180: i64,
    /// The oldest unpaid due date.
    pub oldest_due: Option<NaiveDate>,
}

impl Ageing {
    pub fn overdue(&self) -> i64 {
        self.d1_30 + self.d31_90 + self.d91_180 + self.over_180
    }
    pub fn unpaid(&self) -> i64 {
        self.not_due + self.overdue()
    }
}

/// Arrears ageing on `today`: credits pay the oldest debits first.
pub fn ageing(entries: &[LedgerEntry], today: NaiveDate) -> Ageing {
    let mut a = Ageing::default();
    for (e, unpaid) in allocate(entries) {
        if unpaid == 0 {
            continue;
        }
        let due = e.due_on.unwrap_or(e.on_date);
        let late = (today - due).num_days();
        match late {
            i64::MIN..=0 => a.not_due += unpaid,
            1..=30 => a.d1_30 += unpaid,
            31..=90 => a.d31_90 += unpaid,
            91..=180 => a.d91_180 += unpaid,
            _ => a.over_180 += unpaid,
        }
        if late > 0 && a.oldest_due.is_none_or(|o| due < o) {
            a.oldest_due = Some(due);
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn charge(k: &str, amount: i64, due: &str, to: &str) -> LedgerEntry {
        LedgerEntry {
            key: k.into(),
            kind: EntryKind::Charge,
            amount_fen: amount,
            on_date: d(due) - chrono::Duration::days(10),
            due_on: Some(d(due)),
            covers_to: Some(d(to)),
            reason: String::new(),
            approver: String::new(),
        }
    }

    fn pay(k: &str, amount: i64, on: &str) -> LedgerEntry {
        LedgerEntry {
            key: k.into(),
            kind: EntryKind::Payment,
            amount_fen: -amount,
            on_date: d(on),
            due_on: None,
            covers_to: None,
            reason: String::new(),
            approver: String::new(),
        }
    }

    #[test]
    fn paid_up_to_follows_full_periods() {
        let mut l = Ledger::new();
        l.append(charge("c1", 1000, "2026-01-11", "2026-01-31"))
            .unwrap();
        l.append(charge("c2", 1000, "2026-02-11", "2026-02-28"))
            .unwrap();
        l.append(charge("c3", 1000, "2026-03-11", "2026-03-31"))
            .unwrap();
        assert_eq!(paid_up_to(l.entries()), None);
        l.append(pay("p1", 1500, "2026-02-01")).unwrap();
        assert_eq!(paid_up_to(l.entries()), Some(d("2026-01-31")));
        assert_eq!(l.balance(), 1500);
        let a = ageing(l.entries(), d("2026-03-20"));
        assert_eq!(a.d31_90, 500);
        assert_eq!(a.d1_30, 1000);
        assert_eq!(a.oldest_due, Some(d("2026-02-11")));
        l.append(pay("p2", 1500, "2026-03-20")).unwrap();
        assert_eq!(paid_up_to(l.entries()), Some(d("2026-03-31")));
        assert_eq!(l.balance(), 0);
    }

    #[test]
    fn adjustments_need_reason_and_approver() {
        let mut e = pay("a", 100, "2026-01-01");
        e.kind = EntryKind::Adjustment;
        assert_eq!(e.check(), Err(LedgerError::AdjustmentUnexplained));
        e.reason = "维修期间减免".into();
        e.approver = "王经理".into();
        assert_eq!(e.check(), Ok(()));
    }

    #[test]
    fn a_key_is_charged_once() {
        let mut l = Ledger::new();
        assert_eq!(
            l.append_if_new(charge("c1", 10, "2026-01-11", "2026-01-31")),
            Ok(true)
        );
        assert_eq!(
            l.append_if_new(charge("c1", 10, "2026-01-11", "2026-01-31")),
            Ok(false)
        );
        assert_eq!(l.entries().len(), 1);
    }
}
