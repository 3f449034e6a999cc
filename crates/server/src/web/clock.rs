//! The server's notion of "now". Production uses the system clock in
//! Asia/Shanghai; `anju serve --today DATE` pins the civil date, so a
//! demonstration or an end-to-end test can walk past a 5-working-day public
//! notice without waiting a week. Every decision records the date it used.

use anju_domain::Timestamp;
use chrono::{Duration, NaiveDate, Utc};

#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// When set, the civil date is this day (the time of day is kept).
    pub pinned_date: Option<NaiveDate>,
}

impl Clock {
    pub fn system() -> Self {
        Clock { pinned_date: None }
    }

    pub fn pinned(date: NaiveDate) -> Self {
        Clock {
            pinned_date: Some(date),
        }
    }

    /// Now, in Asia/Shanghai (UTC+8, no daylight saving since 1991).
    pub fn now(&self) -> Timestamp {
        let real = Utc::now();
        match self.pinned_date {
            None => Timestamp::from_datetime(&real),
            Some(d) => {
                let local_time = (real + Duration::hours(8)).time();
                Timestamp::from_shanghai(d.and_time(local_time))
                    .unwrap_or_else(|| Timestamp::from_datetime(&real))
            }
        }
    }

    pub fn today(&self) -> NaiveDate {
        self.pinned_date
            .unwrap_or_else(|| (Utc::now() + Duration::hours(8)).date_naive())
    }
}
