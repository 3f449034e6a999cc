//! Figures about applications, read from the `applications` and
//! `waitlist_places` tables' own columns (grouped queries, no events
//! replayed): totals, states per district for the staff dashboard, notices
//! past their end, waitlist sizes. Methods of the applications handle.

use super::*;

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
    /// `district`'s when given): the staff dashboard. One grouped query on
    /// the `applications_district` index.
    pub async fn status_counts(
        &self,
        district: Option<&DistrictCode>,
    ) -> Result<Vec<(DistrictCode, StatusKind, u64)>> {
        let q = match district {
            Some(d) => Q::new(
                "SELECT district, status_code, COUNT(*) AS n FROM applications WHERE district = $1 \
                 GROUP BY district, status_code ORDER BY district, status_code",
            )
            .text(d.as_str().to_string()),
            None => Q::new(
                "SELECT district, status_code, COUNT(*) AS n FROM applications \
                 GROUP BY district, status_code ORDER BY district, status_code",
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
