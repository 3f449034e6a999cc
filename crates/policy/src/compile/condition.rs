//! A facts rule's condition: a tree of `all`, `any` and atoms over the
//! applicant's and the household's fields, with the placeholders its
//! numeric atoms give the rule's messages.

use super::*;

pub(super) fn test_has_fail_texts(t: &Test) -> bool {
    match t {
        Test::All(children, own) => own.is_some() || children.iter().all(test_has_fail_texts),
        Test::Any(_, own) => own.is_some(),
        Test::Atom { fail, .. } => fail.is_some(),
    }
}

/// Numbering of atoms inside one facts rule, and the placeholder names its
/// numeric atoms provide to the rule's own messages.
#[derive(Default)]
pub(crate) struct Slots {
    next: u8,
    next_num: u8,
    pub(super) names: Vec<(&'static str, &'static str)>,
    unlabelled: bool,
}

impl Slots {
    pub(super) fn unlabelled() -> Self {
        Slots {
            unlabelled: true,
            ..Default::default()
        }
    }
}

pub(crate) const MAX_NUM_SLOTS: u8 = 3;

fn applicant_field(name: &str) -> Option<FieldKind> {
    use FieldKind::*;
    Some(match name {
        "resident" => ABool(ApplicantBool::Resident),
        "hukou_local" => ABool(ApplicantBool::HukouLocal),
        "married" => ABool(ApplicantBool::Married),
        "full_civil_capacity" => ABool(ApplicantBool::FullCivilCapacity),
        "labor_contract" => ABool(ApplicantBool::LaborContract),
        "residence_registration" => ABool(ApplicantBool::ResidenceRegistration),
        "workplace_township" => ABool(ApplicantBool::WorkplaceTownship),
        "provident_fund" => ABool(ApplicantBool::ProvidentFund),
        "age" => ANum(ApplicantNum::Age, "age", "age_limit"),
        "residence_years" => ANum(
            ApplicantNum::ResidenceYears,
            "residence_years",
            "residence_years_limit",
        ),
        "social_insurance_months" => ANum(
            ApplicantNum::SocialInsuranceMonths,
            "social_insurance_months",
            "social_insurance_months_limit",
        ),
        "annual_income_yuan" => ANum(
            ApplicantNum::AnnualIncome,
            "annual_income_yuan",
            "annual_income_yuan_limit",
        ),
        "service_pledge_years" => ANum(
            ApplicantNum::ServicePledgeYears,
            "service_pledge_years",
            "service_pledge_years_limit",
        ),
        "degree" => AEnum(ApplicantEnum::Degree),
        "university" => AEnum(ApplicantEnum::University),
        "employment" => AEnum(ApplicantEnum::Employment),
        "occupation" => AEnum(ApplicantEnum::Occupation),
        "talent" => AEnum(ApplicantEnum::Talent),
        "sex" => AEnum(ApplicantEnum::Sex),
        _ => return None,
    })
}

fn household_field(name: &str) -> Option<FieldKind> {
    use FieldKind::*;
    Some(match name {
        "history.policy_housing" => HBool(HouseholdBool::PolicyHousing),
        "history.affordable_housing_received" => HBool(HouseholdBool::AffordableHousingReceived),
        "history.affordable_housing_exited" => HBool(HouseholdBool::AffordableHousingExited),
        "history.fraud" => HBool(HouseholdBool::Fraud),
        "housing.owned_homes" => HNum(HouseholdNum::OwnedHomes, "owned_homes", "owned_homes_limit"),
        "housing.owned_floor_area_m2" => HNum(
            HouseholdNum::OwnedFloorArea,
            "owned_floor_area_m2",
            "owned_floor_area_m2_limit",
        ),
        "housing.affordable_homes_owned" => HNum(
            HouseholdNum::AffordableHomesOwned,
            "affordable_homes_owned",
            "affordable_homes_owned_limit",
        ),
        "members" => HNum(HouseholdNum::Members, "members", "members_limit"),
        "total_income_yuan" => HNum(
            HouseholdNum::TotalIncome,
            "total_income_yuan",
            "total_income_yuan_limit",
        ),
        "provident_fund_contributors" => HNum(
            HouseholdNum::ProvidentFundContributors,
            "provident_fund_contributors",
            "provident_fund_contributors_limit",
        ),
        "current_benefits" => HSet(HouseholdSet::CurrentBenefits),
        "special" => HSet(HouseholdSet::Special),
        _ => return None,
    })
}

#[derive(Clone, Copy)]
enum FieldKind {
    ABool(ApplicantBool),
    ANum(ApplicantNum, &'static str, &'static str),
    AEnum(ApplicantEnum),
    HBool(HouseholdBool),
    HNum(HouseholdNum, &'static str, &'static str),
    HSet(HouseholdSet),
}

