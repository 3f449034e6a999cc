//! Implementing companies and their separate ledgers: at most two companies
//! per city; each company's append-only entries of own capital, loans,
//! special funds and payments; the own-capital share of an annual plan.

use anju_allotment::Fen;
use serde::{Deserialize, Serialize};

use crate::policy::Policy;

/// What a ledger entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// 自有资金 paid in.
    OwnCapital,
    /// 贷款 drawn (booked separately: 单列账目、单独核算).
    Loan,
    /// 专项资金 received.
    SpecialFund,
    /// 支付 to a developer for homes bought.
    Payment,
}

impl EntryKind {
    pub const ALL: [EntryKind; 4] = [
        EntryKind::OwnCapital,
        EntryKind::Loan,
        EntryKind::SpecialFund,
        EntryKind::Payment,
    ];
    pub fn zh(self) -> &'static str {
        match self {
            EntryKind::OwnCapital => "自有资金",
            EntryKind::Loan => "贷款",
            EntryKind::SpecialFund => "专项资金",
            EntryKind::Payment => "支付购房款",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            EntryKind::OwnCapital => "own capital",
            EntryKind::Loan => "loans",
            EntryKind::SpecialFund => "special funds",
            EntryKind::Payment => "payments",
        }
    }
    pub fn parse(s: &str) -> Option<EntryKind> {
        match s {
            "own_capital" => Some(EntryKind::OwnCapital),
            "loan" => Some(EntryKind::Loan),
            "special_fund" => Some(EntryKind::SpecialFund),
            "payment" => Some(EntryKind::Payment),
            _ => None,
        }
    }
}

/// A company's ledger totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Balances {
    pub own_capital: u64,
    pub loans: u64,
    pub special_funds: u64,
    pub payments: u64,
}

impl Balances {
    pub fn from_entries<'a>(entries: impl IntoIterator<Item = &'a (EntryKind, Fen)>) -> Balances {
        let mut b = Balances::default();
        for (k, a) in entries {
            let v = a.fen();
            match k {
                EntryKind::OwnCapital => b.own_capital += v,
                EntryKind::Loan => b.loans += v,
                EntryKind::SpecialFund => b.special_funds += v,
                EntryKind::Payment => b.payments += v,
            }
        }
        b
    }
    /// Funds raised: own capital + loans + special funds (the plan's budget).
    pub fn raised(&self) -> Fen {
        Fen::new(self.own_capital + self.loans + self.special_funds)
    }
    /// Funds not yet paid out.
    pub fn available(&self) -> Fen {
        Fen::new(self.raised().fen().saturating_sub(self.payments))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompanyError {
    #[error(
        "本市已有 {have} 家收购主体，最多 {max} 家（{cited}） (at most {max} companies: {cited})"
    )]
    TooMany { have: u32, max: u32, cited: String },
    #[error("自有资金 {own} 元占计划总额 {total} 元不足 {min_pct}%（{cited}） (own capital below {min_pct}%)")]
    OwnCapitalShort {
        own: Fen,
        total: Fen,
        min_pct: u64,
        cited: String,
    },
    #[error("支付 {amount} 元超过可用资金 {available} 元 (payment above available funds)")]
    Overdrawn { amount: Fen, available: Fen },
}

/// Whether one more company may be registered in the city.
pub fn may_add_company(policy: &Policy, have: u32) -> Result<(), CompanyError> {
    let max = policy.companies.max;
    if have >= max {
        return Err(CompanyError::TooMany {
            have,
            max,
            cited: format!(
                "{} {}",
                policy.companies.source.document, policy.companies.source.article
            ),
        });
    }
    Ok(())
}

/// The own-capital check on an annual plan (Loudi: ≥ 20 % of the total);
/// Ok where the city sets no minimum. Rounded in the plan's favour never:
/// 20 % of the total is rounded up to the fen.
pub fn check_own_capital(policy: &Policy, own: Fen, plan_total: Fen) -> Result<(), CompanyError> {
    let r = &policy.rules.own_capital;
    let Some(min_pct) = r.min_pct.filter(|_| r.applies) else {
        return Ok(());
    };
    let need = plan_total.mul_ratio_ceil(min_pct, 100);
    if own < need {
        return Err(CompanyError::OwnCapitalShort {
            own,
            total: plan_total,
            min_pct,
            cited: r.cited(),
        });
    }
    Ok(())
}

/// A payment may not exceed the funds available in the company's ledger.
pub fn may_pay(balances: &Balances, amount: Fen) -> Result<(), CompanyError> {
    if amount > balances.available() {
        return Err(CompanyError::Overdrawn {
            amount,
            available: balances.available(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn third_company_refused_with_its_article() {
        let y = Policy::yangquan();
        assert!(may_add_company(&y, 0).is_ok());
        assert!(may_add_company(&y, 1).is_ok());
        let e = may_add_company(&y, 2).unwrap_err();
        assert!(e.to_string().contains("阳政办发〔2026〕2号 第七条"));
        let l = Policy::loudi();
        let e = may_add_company(&l, 2).unwrap_err();
        assert!(e.to_string().contains("娄底"));
        assert!(!e.to_string().contains("阳政办发"));
    }

    #[test]
    fn own_capital_twenty_percent_boundary() {
        let l = Policy::loudi();
        let total = Fen::new(100_000_001);
        // 20 % of 100,000,001 fen = 20,000,000.2 → 20,000,001 fen needed.
        assert!(check_own_capital(&l, Fen::new(20_000_001), total).is_ok());
        assert!(check_own_capital(&l, Fen::new(20_000_000), total).is_err());
        assert!(check_own_capital(&l, Fen::new(20_000_000), Fen::new(100_000_000)).is_ok());
        // Yangquan sets no minimum.
        assert!(check_own_capital(&Policy::yangquan(), Fen::ZERO, total).is_ok());
    }

    #[test]
    fn balances_and_overdraw() {
        let e = [
            (EntryKind::OwnCapital, Fen::new(300)),
            (EntryKind::Loan, Fen::new(600)),
            (EntryKind::SpecialFund, Fen::new(100)),
            (EntryKind::Payment, Fen::new(400)),
        ];
        let b = Balances::from_entries(e.iter());
        assert_eq!(b.raised(), Fen::new(1000));
        assert_eq!(b.available(), Fen::new(600));
        assert!(may_pay(&b, Fen::new(600)).is_ok());
        assert!(may_pay(&b, Fen::new(601)).is_err());
    }
}
