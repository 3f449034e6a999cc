//! The application lists (work list, API, notices): search, filters,
//! orders and paging over the `applications` table's own columns, no
//! events replayed. Methods of the applications handle.

use super::applications::summary_from_row;
use super::*;

impl Applications<'_> {
    /// Lists applications in the filter's order: a keyset page after
    /// `after` or before `before` (in the list's order either way), or from
    /// `offset`.
    pub async fn list_applications(&self, filter: &ListFilter) -> Result<Vec<ApplicationSummary>> {
        // The page is chosen from `applications` alone and only its lines
        // are joined to their waitlist places: where the planner sorts the
        // matching lines (the notice: every family on notice, filtered by
        // date, which PostgreSQL misjudges as a handful), the join then
        // runs for a page, not for every match (9.6 ms → 4 ms for 3,000 on
        // notice at 10⁵).
        let (mut sql, texts) = list_where(PAGE_SELECT, filter, true)?;
        let n = texts.len();
        // A page before a cursor is read backwards from it, then turned.
        let backwards = filter.after.is_none() && (filter.before.is_some() || filter.from_end);
        let (time, descending) = order_key(filter.order);
        let dir = if descending != backwards {
            "DESC"
        } else {
            "ASC"
        };
        sql.push_str(&format!(
            " ORDER BY a.{time} {dir}, a.id {dir} LIMIT ${}",
            n + 1
        ));
        let sql = format!(
            "{SUMMARY_SELECT_COLS} FROM ({sql}) a LEFT JOIN waitlist_places w ON w.application_id = a.id \
             ORDER BY a.{time} {dir}, a.id {dir}"
        );
        let mut q = Q::new(sql);
        for t in texts {
            q = q.text(t);
        }
        q = q.int(i64::from(filter.limit));
        let mut pc = self.read_conn().await?;
        let rows = q.fetch_all(&mut pc.conn()).await?;
        let mut out = rows
            .iter()
            .map(summary_from_row)
            .collect::<Result<Vec<_>>>()?;
        if backwards {
            out.reverse();
        }
        Ok(out)
    }

    /// Every qualified family of `districts`, from the waitlist read model
    /// (the summary row's projected columns): one indexed query, nothing
    /// replayed or decrypted. In application-number order.
    pub async fn waitlist_families(
        &self,
        districts: &[DistrictCode],
    ) -> Result<Vec<WaitlistFamily>> {
        if districts.is_empty() {
            return Ok(Vec::new());
        }
        let marks = crate::sql::param_list(2, districts.len());
        let mut q = Q::new(format!(
            "{SUMMARY_SELECT_COLS}, a.scope_code, a.priority_facts, a.household_size {SUMMARY_FROM} \
             WHERE a.status_code = $1 AND a.district IN ({}) ORDER BY a.id",
            marks
        ))
        .text(status_code(StatusKind::Qualified)?);
        for d in districts {
            q = q.text(d.as_str());
        }
        let mut pc = self.read_conn().await?;
        let rows = q.fetch_all(&mut pc.conn()).await?;
        rows.iter()
            .map(|r| {
                let scope = match r.opt_text("scope_code")?.as_deref() {
                    None => None,
                    Some("city") => Some(anju_domain::Scope::City),
                    Some("county_seat") => Some(anju_domain::Scope::CountySeat),
                    Some(other) => return Err(StoreError::Corrupt(format!("scope_code {other}"))),
                };
                let projected = match (r.opt_text("priority_facts")?, r.opt_int("household_size")?)
                {
                    (Some(facts), Some(size)) => Some((
                        serde_json::from_str::<Vec<String>>(&facts)
                            .map_err(|e| StoreError::Corrupt(format!("priority_facts: {e}")))?,
                        u32::try_from(size)
                            .map_err(|_| StoreError::Corrupt(format!("household_size {size}")))?,
                    )),
                    _ => None,
                };
                Ok(WaitlistFamily {
                    summary: summary_from_row(r)?,
                    scope,
                    projected,
                })
            })
            .collect()
    }

    /// One application's list line, by number.
    pub async fn application_summary(
        &self,
        id: &ApplicationId,
    ) -> Result<Option<ApplicationSummary>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!("{SUMMARY_SELECT} WHERE a.id = $1"))
            .text(id.as_str())
            .fetch_optional(&mut pc.conn())
            .await?
            .map(|r| summary_from_row(&r))
            .transpose()
    }

    /// How many applications the filter matches, counted no further than
    /// `cap` (its `limit`, `offset` and cursors ignored): the total a paged
    /// list shows. Exact where the counts read model answers (district,
    /// state, the notice); otherwise the matching lines are counted up to
    /// one past `cap`. A search by a district's number prefix matches a
    /// third of its city, and counting 67,000 of 10⁶ took 150 ms on
    /// PostgreSQL while the page itself took 0.3 ms.
    pub async fn count_listed_upto(&self, filter: &ListFilter, cap: u64) -> Result<ListTotal> {
        if let Some(n) = self.count_from_read_model(filter).await? {
            return Ok(ListTotal::Exact(n));
        }
        let (inner, texts) = list_where("SELECT 1 AS one FROM applications a", filter, false)?;
        let n = texts.len();
        let mut q = Q::new(format!(
            "SELECT COUNT(*) AS n FROM ({inner} LIMIT ${}) c",
            n + 1
        ));
        for t in texts {
            q = q.text(t);
        }
        q = q.int(to_i64(cap.saturating_add(1))?);
        let mut pc = self.read_conn().await?;
        let row = q.fetch_one(&mut pc.conn()).await?;
        let n = to_u64(row.int("n")?)?;
        Ok(if n > cap {
            ListTotal::MoreThan(cap)
        } else {
            ListTotal::Exact(n)
        })
    }

    /// How many applications the filter matches in all (its `limit`,
    /// `offset` and `after` ignored): the total a paged list shows.
    pub async fn count_listed(&self, filter: &ListFilter) -> Result<u64> {
        if let Some(n) = self.count_from_read_model(filter).await? {
            return Ok(n);
        }
        let (sql, texts) = list_where("SELECT COUNT(*) AS n FROM applications a", filter, false)?;
        let mut q = Q::new(sql);
        for t in texts {
            q = q.text(t);
        }
        let mut pc = self.read_conn().await?;
        let row = q.fetch_one(&mut pc.conn()).await?;
        u64::try_from(row.int("n")?).map_err(|_| StoreError::Corrupt("negative count".to_owned()))
    }
    /// The total of a filter that narrows by district and state only (the
    /// work page's usual view), summed from the counts read model instead
    /// of counted; `None` for any other filter. The pattern names every
    /// field, so a new filter cannot be forgotten here.
    ///
    /// The public notice (on notice, its period running on a day) is the
    /// read model's on-notice figure less the families on notice whose
    /// period does not run that day, found by the partial indexes of
    /// migration 0058; both in one statement, so one snapshot.
    async fn count_from_read_model(&self, filter: &ListFilter) -> Result<Option<u64>> {
        let ListFilter {
            district,
            status,
            owner: None,
            notice_on,
            after: _,
            before: _,
            from_end: _,
            search: None,
            category: None,
            submitted_from: None,
            submitted_to: None,
            order: _,
            limit: _,
        } = filter
        else {
            return Ok(None);
        };
        if notice_on.is_some() && *status != Some(StatusKind::OnNotice) {
            return Ok(None);
        }
        let mut conds = Vec::new();
        let mut q = Q::new("");
        if let Some(d) = district {
            conds.push(format!("district = ${}", conds.len() + 1));
            q = q.text(d.as_str());
        }
        if let Some(s) = status {
            conds.push(format!("status_code = ${}", conds.len() + 1));
            q = q.text(status_code(*s)?);
        }
        let mut sql =
            String::from("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n FROM application_counts");
        if !conds.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conds.join(" AND "));
        }
        if let Some(day) = notice_on {
            // Those on notice whose period does not run on `day`: ended
            // (awaiting the bureau) or not yet begun (a notice may be set
            // to start on a later day), each one range of a partial index
            // (an OR of the two was read as a scan of every family on
            // notice). A family on notice always has both dates
            // (`Status::OnNotice` carries them), so none lacks one. Dates
            // are ISO text, so text order is date order. The state is a
            // literal: a partial index's WHERE must appear as written.
            let d = conds.len() + 1;
            q = q.text(day.to_string());
            let mut scope = format!("a.status_code = '{ON_NOTICE}'");
            if let Some(district) = district {
                scope.push_str(&format!(" AND a.district = ${}", d + 1));
                q = q.text(district.as_str());
            }
            let idle = [
                format!("a.notice_end < ${d}"),
                format!("a.notice_start > ${d} AND a.notice_end >= ${d}"),
            ]
            .map(|c| format!(" - (SELECT COUNT(*) FROM applications a WHERE {scope} AND {c})"))
            .concat();
            sql = format!("SELECT ({sql}){idle} AS n");
        }
        let mut pc = self.read_conn().await?;
        let row = q.with_sql(sql).fetch_one(&mut pc.conn()).await?;
        Ok(Some(to_u64(row.int("n")?)?))
    }

    /// The span of the notice periods of the applications the filter
    /// matches — the earliest start and the latest end — read before a
    /// streamed notice export writes its period above the table.
    pub async fn notice_span_listed(
        &self,
        filter: &ListFilter,
    ) -> Result<Option<(NaiveDate, NaiveDate)>> {
        let (sql, texts) = list_where(
            "SELECT MIN(a.notice_start) AS s, MAX(a.notice_end) AS e FROM applications a",
            filter,
            false,
        )?;
        let mut q = Q::new(sql);
        for t in texts {
            q = q.text(t);
        }
        let mut pc = self.read_conn().await?;
        let row = q.fetch_one(&mut pc.conn()).await?;
        let date = |v: Option<String>| v.map(|t| parse_date(&t)).transpose();
        Ok(
            match (date(row.opt_text("s")?)?, date(row.opt_text("e")?)?) {
                (Some(s), Some(e)) => Some((s, e)),
                _ => None,
            },
        )
    }
}

