//! `anju calendar`: working days per the State Council's holiday notices.

use anju_calendar::Calendar;
use clap::Subcommand;

use crate::{parse_date, Fail};

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// Prints true when the date is a working day, false otherwise.
    IsWorkday { date: String },
    /// Prints the Nth working day after the date (the date itself not counted).
    AddWorkdays { date: String, n: u32 },
    /// Prints the last day of a notice of N working days starting on the date.
    NoticeEnd { date: String, n: u32 },
    /// Lists the years on file and the notice each comes from.
    Years,
}

pub fn run(cmd: CalendarCommand) -> Result<(), Fail> {
    let cal = Calendar::try_builtin()?;
    match cmd {
        CalendarCommand::IsWorkday { date } => {
            let d = parse_date(&date, "DATE")?;
            println!("{}", cal.is_workday(d)?);
        }
        CalendarCommand::AddWorkdays { date, n } => {
            let d = parse_date(&date, "DATE")?;
            println!("{}", cal.add_workdays(d, n)?);
        }
        CalendarCommand::NoticeEnd { date, n } => {
            let d = parse_date(&date, "DATE")?;
            println!("{}", cal.notice_end(d, n)?);
        }
        CalendarCommand::Years => {
            for y in cal.years() {
                match cal.notice(y) {
                    Some(n) => println!("{y}\t{}\t{}", n.title(), n.url()),
                    None => println!("{y}"),
                }
            }
        }
    }
    Ok(())
}
