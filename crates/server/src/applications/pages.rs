//! The web pages, Chinese first (`?lang=en` switches to English): public
//! self-check and notices, sign-in, the family's application, and the staff
//! workspace where each role takes its actions. Every form posts back with
//! the session's CSRF token; every action goes through `service`, exactly
//! like the JSON API.

use anju_domain::{ActionKind, Department, Role, StatusKind, YANGQUAN_DISTRICTS};
use anju_store::StoredApplication;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde_json::{json, Value};

use crate::applications::service::{self, ActionRequest, SubmitRequest};
use crate::applications::verification;
use crate::web::auth::{self, CurrentUser, CSRF_FIELD};
use crate::web::error::{ApiError, ApiResult};
use crate::web::forms::{checked, ctx, field, Fields, PageQuery};
use crate::web::html::Markup;
use crate::web::html::{banner, esc, url_encode, Lang};
use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/self-check", get(self_check_form).post(self_check))
        .route("/notices", get(notices))
        .route("/apply", get(apply_form).post(apply))
        .route("/work", get(work))
        .route("/applications/{id}", get(detail))
        .route("/applications/{id}/act", post(act))
        .route("/verify/{department}", get(verify_page).post(verify_upload))
}

async fn home(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let l = c.lang;
    let body = format!(
        r#"<h1>{title}</h1><div class="card"><p>{intro}</p>
<p><a class="button" href="/self-check" id="go-self-check">{check}</a> <a class="button secondary" href="/notices">{notices}</a> <a class="button secondary" href="/apply" id="go-apply">{apply}</a> <a class="button secondary" href="/projects" id="go-projects">{projects}</a></p></div>
<div class="card muted">{policy}: {doc} · {params}</div>"#,
        title = l.t("阳泉市配售型保障性住房", "Yangquan allocation-for-sale affordable housing"),
        intro = l.t(
            "先用“资格自测”看看家庭是否符合条件：每一项条件都会列出依据的条款和比较的数字。符合条件的家庭可以网上申请，也可以到户籍或常住地社区（村）提交书面申请。",
            "Start with the self-check: every condition is listed with the article it applies and the figures compared. Eligible families apply online or at their community office."
        ),
        check = l.t("资格自测", "Eligibility self-check"),
        notices = l.t("查看公示", "Public notices"),
        apply = l.t("网上申请", "Apply online"),
        projects = l.t("配售项目", "Allotment projects"),
        policy = l.t("判定依据", "Rules"),
        doc = esc(&st.policy.document),
        params = esc(&st.overrides.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("，")),
    );
    c.render(l.t("首页", "Home"), &body)
}

// ------------------------------------------------------------ household form

fn options(values: &[(&str, &str, &str)], lang: Lang, selected: &str) -> String {
    values
        .iter()
        .map(|(v, zh, en)| {
            format!(
                r#"<option value="{v}"{}>{}</option>"#,
                if *v == selected { " selected" } else { "" },
                lang.t(zh, en)
            )
        })
        .collect()
}

const EMPLOYMENT: [(&str, &str, &str); 6] = [
    ("employee", "单位在职职工", "employee"),
    ("flexible", "灵活就业", "flexible work"),
    ("new_form", "新业态从业人员", "platform work"),
    ("self_employed", "个体经营", "self-employed"),
    ("unemployed", "无工作", "not working"),
    ("retired", "退休", "retired"),
];
const TALENT: [(&str, &str, &str); 3] = [
    ("", "否", "no"),
    ("high_level", "高层次人才", "high-level talent"),
    ("certified", "经认定的其他人才", "certified talent"),
];
const OCCUPATION: [(&str, &str, &str); 9] = [
    ("", "其他", "other"),
    ("teacher", "教师", "teacher"),
    ("doctor", "医生", "doctor"),
    ("nurse", "护士", "nurse"),
    ("police", "民警", "police"),
    ("civil_servant", "公职人员", "civil servant"),
    ("community_worker", "社区工作者", "community worker"),
    ("sanitation_worker", "环卫工人", "sanitation worker"),
    ("bus_driver", "公交司机", "bus driver"),
];
const SEX: [(&str, &str, &str); 2] = [("male", "男", "male"), ("female", "女", "female")];

