//! A family's stated housing preference from the application form
//! (issue 15), in clear beside the application (migration 0080; why it is
//! not personal data: `anju_domain::preference`). Written once, in the
//! submitting transaction; read by the application page and by
//! acquisition's demand survey.

use anju_domain::preference::{PreferredSize, StatedPreference};

use super::*;

/// The insert for `create_application_replacing_draft`'s script.
pub(super) fn preference_insert(id: &str, p: &StatedPreference, on: NaiveDate) -> Q {
    Q::new(
        "INSERT INTO application_preferences (application_id, size_band, layout, location, recorded_on) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .text(id)
    .text(p.size.map_or("", PreferredSize::code))
    .text(&p.layout)
    .text(&p.location)
    .text(on.format("%Y-%m-%d").to_string())
}

fn preference_of(r: &Row) -> Result<(String, StatedPreference, NaiveDate)> {
    let on = NaiveDate::parse_from_str(&r.text("recorded_on")?, "%Y-%m-%d").map_err(corrupt)?;
    Ok((
        r.text("application_id")?,
        StatedPreference {
            size: PreferredSize::parse(&r.text("size_band")?),
            layout: r.text("layout")?,
            location: r.text("location")?,
        },
        on,
    ))
}

/// Ids per statement when reading the preferences of many applications.
const CHUNK: usize = 500;

impl Applications<'_> {
    /// The preference stated on application `id`'s form, with its day.
    pub async fn application_preference(
        &self,
        id: &str,
    ) -> Result<Option<(StatedPreference, NaiveDate)>> {
        let mut pc = self.read_conn().await?;
        let row = Q::new(
            "SELECT application_id, size_band, layout, location, recorded_on \
             FROM application_preferences WHERE application_id = $1",
        )
        .text(id)
        .fetch_optional(&mut pc.conn())
        .await?;
        row.map(|r| preference_of(&r).map(|(_, p, on)| (p, on)))
            .transpose()
    }

    /// The preferences stated on the forms of these applications (those
    /// without one are left out), `CHUNK` ids a statement.
    pub async fn application_preferences(
        &self,
        ids: &[String],
    ) -> Result<Vec<(String, StatedPreference, NaiveDate)>> {
        let mut pc = self.read_conn().await?;
        let mut out = Vec::new();
        for chunk in ids.chunks(CHUNK) {
            let marks = crate::sql::param_list(1, chunk.len());
            let mut q = Q::new(format!(
                "SELECT application_id, size_band, layout, location, recorded_on \
                 FROM application_preferences WHERE application_id IN ({}) ORDER BY application_id",
                marks
            ));
            for id in chunk {
                q = q.text(id);
            }
            for r in q.fetch_all(&mut pc.conn()).await? {
                out.push(preference_of(&r)?);
            }
        }
        Ok(out)
    }
}