const APPLICANT_FIELDS: &str = "resident, hukou_local, married, full_civil_capacity, labor_contract, residence_registration, workplace_township, provident_fund, age, residence_years, social_insurance_months, annual_income_yuan, service_pledge_years, employment, occupation, talent, sex, degree, university";
const HOUSEHOLD_FIELDS: &str = "history.policy_housing, history.affordable_housing_received, history.affordable_housing_exited, history.fraud, housing.owned_homes, housing.owned_floor_area_m2, housing.affordable_homes_owned, members, total_income_yuan, provident_fund_contributors, current_benefits, special";

/// Value spellings of the closed enums, in the order `engine::enum_index` uses.
pub(crate) fn enum_values(e: ApplicantEnum) -> Option<&'static [&'static str]> {
    match e {
        ApplicantEnum::Employment => Some(&[
            "employee",
            "flexible",
            "new_form",
            "self_employed",
            "unemployed",
            "retired",
        ]),
        ApplicantEnum::Talent => Some(&["high_level", "certified", "none"]),
        ApplicantEnum::Sex => Some(&["male", "female"]),
        ApplicantEnum::Degree => Some(crate::household::Degree::NAMES),
        ApplicantEnum::University => Some(crate::household::University::NAMES),
        // Occupation is free text in the contract ("or any other word").
        ApplicantEnum::Occupation => None,
    }
}