fn household_form(l: Lang, with_ids: bool, f: &Fields) -> String {
    let v = |n: &str| esc(field(f, n).unwrap_or(""));
    let chk = |n: &str| if checked(f, n) { " checked" } else { "" };
    let districts: String = YANGQUAN_DISTRICTS
        .iter()
        .map(|d| {
            let code = d.code.as_str();
            format!(
                r#"<option value="{code}"{}>{}</option>"#,
                if field(f, "region") == Some(code) {
                    " selected"
                } else {
                    ""
                },
                l.t(d.name_zh, d.name_en)
            )
        })
        .collect();
    let person = |p: &str, title: &str| {
        let id_fields = if with_ids {
            format!(
                r#"<div><label for="{p}_name">{name}</label><input id="{p}_name" name="{p}_name" value="{}"></div><div><label for="{p}_id">{id}</label><input id="{p}_id" name="{p}_id" value="{}" inputmode="numeric" maxlength="18"></div>"#,
                v(&format!("{p}_name")),
                v(&format!("{p}_id")),
                name = l.t("姓名", "Name"),
                id = l.t("身份证号码", "Resident ID number")
            )
        } else {
            format!(
                r#"<div><label for="{p}_birth">{birth}</label><input type="date" id="{p}_birth" name="{p}_birth" value="{}"></div><div><label for="{p}_sex">{sex}</label><select id="{p}_sex" name="{p}_sex">{}</select></div>"#,
                v(&format!("{p}_birth")),
                options(&SEX, l, field(f, &format!("{p}_sex")).unwrap_or("male")),
                birth = l.t("出生日期", "Date of birth"),
                sex = l.t("性别", "Sex")
            )
        };
        format!(r#"<h2>{title}</h2><div class="grid">{id_fields}</div>"#)
    };
    format!(
        r#"<div class="card"><label for="region">{region}</label><select id="region" name="region">{districts}</select>
{applicant}
<div class="grid">
<label><input type="checkbox" name="a_married" id="a_married"{m}>{married}</label>
<label><input type="checkbox" name="a_resident" id="a_resident"{r}>{resident}</label>
<label><input type="checkbox" name="a_hukou" id="a_hukou"{hk}>{hukou}</label>
<label><input type="checkbox" name="a_labor_contract" id="a_labor_contract"{lc}>{contract}</label>
<label><input type="checkbox" name="a_township" id="a_township"{tw}>{township}</label>
</div>
<div class="grid">
<div><label for="a_employment">{employment}</label><select id="a_employment" name="a_employment">{emp}</select></div>
<div><label for="a_occupation">{occupation}</label><select id="a_occupation" name="a_occupation">{occ}</select></div>
<div><label for="a_talent">{talent}</label><select id="a_talent" name="a_talent">{tal}</select></div>
<div><label for="a_income">{income}</label><input id="a_income" name="a_income" inputmode="decimal" value="{ai}"></div>
<div><label for="a_si">{si}</label><input id="a_si" name="a_si" inputmode="numeric" value="{asi}"></div>
<div><label for="a_years">{years}</label><input id="a_years" name="a_years" inputmode="decimal" value="{ay}"></div>
</div></div>
<div class="card"><label><input type="checkbox" name="s_present" id="s_present"{sp}>{spouse_present}</label>
{spouse}<div class="grid"><div><label for="s_income">{income}</label><input id="s_income" name="s_income" inputmode="decimal" value="{si_}"></div></div></div>
<div class="card"><h2>{children}</h2><p class="muted">{children_note}</p>{kids}</div>
<div class="card"><h2>{housing}</h2><div class="grid">
<div><label for="homes">{homes}</label><input id="homes" name="homes" inputmode="numeric" value="{hv}"></div>
<div><label for="area">{area}</label><input id="area" name="area" inputmode="decimal" value="{av}"></div>
</div>
<label><input type="checkbox" name="policy_housing" id="policy_housing"{ph}>{policy_housing}</label>
<label><input type="checkbox" name="public_rental" id="public_rental"{pr}>{public_rental}</label>
<label for="transfers">{transfers}</label><input id="transfers" name="transfers" placeholder="2022-05-01, 2023-01-10" value="{tv}">
<label for="abandonments">{abandon}</label><input id="abandonments" name="abandonments" placeholder="2025-06-01" value="{abv}">
</div>"#,
        region = l.t("申请所在县（区）", "District applied in"),
        applicant = person("a", l.t("主申请人", "Main applicant")),
        married = l.t("已婚", "Married"),
        m = chk("a_married"),
        resident = l.t("本市常住人口", "Permanent resident of the city"),
        r = chk("a_resident"),
        hukou = l.t("本市户籍", "Local hukou"),
        hk = chk("a_hukou"),
        contract = l.t("签订劳动合同", "Has a labour contract"),
        lc = chk("a_labor_contract"),
        township = l.t("在乡镇工作", "Works in a township"),
        tw = chk("a_township"),
        employment = l.t("就业情况", "Employment"),
        emp = options(
            &EMPLOYMENT,
            l,
            field(f, "a_employment").unwrap_or("employee")
        ),
        occupation = l.t("职业", "Occupation"),
        occ = options(&OCCUPATION, l, field(f, "a_occupation").unwrap_or("")),
        talent = l.t("人才类型", "Talent status"),
        tal = options(&TALENT, l, field(f, "a_talent").unwrap_or("")),
        income = l.t("年收入（元）", "Annual income (yuan)"),
        ai = v("a_income"),
        si = l.t("社保缴纳月数", "Months of social insurance"),
        asi = v("a_si"),
        years = l.t("在本地居住年数", "Years resident here"),
        ay = v("a_years"),
        spouse_present = l.t("配偶共同申请", "Spouse applies too"),
        sp = chk("s_present"),
        spouse = person("s", l.t("配偶", "Spouse")),
        si_ = v("s_income"),
        children = l.t("子女", "Children"),
        children_note = l.t(
            "最多填写三名，不填则视为无。",
            "Up to three; leave empty for none."
        ),
        kids = (1..=3)
            .map(|i| person(&format!("c{i}"), &format!("{} {i}", l.t("子女", "Child"))))
            .collect::<String>(),
        housing = l.t("住房与经历", "Housing and history"),
        homes = l.t("本市名下住房套数", "Homes owned in the city"),
        hv = v("homes"),
        area = l.t("住房总建筑面积（平方米）", "Their total floor area (m²)"),
        av = v("area"),
        policy_housing = l.t(
            "享受过房改房、集资建房或经济适用住房",
            "Ever had reform, fund-raised or economy housing"
        ),
        ph = chk("policy_housing"),
        public_rental = l.t("正在租住公共租赁住房", "Currently in public rental housing"),
        pr = chk("public_rental"),
        transfers = l.t(
            "近年住房产权转移日期（逗号分隔）",
            "Dates of property transfers (comma-separated)"
        ),
        tv = v("transfers"),
        abandon = l.t(
            "选房后弃购日期（逗号分隔）",
            "Dates of giving up a chosen home (comma-separated)"
        ),
        abv = v("abandonments"),
    )
}

fn num(f: &Fields, name: &str) -> ApiResult<f64> {
    match field(f, name).map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(0.0),
        Some(s) => s.parse::<f64>().ok().filter(|v| *v >= 0.0).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_number",
                format!("“{s}”不是有效的数字 (not a valid number)"),
            )
            .field(name.to_string())
        }),
    }
}

