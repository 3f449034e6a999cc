//! Figures about applications, read from the `applications` and
//! `waitlist_places` tables' own columns (grouped queries, no events
//! replayed) and from the counts read model (`application_counts`): totals,
//! states per district for the staff dashboard and the work page, notices
//! past their end, waitlist sizes. Methods of the applications handle, and
//! the statements that keep the counts read model.

use super::*;

// ------------------------------------------------------ the counts read model
//
// `application_counts` holds how many applications stand in each state, per
// district (migration 0055). Every write that creates an application or
// changes its state changes the count in the same transaction, through the
// statements below: `create_application…` (+1), `append_event…` (a move
// from the old state to the new), the bulk path (`+k` per district and
// state), and the holdings bench's synthetic holders. The rows are taken in
// (district, status) order (one statement for a move, sorted maps for the
// bulk path), after the application's own row and the waitlist counter and
// before the audit head, so two writers never wait for each other in
// opposite orders. Only one writer per process writes at a time
// (`Core::begin_write`); between processes on PostgreSQL the second writer
// of a count waits for the first and is retried (SERIALIZABLE), as for the
// audit head, which every write already takes.

/// Makes sure the row of (`district`, `status`) exists (with 0), so that
/// [`count_add`] finds it. Portable SQL (no `ON CONFLICT`); two processes
/// creating the same row at once: one fails with a unique violation, which
/// [`count_contention`] turns into a retry.
pub(super) fn count_ensure(district: &str, status: &str) -> Q {
    Q::new(
        "INSERT INTO application_counts (district, status_code, n) SELECT $1, $2, 0 \
         WHERE NOT EXISTS (SELECT 1 FROM application_counts WHERE district = $1 AND status_code = $2)",
    )
    .text(district)
    .text(status)
}

/// Adds `delta` to the count of (`district`, `status`) (after
/// [`count_ensure`]).
pub(super) fn count_add(district: &str, status: &str, delta: i64) -> Q {
    Q::new("UPDATE application_counts SET n = n + $3 WHERE district = $1 AND status_code = $2")
        .text(district)
        .text(status)
        .int(delta)
}

/// Adds `delta` to the count of (`district`, `status`), creating the row
/// if need be, in one statement: for a [`Script`], whose parts on
/// PostgreSQL share one snapshot, so an update there would not see the row
/// an ensure beside it created. Two processes creating the row at once:
/// the second waits for the first and adds to it (or, under
/// `SERIALIZABLE`, fails and is retried).
pub(super) fn count_upsert(district: &str, status: &str, delta: i64) -> Q {
    Q::new(
        "INSERT INTO application_counts (district, status_code, n) VALUES ($1, $2, $3) \
         ON CONFLICT (district, status_code) DO UPDATE SET n = application_counts.n + excluded.n",
    )
    .text(district)
    .text(status)
    .int(delta)
}

/// One application of `district` moves from state `from` to `to` (which
/// differ), inside the caller's transaction: `to`'s row ensured, then both
/// rows in one statement, so they are locked in the index's order whatever
/// the direction of the move.
pub(super) async fn move_count(
    c: &mut crate::sql::Conn<'_>,
    district: &str,
    from: &str,
    to: &str,
) -> Result<()> {
    count_ensure(district, to)
        .execute(c)
        .await
        .map_err(count_contention)?;
    Q::new(
        "UPDATE application_counts SET n = n + CASE WHEN status_code = $2 THEN -1 ELSE 1 END \
         WHERE district = $1 AND status_code IN ($2, $3)",
    )
    .text(district)
    .text(from)
    .text(to)
    .execute(c)
    .await?;
    Ok(())
}

/// A unique violation of [`count_ensure`]'s insert means another process
/// created the same row first: contention, so the whole write is rerun (and
/// then finds the row).
pub(super) fn count_contention(e: sqlx::Error) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::Contention(format!("application_counts: {e}"))
    } else {
        e.into()
    }
}

/// Adds `delta` to (`district`, `status`) inside the caller's transaction.
pub(crate) async fn add_to_count(
    c: &mut crate::sql::Conn<'_>,
    district: &str,
    status: &str,
    delta: i64,
) -> Result<()> {
    count_ensure(district, status)
        .execute(c)
        .await
        .map_err(count_contention)?;
    count_add(district, status, delta).execute(c).await?;
    Ok(())
}

impl Applications<'_> {
    /// For demo seeding and tests: number of applications.
    pub async fn count_applications(&self) -> Result<u64> {
        let mut pc = self.read_conn().await?;
        let row = Q::new("SELECT COUNT(*) AS n FROM applications")
            .fetch_one(&mut pc.conn())
            .await?;
        u64::try_from(row.int("n")?).map_err(|_| StoreError::Corrupt("negative count".to_owned()))
    }

    /// How many applications stand in each state, per district (only
    /// `district`'s when given; states nobody stands in are left out): the
    /// staff dashboard and the work page. Read from the counts read model,
    /// a few dozen rows whatever the number of applications (the grouped
    /// scan it replaces took 54–73 ms city-wide at 10⁵ on PostgreSQL).
    pub async fn status_counts(
        &self,
        district: Option<&DistrictCode>,
    ) -> Result<Vec<(DistrictCode, StatusKind, u64)>> {
        let q = match district {
            Some(d) => Q::new(
                "SELECT district, status_code, n FROM application_counts WHERE district = $1 AND n > 0 \
                 ORDER BY district, status_code",
            )
            .text(d.as_str().to_string()),
            None => Q::new(
                "SELECT district, status_code, n FROM application_counts WHERE n > 0 \
                 ORDER BY district, status_code",
            ),
        };
        let mut pc = self.read_conn().await?;
        let rows = q.fetch_all(&mut pc.conn()).await?;
        rows.iter()
            .map(|r| {
                Ok((
                    DistrictCode::parse(&r.text("district")?).map_err(corrupt)?,
                    parse_status(&r.text("status_code")?)?,
                    to_u64(r.int("n")?)?,
                ))
            })
            .collect()
    }

    /// Applications whose public notice ended before `today` and that still
    /// wait for the district bureau's confirmation, per district.
    pub async fn notices_past_end(
        &self,
        today: chrono::NaiveDate,
        district: Option<&DistrictCode>,
    ) -> Result<Vec<(DistrictCode, u64)>> {
        let mut sql = "SELECT district, COUNT(*) AS n FROM applications \
                       WHERE status_code = 'on_notice' AND notice_end < $1"
            .to_string();
        if district.is_some() {
            sql.push_str(" AND district = $2");
        }
        sql.push_str(" GROUP BY district ORDER BY district");
        let mut q = Q::new(sql).text(today.to_string());
        if let Some(d) = district {
            q = q.text(d.as_str().to_string());
        }
        let mut pc = self.read_conn().await?;
        let rows = q.fetch_all(&mut pc.conn()).await?;
        rows.iter()
            .map(|r| {
                Ok((
                    DistrictCode::parse(&r.text("district")?).map_err(corrupt)?,
                    to_u64(r.int("n")?)?,
                ))
            })
            .collect()
    }

    /// How many families hold a waitlist place, per district (by code).
    pub async fn waitlist_counts(&self) -> Result<Vec<(DistrictCode, u64)>> {
        let mut pc = self.read_conn().await?;
        let rows = Q::new(
            "SELECT district, COUNT(*) AS n FROM waitlist_places GROUP BY district ORDER BY district",
        )
        .fetch_all(&mut pc.conn())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    DistrictCode::parse(&r.text("district")?).map_err(corrupt)?,
                    to_u64(r.int("n")?)?,
                ))
            })
            .collect()
    }
}
