//! Fixed-window request counters shared by every process on the database
//! (table `rate_windows`): the public tip line's and the sign-in form's
//! per-address limits, which must hold however many anju processes serve
//! behind one address.

use super::*;

impl Accounts<'_> {
    /// Counts one hit on `key` in the window of `window_secs` that is open
    /// at `now_secs` (Unix seconds; a window older than that is restarted
    /// at `now_secs`), and returns the hits in the window, this one
    /// included. One statement: concurrent hits from several processes are
    /// all counted (on PostgreSQL a serialisation failure reruns it). Rows
    /// of windows that ended are removed when a window starts.
    pub async fn count_hit(&self, key: &str, now_secs: i64, window_secs: i64) -> Result<u64> {
        let stale = now_secs - window_secs;
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let mut c = tx.conn();
            // In SET, every expression sees the row as it was.
            let hits = Q::new(
                "INSERT INTO rate_windows (window_key, window_start, hits) VALUES ($1, $2, 1) \
                 ON CONFLICT (window_key) DO UPDATE SET \
                 hits = CASE WHEN rate_windows.window_start <= $3 THEN 1 ELSE rate_windows.hits + 1 END, \
                 window_start = CASE WHEN rate_windows.window_start <= $3 THEN $2 ELSE rate_windows.window_start END \
                 RETURNING hits",
            )
            .text(key)
            .int(now_secs)
            .int(stale)
            .fetch_one(&mut c)
            .await?
            .int("hits")?;
            if hits == 1 {
                // Old windows of every key: at most once per window start,
                // through the index on window_start.
                Q::new("DELETE FROM rate_windows WHERE window_start <= $1")
                    .int(now_secs - window_secs.max(86_400))
                    .execute(&mut c)
                    .await?;
            }
            tx.commit().await?;
            Ok(u64::try_from(hits).unwrap_or(0))
        })
    }
}