pub(super) fn compile_test(
    ctx: &mut Ctx,
    t: &TestDef,
    span: Range<usize>,
    what: &str,
    slots: &mut Slots,
) -> Result<Test, LoadError> {
    let combos = t.all.is_some() as u8 + t.any.is_some() as u8;
    let subjects = t.applicant.is_some() as u8 + t.household.is_some() as u8;
    if combos + subjects != 1 {
        return Err(ctx.invalid(
            span,
            format!("{what}: 每个条件须恰好写一个 all、any、applicant 或 household (a test needs exactly one of all / any / applicant / household)"),
        ));
    }
    let fail_names: &[&str] = &["value", "limit"];
    if let Some(list) = t.all.as_ref().or(t.any.as_ref()) {
        let mut children = Vec::new();
        for c in list {
            children.push(compile_test(ctx, c.get_ref(), c.span(), what, slots)?);
        }
        if children.is_empty() {
            return Err(ctx.invalid(span, format!("{what}: all/any 不能为空 (empty list)")));
        }
        let own = ctx.template(&t.fail, &[], what)?;
        return Ok(if t.all.is_some() {
            Test::All(children, own)
        } else {
            Test::Any(children, own)
        });
    }
    let (field_name, field) = if let Some(a) = &t.applicant {
        let f = applicant_field(a.get_ref()).ok_or_else(|| {
            ctx.invalid(
                a.span(),
                format!(
                    "{what}: applicant 字段 \"{}\" 未知 (known: {APPLICANT_FIELDS})",
                    a.get_ref()
                ),
            )
        })?;
        (a, f)
    } else {
        let h = t
            .household
            .as_ref()
            .expect("checked above: exactly one subject");
        let f = household_field(h.get_ref()).ok_or_else(|| {
            ctx.invalid(
                h.span(),
                format!(
                    "{what}: household 字段 \"{}\" 未知 (known: {HOUSEHOLD_FIELDS})",
                    h.get_ref()
                ),
            )
        })?;
        (h, f)
    };
    let fname = field_name.get_ref().clone();
    let ops = [
        ("is", t.is.is_some()),
        ("in", t.in_.is_some()),
        ("not_in", t.not_in.is_some()),
        ("any_of", t.any_of.is_some()),
        ("none_of", t.none_of.is_some()),
        ("at_least", t.at_least.is_some()),
        ("at_most", t.at_most.is_some()),
        ("less_than", t.less_than.is_some()),
    ];
    let given: Vec<&str> = ops.iter().filter(|o| o.1).map(|o| o.0).collect();
    if given.len() != 1 {
        return Err(ctx.invalid(
            field_name.span(),
            format!(
                "{what}: 条件 {fname} 须恰好写一个比较 (exactly one comparison; found {})",
                if given.is_empty() {
                    "none".to_string()
                } else {
                    given.join(", ")
                }
            ),
        ));
    }
    let op = given[0];
    let wrong = |ctx: &Ctx, expected: &str| {
        ctx.invalid(
            field_name.span(),
            format!("{what}: 字段 {fname} 不能用 `{op}` 比较 (use {expected})"),
        )
    };
    let mut num_slot = None;
    let mut placeholder = None;
    let atom = match field {
        FieldKind::ABool(b) => match t.is {
            Some(v) => Atom::ApplicantBool(b, v),
            None => return Err(wrong(ctx, "is = true/false")),
        },
        FieldKind::HBool(b) => match t.is {
            Some(v) => Atom::HouseholdBool(b, v),
            None => return Err(wrong(ctx, "is = true/false")),
        },
        FieldKind::AEnum(e) => {
            let (list, negate) = match (&t.in_, &t.not_in) {
                (Some(l), None) => (l, false),
                (None, Some(l)) => (l, true),
                _ => return Err(wrong(ctx, "in = [...] or not_in = [...]")),
            };
            if let Some(known) = enum_values(e) {
                if let Some(bad) = list.iter().find(|v| !known.contains(&v.as_str())) {
                    return Err(ctx.invalid(
                        field_name.span(),
                        format!(
                            "{what}: {fname} 的取值 \"{bad}\" 未知 (known: {})",
                            known.join(", ")
                        ),
                    ));
                }
            }
            let mask = enum_values(e).map_or(0, |known| {
                list.iter()
                    .filter_map(|v| known.iter().position(|k| k == v))
                    .fold(0u32, |m, i| m | 1 << i)
            });
            Atom::ApplicantEnum {
                field: e,
                values: list.clone(),
                mask,
                negate,
            }
        }
        FieldKind::HSet(s) => {
            let (list, negate) = match (&t.any_of, &t.none_of) {
                (Some(l), None) => (l, false),
                (None, Some(l)) => (l, true),
                _ => return Err(wrong(ctx, "any_of = [...] or none_of = [...]")),
            };
            let names: &[&str] = match s {
                HouseholdSet::CurrentBenefits => &BENEFITS,
                HouseholdSet::Special => &SPECIALS,
            };
            let mut mask = 0u8;
            for v in list {
                let i = names.iter().position(|n| n == v).ok_or_else(|| {
                    ctx.invalid(
                        field_name.span(),
                        format!(
                            "{what}: {fname} 的取值 \"{v}\" 未知 (known: {})",
                            names.join(", ")
                        ),
                    )
                })?;
                mask |= 1 << i;
            }
            Atom::HouseholdSet(s, mask, negate)
        }
        FieldKind::ANum(_, vname, lname) | FieldKind::HNum(_, vname, lname) => {
            let (nop, n) = match (&t.at_least, &t.at_most, &t.less_than) {
                (Some(n), None, None) => (NumOp::AtLeast, n),
                (None, Some(n), None) => (NumOp::AtMost, n),
                (None, None, Some(n)) => (NumOp::LessThan, n),
                _ => return Err(wrong(ctx, "at_least, at_most or less_than")),
            };
            let num = match n.get_ref() {
                NumOrParam::Num(l) => Num::Lit(Fixed4::from_f64(l.as_f64()).ok_or_else(|| {
                    ctx.invalid(n.span(), format!("{what}: 数值无效 (invalid number)"))
                })?),
                NumOrParam::Param(p) => {
                    Num::Param(ctx.param(&Spanned::new(n.span(), p.clone()), what)?)
                }
            };
            if !slots.unlabelled {
                if slots.next_num >= MAX_NUM_SLOTS {
                    return Err(ctx.invalid(
                        field_name.span(),
                        format!("{what}: 一条规则最多 {MAX_NUM_SLOTS} 个数值条件 (at most {MAX_NUM_SLOTS} numeric tests per rule)"),
                    ));
                }
                num_slot = Some(slots.next_num);
                slots.next_num += 1;
                placeholder = Some((vname, lname));
            }
            match field {
                FieldKind::ANum(f, ..) => Atom::ApplicantNum(f, nop, num),
                FieldKind::HNum(f, ..) => Atom::HouseholdNum(f, nop, num),
                _ => unreachable!(),
            }
        }
    };
    if slots.next >= 32 {
        return Err(ctx.invalid(
            field_name.span(),
            format!("{what}: 一条规则最多 32 个条件 (at most 32 tests)"),
        ));
    }
    let slot = slots.next;
    slots.next += 1;
    if let Some(p) = placeholder {
        slots.names.push(p);
    }
    let allowed: &[&str] = if num_slot.is_some() { fail_names } else { &[] };
    let fail = ctx.template(&t.fail, allowed, what)?;
    let name: &'static str = match field {
        FieldKind::ANum(_, v, _) | FieldKind::HNum(_, v, _) => v,
        _ => "",
    };
    Ok(Test::Atom {
        atom,
        slot,
        num_slot,
        name,
        fail,
    })
}