/// The on-notice state's code, as the partial indexes of migration 0058
/// name it (checked against `StatusKind` by a test).
const ON_NOTICE: &str = "on_notice";

/// The columns of a list line from `applications` (the page's inner
/// query; the waitlist place is joined to the page).
const PAGE_SELECT: &str = "SELECT a.id, a.district, a.status_code, a.masked_name, a.masked_id, \
     a.owner_user_id, a.submitted_at, a.updated_at, a.categories_json, a.tier, a.notice_start, \
     a.notice_end, a.qualified_on FROM applications a";

/// The column an order sorts by (ties broken by the application number in
/// the same direction) and whether it runs newest first. Each has its
/// index: `applications_submitted` (and the district, state and owner
/// indexes ending in submitted_at, id) and `applications_updated`
/// (migration 0056).
fn order_key(order: ListOrder) -> (&'static str, bool) {
    match order {
        ListOrder::NewestFirst => ("submitted_at", true),
        ListOrder::OldestFirst => ("submitted_at", false),
        ListOrder::RecentlyUpdated => ("updated_at", true),
    }
}

/// `select` with the filter's conditions appended (parameters `$1…` in the
/// order of the returned texts). `keyset` adds the `after` or `before`
/// cursor.
fn list_where(select: &str, filter: &ListFilter, keyset: bool) -> Result<(String, Vec<String>)> {
    let mut sql = String::from(select);
    let mut conds: Vec<String> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    if let Some(d) = &filter.district {
        texts.push(d.as_str().to_owned());
        conds.push(format!("a.district = ${}", texts.len()));
    }
    if let Some(s) = filter.status {
        texts.push(status_code(s)?);
        conds.push(format!("a.status_code = ${}", texts.len()));
    }
    if let Some(o) = &filter.owner {
        texts.push(o.as_str().to_owned());
        conds.push(format!("a.owner_user_id = ${}", texts.len()));
    }
    if let Some(day) = filter.notice_on {
        // Dates are stored as ISO text, so text order is date order.
        // Written through COALESCE (the same rows: a missing start or end
        // never matches) so that the notice page walks the state's index
        // in its order and stops at a page. On the bare columns
        // PostgreSQL multiplied three independent estimates (on notice,
        // started, not ended: 3 % each, so 3 rows of 10⁵ when 2,994
        // matched) and sorted every family on notice instead (14 ms at
        // 10⁵, 250 ms for 30,000 on notice at 10⁶); an expression has no
        // statistics, so its estimate is the planner's default share and
        // the ordered walk wins. COALESCE also implies no `IS NOT NULL`,
        // which keeps the page off the partial indexes of migration 0058
        // (through them it read and sorted every family on notice).
        texts.push(day.to_string());
        let i = texts.len();
        conds.push(format!(
            "COALESCE(a.notice_start, '9999-12-31') <= ${i} AND COALESCE(a.notice_end, '') >= ${i}"
        ));
    }
    match &filter.search {
        Some(ListSearch::IdPrefix(p)) => {
            // A range rather than LIKE: it uses the primary key on both
            // backends and needs no escaping of `%` or `_`.
            texts.push(p.clone());
            let lo = texts.len();
            texts.push(format!("{p}\u{10FFFF}"));
            let hi = texts.len();
            conds.push(format!("a.id >= ${lo} AND a.id < ${hi}"));
        }
        Some(ListSearch::MaskedName(m)) => {
            texts.push(m.clone());
            conds.push(format!("a.masked_name = ${}", texts.len()));
        }
        Some(ListSearch::Surname(p)) => {
            texts.push(p.clone());
            let lo = texts.len();
            texts.push(format!("{p}\u{10FFFF}"));
            let hi = texts.len();
            conds.push(format!("a.masked_name >= ${lo} AND a.masked_name < ${hi}"));
        }
        Some(ListSearch::IdTail(t)) => {
            // The same expression as the `applications_id_tail_only` index,
            // in a subquery: beside an ORDER BY on the submission time the
            // planner would otherwise walk the time index and compute the
            // tail of every row (80 ms at 10⁵ on SQLite).
            texts.push(t.clone());
            conds.push(format!(
                "a.id IN (SELECT t.id FROM applications t WHERE substr(t.masked_id, 15, 4) = ${})",
                texts.len()
            ));
        }
        None => {}
    }
    if let Some(c) = &filter.category {
        // Codes are policy identifiers (letters, digits, `_`), checked by
        // the caller, so the quoted code cannot contain LIKE wildcards
        // other than `_`, which is escaped.
        texts.push(format!("%\"{}\"%", c.replace('_', "\\_")));
        conds.push(format!(
            "a.categories_json LIKE ${} ESCAPE '\\'",
            texts.len()
        ));
    }
    // Stored as Beijing-time text (`Timestamp::to_rfc3339`), so text order
    // is time order and a day starts at its `T00:00:00`.
    if let Some(d) = filter.submitted_from {
        texts.push(format!("{d}T00:00:00"));
        conds.push(format!("a.submitted_at >= ${}", texts.len()));
    }
    if let Some(d) = filter.submitted_to {
        let next = d.succ_opt().unwrap_or(d);
        texts.push(format!("{next}T00:00:00"));
        conds.push(format!("a.submitted_at < ${}", texts.len()));
    }
    // Keyset paging, in the list's own order: after a cursor (the next
    // page) or before it (the previous page).
    let cursor = match (&filter.after, &filter.before) {
        (Some(c), _) => Some((c, false)),
        (None, Some(c)) => Some((c, true)),
        (None, None) => None,
    };
    if let (true, Some((c, backwards))) = (keyset, cursor) {
        let (time, descending) = order_key(filter.order);
        texts.push(c.at.to_rfc3339());
        let t = texts.len();
        texts.push(c.id.as_str().to_owned());
        let i = texts.len();
        // A row-value comparison, not `t < $t OR (t = $t AND id < $i)`:
        // both engines read it as one range on (time, id), where
        // PostgreSQL walked the OR form's index filtering every row above
        // the cursor (76 ms for a page of 1,000 at depth 5 × 10⁴, 8 ms now).
        let op = if descending != backwards { "<" } else { ">" };
        conds.push(format!("(a.{time}, a.id) {op} (${t}, ${i})"));
    }
    if !conds.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conds.join(" AND "));
    }
    Ok((sql, texts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_indexes_name_the_on_notice_state() {
        assert_eq!(
            status_code(StatusKind::OnNotice).ok().as_deref(),
            Some(ON_NOTICE)
        );
    }
}