fn dates(f: &Fields, name: &str) -> Vec<String> {
    field(f, name)
        .unwrap_or("")
        .split([',', '，', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// Builds the household facts JSON from the form.
fn household_from_form(f: &Fields, with_ids: bool) -> ApiResult<Value> {
    let person = |p: &str, relation: &str| -> ApiResult<Option<Value>> {
        let mut m = json!({"relation": relation});
        if with_ids {
            let id = field(f, &format!("{p}_id")).unwrap_or("").trim();
            if id.is_empty() {
                return Ok(None);
            }
            m["id_number"] = json!(id.to_uppercase());
            if let Some(n) = field(f, &format!("{p}_name")).filter(|n| !n.trim().is_empty()) {
                m["name"] = json!(n.trim());
            }
        } else {
            let birth = field(f, &format!("{p}_birth")).unwrap_or("").trim();
            if birth.is_empty() {
                return Ok(None);
            }
            m["birth_date"] = json!(birth);
            m["sex"] = json!(field(f, &format!("{p}_sex")).unwrap_or("male"));
        }
        Ok(Some(m))
    };
    let mut applicant = person("a", "applicant")?.ok_or_else(|| {
        ApiError::bad_request(
            "required",
            "请填写主申请人信息 (the main applicant is required)",
        )
        .field(if with_ids { "a_id" } else { "a_birth" })
    })?;
    applicant["married"] = json!(checked(f, "a_married"));
    applicant["resident"] = json!(checked(f, "a_resident"));
    applicant["hukou_local"] = json!(checked(f, "a_hukou"));
    applicant["labor_contract"] = json!(checked(f, "a_labor_contract"));
    applicant["workplace_township"] = json!(checked(f, "a_township"));
    applicant["employment"] = json!(field(f, "a_employment").unwrap_or("employee"));
    if let Some(o) = field(f, "a_occupation").filter(|o| !o.is_empty()) {
        applicant["occupation"] = json!(o);
    }
    if let Some(t) = field(f, "a_talent").filter(|t| !t.is_empty()) {
        applicant["talent"] = json!(t);
    }
    applicant["annual_income_yuan"] = json!(num(f, "a_income")?);
    applicant["social_insurance_months"] = json!(num(f, "a_si")? as u64);
    applicant["residence_years"] = json!(num(f, "a_years")?);
    let mut members = vec![applicant];
    if checked(f, "s_present") {
        if let Some(mut s) = person("s", "spouse")? {
            s["married"] = json!(true);
            s["annual_income_yuan"] = json!(num(f, "s_income")?);
            members.push(s);
        }
    }
    for i in 1..=3 {
        if let Some(c) = person(&format!("c{i}"), "child")? {
            members.push(c);
        }
    }
    let homes = num(f, "homes")? as u64;
    let mut benefits = vec![];
    if checked(f, "public_rental") {
        benefits.push("public_rental");
    }
    Ok(json!({
        "id": format!("web-{}", &auth::random_token()[..12]),
        "region": field(f, "region").unwrap_or("140302"),
        "members": members,
        "housing": {"owned_homes": homes, "owned_floor_area_m2": if homes == 0 { 0.0 } else { num(f, "area")? }},
        "history": {"policy_housing": checked(f, "policy_housing"), "property_transfer_dates": dates(f, "transfers"), "abandonments": dates(f, "abandonments")},
        "current_benefits": benefits,
    }))
}

/// A decision shown to people: the conclusion, then every condition.
fn decision_html(l: Lang, d: &Value) -> String {
    let eligible = d["eligible"] == true;
    let mut s = if eligible {
        banner(
            "good",
            &format!(
                "{}{}",
                l.t("符合申请条件", "Eligible"),
                d["tier"]
                    .as_u64()
                    .map(|t| format!("，{} {t}", l.t("可参加第", "round")))
                    .map(|x| x + l.t(" 轮配售", ""))
                    .unwrap_or_default()
            ),
        )
    } else {
        banner(
            "bad",
            l.t(
                "暂不符合申请条件，原因见下列标 ✗ 的条件",
                "Not eligible: see the conditions marked ✗",
            ),
        )
    };
    s.push_str(r#"<table id="reasons"><tr><th></th><th>"#);
    s.push_str(l.t("条件", "Condition"));
    s.push_str("</th><th>");
    s.push_str(l.t("依据", "Article"));
    s.push_str("</th></tr>");
    for r in d["reasons"].as_array().into_iter().flatten() {
        let ok = r["passed"] == true;
        s.push_str(&format!(
            r#"<tr class="{}"><td>{}</td><td>{}</td><td>{} {}</td></tr>"#,
            if ok { "ok" } else { "fail" },
            if ok { "✓" } else { "✗" },
            esc(r["message"].as_str().unwrap_or("")),
            esc(r["citation"]["document"].as_str().unwrap_or("")),
            esc(r["citation"]["article"].as_str().unwrap_or(""))
        ));
    }
    s.push_str("</table>");
    for o in d["obligations"].as_array().into_iter().flatten() {
        s.push_str(&banner(
            "info",
            &format!(
                "{} {} {}（{}）",
                l.t("取得资格后须在", "After qualifying, within"),
                o["within_days"],
                l.t(
                    "日内腾退原政策性住房",
                    "days, vacate previous policy housing"
                ),
                o["citation"]["article"].as_str().unwrap_or("")
            ),
        ));
    }
    s.push_str(&format!(
        r#"<p class="muted">{} {}</p>"#,
        l.t("政策版本", "Policy digest"),
        esc(d["policy_digest"].as_str().unwrap_or(""))
    ));
    s
}

async fn self_check_form(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let l = c.lang;
    let body = format!(
        r#"<h1>{}</h1><p>{}</p><form method="post" action="/self-check" id="self-check-form">{}<button type="submit" id="check-submit">{}</button></form>"#,
        l.t("资格自测", "Eligibility self-check"),
        l.t(
            "填写家庭情况，立即看到判定结果和每一项依据。自测不保存任何信息。",
            "Enter your family's facts and see the decision with every reason. Nothing is saved."
        ),
        household_form(l, false, &vec![]),
        l.t("开始判定", "Check")
    );
    c.render(l.t("资格自测", "Self-check"), &body)
}

async fn self_check(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let l = c.lang;
    let result = household_from_form(&f, false).and_then(|h| service::self_check(&st, &h));
    match result {
        Err(e) => c.error(e),
        Ok(d) => {
            let body = format!(
                r#"<h1>{}</h1>{}<form method="post" action="/self-check">{}<button type="submit">{}</button></form>"#,
                l.t("判定结果", "Decision"),
                decision_html(l, &d),
                household_form(l, false, &f),
                l.t("修改后重新判定", "Change and check again")
            );
            c.render(l.t("判定结果", "Decision"), &body)
        }
    }
}

// ------------------------------------------------------------------ notices

async fn notices(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let l = c.lang;
    let rows = match service::notices(&st).await {
        Ok(r) => r,
        Err(e) => return c.error(e),
    };
    let mut t = format!(
        r#"<table id="notice-table"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"#,
        l.t("县（区）", "District"),
        l.t("姓名", "Name"),
        l.t("身份证号", "ID number"),
        l.t("类别", "Category"),
        l.t("轮次", "Round"),
        l.t("公示期", "Notice period")
    );
    for n in &rows {
        t.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} — {}</td></tr>",
            esc(&n.district.describe_zh()),
            esc(&n.masked_name),
            esc(&n.masked_id),
            esc(&n
                .categories
                .iter()
                .map(|c| category_label(&st, c))
                .collect::<Vec<_>>()
                .join("、")),
            n.tier.map(|x| x.to_string()).unwrap_or_default(),
            n.notice_start.map(|d| d.to_string()).unwrap_or_default(),
            n.notice_end.map(|d| d.to_string()).unwrap_or_default()
        ));
    }
    t.push_str("</table>");
    let body = format!(
        r#"<h1>{title}</h1><div class="card">{how}</div><p class="noprint"><a class="button secondary" href="/api/v1/notices.xlsx" id="export-xlsx">{xlsx}</a> <a class="button secondary" href="/notices?print=1">{print}</a></p><p>{count}</p>{t}"#,
        title = l.t("配售资格公示", "Public notice of qualification"),
        how = l.t(
            "公示期不少于5个工作日（阳政办发〔2026〕2号 第十四条）。对公示对象有异议的，请在公示期内向所在县（区）住建部门实名反映，写明异议事实。",
            "Each notice lasts at least 5 working days (art. 14). Objections may be made in person, with facts, to the district housing bureau during the notice."
        ),
        xlsx = l.t("导出 Excel", "Export Excel"),
        print = l.t("打印版", "Printable"),
        count = format!("{} {}", rows.len(), l.t("户正在公示", "families under notice")),
    );
    if q.print.is_some() {
        return Html(format!(r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>公示</title><style>body{{font-family:sans-serif}}table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:4px}}</style></head><body>{body}</body></html>"#)).into_response();
    }
    c.render(l.t("公示", "Notices"), &body)
}

fn category_label(st: &AppState, id: &str) -> String {
    st.policy
        .categories
        .iter()
        .find(|c| c.id == id)
        .map_or(id.to_string(), |c| c.label.clone())
}

// ------------------------------------------------------------------ sign in

// ------------------------------------------------------------------ apply

fn materials_form(l: Lang) -> String {
    let items = [
        (
            "application_form",
            "《阳泉市配售型保障性住房申请表》",
            "Application form",
        ),
        (
            "hukou_or_residence_proof",
            "户口簿或居住证明",
            "Hukou booklet or residence proof",
        ),
        (
            "marriage_proof",
            "婚姻证明（离异家庭提交离婚证明）",
            "Marriage proof (divorce proof if divorced)",
        ),
        ("income", "收入信息", "Income information"),
        ("social_insurance", "社保信息", "Social insurance"),
        (
            "property_query",
            "家庭成员不动产查询情况",
            "Property records query",
        ),
    ];
    let mut s = format!(
        r#"<div class="card"><h2>{}</h2>"#,
        l.t("申请材料（第十三条）", "Materials (article 13)")
    );
    for (name, zh, en) in items {
        s.push_str(&format!(
            r#"<label><input type="checkbox" name="m_{name}" id="m_{name}">{}</label>"#,
            l.t(zh, en)
        ));
    }
    s.push_str(&format!(
        r#"<label><input type="checkbox" name="m_identity" id="m_identity">{}</label><label for="marital">{}</label><select id="marital" name="marital">{}</select>
<h2>{}</h2><label><input type="checkbox" name="signed_commitment" id="signed_commitment">{}</label><label><input type="checkbox" name="consent" id="consent">{}</label></div>"#,
        l.t("家庭成员有效身份证明（每人一份）", "Identity proof for every member"),
        l.t("婚姻状况", "Marital status"),
        options(&[("married", "已婚", "married"), ("unmarried", "未婚", "unmarried"), ("divorced", "离异", "divorced"), ("widowed", "丧偶", "widowed")], l, "married"),
        l.t("承诺与授权", "Commitment and consent"),
        l.t("本人承诺所填信息及材料真实有效，如有虚假愿承担相应责任", "I declare the information and materials are true"),
        l.t("同意相关部门对家庭收入、住房、婚姻、社保等信息进行核验", "I consent to the departments verifying income, housing, marriage and social insurance")
    ));
    s
}

async fn apply_form(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/apply") {
        Ok(u) => u,
        Err(r) => return r,
    };
    let l = c.lang;
    if !matches!(user.user.role, Role::Applicant | Role::Community) {
        return c.error(ApiError::forbidden("只有申请家庭或社区（村）受理人员可以提交申请 (only families and community staff submit applications)"));
    }
    let body = format!(
        r#"<h1>{}</h1><form method="post" action="/apply" id="apply-form">{}{}{}<button type="submit" id="apply-submit">{}</button></form>"#,
        l.t("配售型保障性住房申请", "Application"),
        c.csrf(),
        household_form(l, true, &vec![]),
        materials_form(l),
        l.t("提交申请", "Submit")
    );
    c.render(l.t("网上申请", "Apply"), &body)
}

fn checklist_from_form(f: &Fields, members: usize) -> ApiResult<anju_domain::MaterialsChecklist> {
    let marital = field(f, "marital").unwrap_or("married");
    let v = json!({
        "application_form": checked(f, "m_application_form"),
        "member_count": members,
        "identity_proofs": if checked(f, "m_identity") { members } else { 0 },
        "hukou_or_residence_proof": checked(f, "m_hukou_or_residence_proof"),
        "marital_status": marital,
        "marriage_proof": checked(f, "m_marriage_proof") && marital != "divorced",
        "divorce_proof": checked(f, "m_marriage_proof") && marital == "divorced",
        "income": checked(f, "m_income"),
        "social_insurance": checked(f, "m_social_insurance"),
        "property_query": checked(f, "m_property_query"),
    });
    serde_json::from_value(v)
        .map_err(|e| ApiError::bad_request("invalid_materials", e.to_string()).field("materials"))
}

async fn apply(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/apply") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    let result = async {
        let household = household_from_form(&f, true)?;
        let members = household["members"].as_array().map_or(1, |m| m.len());
        let req = SubmitRequest {
            materials: checklist_from_form(&f, members)?,
            signed_commitment: checked(&f, "signed_commitment"),
            consent_to_verification: checked(&f, "consent"),
            household,
        };
        service::submit_application(&st, &user, req).await
    }
    .await;
    match result {
        Ok(stored) => Redirect::to(&format!("/applications/{}?msg=submitted", stored.app.id()))
            .into_response(),
        Err(e) => c.error(e),
    }
}

// ------------------------------------------------------------------ workspace

fn status_label(l: Lang, s: StatusKind) -> &'static str {
    match l {
        Lang::Zh => s.label_zh(),
        Lang::En => s.label_en(),
    }
}

async fn work(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/work") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let l = c.lang;
    let status: Option<StatusKind> = q
        .status
        .as_deref()
        .and_then(|s| serde_json::from_value(json!(s)).ok());
    let rows = match service::list(&st, &user, status, 200, 0).await {
        Ok(r) => r,
        Err(e) => return c.error(e),
    };
    let mut links = String::new();
    match user.user.role {
        Role::Applicant | Role::Community => links.push_str(&format!(
            r#"<a class="button" href="/apply" id="new-application">{}</a>"#,
            l.t("新建申请", "New application")
        )),
        Role::Verifier(d) => links.push_str(&format!(
            r#"<a class="button" href="/verify/{}" id="verify-file">{}</a>"#,
            d.code(),
            l.t("按文件批量核验", "Verify by file")
        )),
        Role::Auditor | Role::CityBureau => links.push_str(&format!(
            r#"<a class="button secondary" href="/audit-log">{}</a>"#,
            l.t("审计日志", "Audit log")
        )),
        _ => {}
    }
    links.push_str(&format!(
        r#" <a class="button secondary" href="/projects" id="go-projects">{}</a>"#,
        l.t("配售项目", "Allotment projects")
    ));
    let filters: String = StatusKind::ALL
        .iter()
        .map(|s| {
            format!(
                r#"<a href="/work?status={}">{}</a>"#,
                serde_json::to_value(s)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default(),
                status_label(l, *s)
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let mut t = format!(
        r#"<table id="applications"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"#,
        l.t("申请编号", "Application"),
        l.t("县（区）", "District"),
        l.t("申请人", "Applicant"),
        l.t("身份证号", "ID"),
        l.t("状态", "Status"),
        l.t("更新时间", "Updated")
    );
    for r in &rows {
        t.push_str(&format!(
            r#"<tr><td><a href="/applications/{id}">{id}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            esc(&r.district.describe_zh()),
            esc(&r.masked_name),
            esc(&r.masked_id),
            status_label(l, r.status),
            r.updated_at.to_shanghai().format("%Y-%m-%d %H:%M"),
            id = esc(r.id.as_str()),
        ));
    }
    t.push_str("</table>");
    let district = user
        .user
        .district
        .as_ref()
        .map(|d| d.describe_zh())
        .unwrap_or_else(|| l.t("全市", "whole city").to_string());
    let body = format!(
        r#"<h1>{} — {}</h1><p>{}</p><p class="muted">{}</p><p>{}</p>{}"#,
        l.t("工作台", "Workspace"),
        esc(&district),
        links,
        filters,
        format!("{} {}", rows.len(), l.t("条", "applications")),
        t
    );
    c.render(l.t("工作台", "Workspace"), &body)
}

fn action_form(l: Lang, id: &str, csrf: &str, kind: ActionKind, user_role: Role) -> String {
    let label = match l {
        Lang::Zh => kind.label_zh(),
        Lang::En => kind.label_en(),
    };
    let code = kind.code();
    let extra = match kind {
        ActionKind::StreetReturn => format!(
            r#"<label>{}</label><input name="reason" required>"#,
            l.t("退回原因（需补正的内容）", "What to correct")
        ),
        ActionKind::StreetReject => format!(
            r#"<label>{}</label><input name="message" required><label>{}</label><input name="article" value="第十条"><label>ref</label><input name="ref" value="10">"#,
            l.t("不予通过的理由", "Reason"),
            l.t("依据条款", "Article")
        ),
        ActionKind::RecordObjection => format!(
            r#"<label>{}</label><textarea name="text" required></textarea>"#,
            l.t("异议内容", "Objection")
        ),
        ActionKind::ResolveObjection => format!(
            r#"<label>{}</label><input name="objection_id" value="1"><label><input type="checkbox" name="upheld">{}</label><label>{}</label><input name="note" required><label>{}</label><input name="article" value="第十条（一）2"><label>ref</label><input name="ref" value="10.1.2">"#,
            l.t("异议编号", "Objection number"),
            l.t("异议成立（家庭不符合条件）", "Upheld (the family fails)"),
            l.t("核查结论", "Finding"),
            l.t("不符合的条款（异议成立时）", "Article failed (when upheld)")
        ),
        ActionKind::RequestReview => format!(
            r#"<label>{}</label><textarea name="reasons" required></textarea>"#,
            l.t("复核理由", "Grounds for review")
        ),
        ActionKind::DecideReview => format!(
            r#"<label><input type="checkbox" name="reverse">{}</label><label>{}</label><input name="note" required>"#,
            l.t("撤销原不予通过决定", "Reverse the rejection"),
            l.t("复核结论", "Finding")
        ),
        ActionKind::StartNotice => format!(
            r#"<label>{}</label><input type="date" name="start">"#,
            l.t("公示开始日期（默认今天）", "First day (default today)")
        ),
        ActionKind::DepartmentConfirm => {
            let d = user_role.department().map(|d| d.code()).unwrap_or("");
            format!(r#"<input type="hidden" name="department" value="{d}"><p class="muted">{}</p>"#, l.t("确认本部门掌握的信息与申报一致；如需更正，请用“按文件批量核验”上传更正后的数据。", "Confirms the facts your department holds; to correct them, use verification by file."))
        }
        _ => String::new(),
    };
    format!(
        r#"<form method="post" action="/applications/{id}/act" class="card action" data-action="{code}"><input type="hidden" name="_csrf" value="{csrf}"><input type="hidden" name="type" value="{code}">{extra}<button type="submit" id="act-{code}">{label}</button></form>"#,
        id = esc(id),
        csrf = esc(csrf),
    )
}

async fn detail(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user(&format!("/applications/{id}")) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let stored = match service::read_application(&st, &user, &id).await {
        Ok(s) => s,
        Err(e) => return c.error(e),
    };
    let events = st
        .store
        .applications()
        .application_events(stored.app.id())
        .await
        .unwrap_or_default();
    // Sections other capabilities add (配售进展: the family's rounds).
    let sections =
        match (st.links.application_sections)(&st, &user, stored.app.id().as_str(), c.lang).await {
            Ok(s) => s,
            Err(e) => return c.error(e),
        };
    let allotment: String = sections.iter().map(Markup::as_str).collect();
    c.render(
        &id,
        &detail_body(
            c.lang,
            &user,
            &stored,
            &events,
            q.msg.as_deref(),
            &allotment,
        ),
    )
}

fn action_label(l: Lang, code: &str) -> String {
    match serde_json::from_value::<ActionKind>(json!(code)) {
        Ok(k) => l.t(k.label_zh(), k.label_en()).to_string(),
        Err(_) => code.to_string(),
    }
}

fn detail_body(
    l: Lang,
    user: &CurrentUser,
    stored: &StoredApplication,
    events: &[anju_domain::Event],
    msg: Option<&str>,
    allotment: &str,
) -> String {
    let app = &stored.app;
    let mut s = String::new();
    if let Some(m) = msg {
        s.push_str(&banner(
            "good",
            &match m {
                "submitted" => l
                    .t("申请已提交，请留意办理进度。", "Submitted.")
                    .to_string(),
                other => format!("{} {}", l.t("已完成：", "Done:"), action_label(l, other)),
            },
        ));
    }
    s.push_str(&format!(
        r#"<h1>{} <span class="muted">{}</span></h1><div class="card"><p>{}：<strong id="status">{}</strong></p><p>{}：{}</p><p>{}：{} · {}</p>"#,
        l.t("申请", "Application"),
        esc(app.id().as_str()),
        l.t("状态", "Status"),
        status_label(l, app.status().kind()),
        l.t("县（区）", "District"),
        esc(&app.district().describe_zh()),
        l.t("申请人", "Applicant"),
        esc(&stored.masked_name),
        esc(&stored.masked_id),
    ));
    if let Some(p) = stored.waitlist_place {
        s.push_str(&format!(
            r#"<p>{}：<strong id="waitlist-place">{p}</strong></p>"#,
            l.t("轮候序号", "Waitlist place")
        ));
    }
    s.push_str("</div>");
    s.push_str(allotment);
    // Members: full identity in the detail view for authorised roles (this read is audited).
    s.push_str(&format!(
        r#"<h2>{}</h2><table id="members"><tr><th>{}</th><th>{}</th><th>{}</th></tr>"#,
        l.t("家庭成员", "Members"),
        l.t("关系", "Relation"),
        l.t("姓名", "Name"),
        l.t("身份证号", "ID number")
    ));
    for m in stored.household["members"].as_array().into_iter().flatten() {
        let rel = match m["relation"].as_str() {
            Some("applicant") => l.t("主申请人", "applicant"),
            Some("spouse") => l.t("配偶", "spouse"),
            _ => l.t("子女", "child"),
        };
        s.push_str(&format!(
            "<tr><td>{rel}</td><td>{}</td><td>{}</td></tr>",
            esc(m["name"].as_str().unwrap_or("")),
            esc(m["id_number"].as_str().unwrap_or(""))
        ));
    }
    s.push_str("</table>");
    if let Some(rd) = app.decisions().last() {
        let d = serde_json::to_value(rd.decision.parts()).unwrap_or(Value::Null);
        s.push_str(&format!(
            "<h2>{}</h2>",
            l.t("资格判定", "Eligibility decision")
        ));
        s.push_str(&decision_html(l, &d));
    }
    if let anju_domain::Status::Rejected { reasons, .. } = app.status() {
        s.push_str(&format!(
            "<h2>{}</h2><ul id=\"rejection\">",
            l.t("不予通过的理由", "Reasons for rejection")
        ));
        for r in reasons.iter() {
            s.push_str(&format!("<li>{}</li>", esc(&r.to_string())));
        }
        s.push_str("</ul>");
    }
    let objections = app.objections();
    if !objections.is_empty() {
        s.push_str(&format!("<h2>{}</h2><ul>", l.t("异议", "Objections")));
        for o in objections {
            s.push_str(&format!(
                "<li>#{} {} — {}</li>",
                o.id,
                esc(o.text.as_str()),
                match &o.resolved {
                    None => l.t("待处理", "open").to_string(),
                    Some(r) => format!(
                        "{}：{}",
                        if r.upheld {
                            l.t("成立", "upheld")
                        } else {
                            l.t("不成立", "not upheld")
                        },
                        esc(r.note.as_str())
                    ),
                }
            ));
        }
        s.push_str("</ul>");
    }
    let actions = anju_domain::available_actions(app, &user.actor);
    if !actions.is_empty() {
        s.push_str(&format!("<h2>{}</h2>", l.t("办理", "Actions")));
        for a in actions {
            s.push_str(&action_form(
                l,
                app.id().as_str(),
                &user.session.csrf_token,
                a,
                user.user.role,
            ));
        }
    }
    s.push_str(&format!(
        r#"<h2>{}</h2><p class="muted">{}</p><table id="history"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"#,
        l.t("办理记录", "History"),
        l.t("每一步均记入防篡改审计日志。", "Every step is also in the tamper-evident audit log."),
        l.t("时间", "Time"),
        l.t("办理人", "By"),
        l.t("事项", "Action"),
        l.t("办理后状态", "Status after")
    ));
    for e in events {
        s.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            e.at.to_shanghai().format("%Y-%m-%d %H:%M"),
            l.t(e.actor.role().label_zh(), e.actor.role().label_en()),
            l.t(e.action.kind().label_zh(), e.action.kind().label_en()),
            status_label(l, e.status_after)
        ));
    }
    s.push_str("</table>");
    s
}

async fn act(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user(&format!("/applications/{id}")) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    let ty = field(&f, "type").unwrap_or("");
    let text = |n: &str| field(&f, n).unwrap_or("").to_string();
    let req: Result<ActionRequest, ApiError> = match ty {
        "street_pass" => Ok(ActionRequest::StreetPass),
        "street_return" => Ok(ActionRequest::StreetReturn {
            reason: text("reason"),
        }),
        "street_reject" => Ok(ActionRequest::StreetReject {
            message: text("message"),
            article: text("article"),
            ref_: text("ref"),
        }),
        "resubmit" => Ok(ActionRequest::Resubmit),
        "department_confirm" => Department::from_code(&text("department"))
            .map(|department| ActionRequest::DepartmentConfirm {
                department,
                corrections: vec![],
            })
            .ok_or_else(|| {
                ApiError::bad_request("invalid_department", "核验部门无效 (unknown department)")
                    .field("department")
            }),
        "record_decision" => Ok(ActionRequest::RecordDecision),
        "start_notice" => Ok(ActionRequest::StartNotice {
            start: field(&f, "start").and_then(anju_policy::household::parse_iso_date),
        }),
        "record_objection" => Ok(ActionRequest::RecordObjection { text: text("text") }),
        "resolve_objection" => text("objection_id")
            .trim()
            .parse::<u32>()
            .map_err(|_| {
                ApiError::bad_request("invalid_number", "异议编号无效 (invalid objection number)")
                    .field("objection_id")
            })
            .map(|oid| ActionRequest::ResolveObjection {
                id: oid,
                upheld: checked(&f, "upheld"),
                note: text("note"),
                article: checked(&f, "upheld").then(|| text("article")),
                ref_: checked(&f, "upheld").then(|| text("ref")),
            }),
        "qualify" => Ok(ActionRequest::Qualify),
        "request_review" => Ok(ActionRequest::RequestReview {
            reasons: text("reasons"),
        }),
        "decide_review" => Ok(ActionRequest::DecideReview {
            reverse: checked(&f, "reverse"),
            note: text("note"),
        }),
        "withdraw" => Ok(ActionRequest::Withdraw),
        other => Err(ApiError::bad_request(
            "unknown_action",
            format!("未知的操作 {other} (unknown action)"),
        )
        .field("type")),
    };
    let result = match req {
        Ok(r) => service::act(&st, &user, &id, r).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            Redirect::to(&format!("/applications/{}?msg={}", esc(&id), esc(ty))).into_response()
        }
        Err(e) => c.error(e),
    }
}

// ------------------------------------------------------------------ verification by file

async fn verify_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(dept): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user(&format!("/verify/{dept}")) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let l = c.lang;
    let Some(d) = Department::from_code(&dept) else {
        return c.error(ApiError::not_found("核验部门 (department)"));
    };
    if user.user.role != Role::Verifier(d) {
        return c.error(ApiError::forbidden(
            "只有本部门核验人员可以使用 (only this department's verifiers)",
        ));
    }
    let body = format!(
        r#"<h1>{} — {}</h1><div class="card"><p>{}</p><p><a class="button secondary" href="/api/v1/verification/{code}/template.xlsx" id="download-template-xlsx">Excel</a> <a class="button secondary" href="/api/v1/verification/{code}/template.csv" id="download-template">{}</a></p></div>
<form method="post" action="/verify/{code}" enctype="multipart/form-data" class="card" id="upload-form"><input type="hidden" name="_csrf" value="{csrf}"><label for="file">{}</label><input type="file" id="file" name="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"><p><button type="submit" id="upload-submit">{}</button></p></form>"#,
        l.t("按文件批量核验", "Verification by file"),
        d.label_zh(),
        esc(d.verifies_zh()),
        l.t(
            "下载待核验名单（CSV，可用 Excel 打开）",
            "Download the list awaiting you (CSV)"
        ),
        l.t("上传核验结果", "Upload results"),
        l.t("上传并核验", "Upload"),
        code = d.code(),
        csrf = esc(&user.session.csrf_token),
    );
    c.render(l.t("批量核验", "Verify"), &body)
}

async fn verify_upload(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(dept): Path<String>,
    Query(q): Query<PageQuery>,
    mut mp: Multipart,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user(&format!("/verify/{dept}")) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let l = c.lang;
    let Some(d) = Department::from_code(&dept) else {
        return c.error(ApiError::not_found("核验部门 (department)"));
    };
    let mut csrf = None;
    let mut file = None;
    while let Ok(Some(part)) = mp.next_field().await {
        match part.name() {
            Some("_csrf") => csrf = part.text().await.ok(),
            Some("file") => file = part.bytes().await.ok(),
            _ => {}
        }
    }
    if let Err(e) = auth::check_form_csrf(&user, csrf.as_deref()) {
        return c.error(e);
    }
    let Some(file) = file.filter(|f| !f.is_empty()) else {
        return c.error(
            ApiError::bad_request("required", "请选择要上传的文件 (choose a file)").field("file"),
        );
    };
    match verification::import(&st, &user, d, &file).await {
        Err(e) => c.error(e),
        Ok(report) => {
            let mut body = format!("<h1>{}</h1>", l.t("核验结果", "Import result"));
            if report.already_imported {
                body.push_str(&banner(
                    "info",
                    l.t(
                        "此文件已经导入过，本次未作任何更改；下列错误是首次导入时的结果。",
                        "This file was already imported; nothing changed. The errors below are those of the first import.",
                    ),
                ));
            }
            body.push_str(&format!(
                r#"<div class="card" id="import-summary"><p>{}: {} · {}: {} · {}: {} · {}: {}</p></div>"#,
                l.t("行数", "Rows"),
                report.rows,
                l.t("有效行", "Good rows"),
                report.rows_ok,
                l.t("已确认申请", "Applications confirmed"),
                report.confirmed.len(),
                l.t("错误", "Errors"),
                report.errors.len()
            ));
            if !report.errors.is_empty() {
                body.push_str(&format!(
                    r#"<table id="import-errors"><tr><th>{}</th><th>{}</th><th>{}</th></tr>"#,
                    l.t("行号", "Line"),
                    l.t("身份证号", "ID"),
                    l.t("原因", "Reason")
                ));
                for e in &report.errors {
                    body.push_str(&format!(
                        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                        e.line,
                        esc(&e.resident_id),
                        esc(&e.reason)
                    ));
                }
                body.push_str("</table>");
                let csv =
                    String::from_utf8_lossy(&report.error_csv().unwrap_or_default()).to_string();
                body.push_str(&format!(
                    r#"<p><a class="button secondary" download="verification-errors.csv" href="data:text/csv;charset=utf-8,{}">{}</a></p>"#,
                    url_encode(&csv),
                    l.t("下载错误报告", "Download error report")
                ));
            }
            c.render(l.t("核验结果", "Import result"), &body)
        }
    }
}

// ------------------------------------------------------------------ audit
