//! The family's timeline follows the lifecycle: steps done with their day,
//! the step under way, and what happens next.

mod common;

use anju_domain::timeline::{timeline, Next, Step, StepState};
use anju_domain::*;
use common::*;

fn states(s: &Story) -> Vec<StepState> {
    timeline(s.app.status(), &s.events)
        .steps
        .into_iter()
        .map(|(_, st)| st)
        .collect()
}

fn is_done(x: &StepState) -> bool {
    matches!(x, StepState::Done(_))
}

#[test]
fn a_submitted_application_waits_for_the_street() {
    let s = Story::submitted();
    let t = timeline(s.app.status(), &s.events);
    assert_eq!(t.steps[0].0, Step::Submitted);
    assert!(is_done(&t.steps[0].1));
    assert_eq!(t.steps[1].1, StepState::Current);
    assert!(t.steps[2..].iter().all(|(_, x)| *x == StepState::Upcoming));
    assert_eq!(t.next, Next::StreetReview);
}

#[test]
fn a_returned_application_asks_the_family_to_correct() {
    let s = Story::returned();
    let t = timeline(s.app.status(), &s.events);
    assert!(matches!(t.next, Next::Correct { ref reason } if !reason.is_empty()));
    assert_eq!(t.steps[1].1, StepState::Current);
}

#[test]
fn verification_names_the_departments_still_to_answer() {
    let s = Story::under_verification();
    match timeline(s.app.status(), &s.events).next {
        Next::Verification { waiting } => assert_eq!(waiting.len(), 5),
        other => panic!("{other:?}"),
    }
    assert_eq!(states(&s)[2], StepState::Current);
    assert!(is_done(&states(&s)[1]));
}

#[test]
fn on_notice_says_until_when() {
    let s = Story::on_notice();
    let t = timeline(s.app.status(), &s.events);
    let Status::OnNotice { notice_end, .. } = s.app.status() else {
        panic!("on notice")
    };
    assert_eq!(t.next, Next::OnNotice { end: *notice_end });
    assert_eq!(t.steps[4].1, StepState::Current);
    assert!(t.steps[..4].iter().all(|(_, x)| is_done(x)));
}

#[test]
fn a_qualified_family_has_every_step_done() {
    let s = Story::qualified();
    assert!(states(&s).iter().all(is_done), "{:?}", states(&s));
    assert!(matches!(
        timeline(s.app.status(), &s.events).next,
        Next::Waitlist { .. }
    ));
}

#[test]
fn a_rejection_or_withdrawal_stops_what_was_to_come() {
    for (s, next) in [
        (Story::rejected_by_street(), Next::MayRequestReview),
        (Story::review_requested(), Next::UnderReview),
        (Story::withdrawn(), Next::Ended),
    ] {
        let t = timeline(s.app.status(), &s.events);
        assert_eq!(t.next, next);
        assert!(is_done(&t.steps[0].1));
        assert_eq!(t.steps[5].1, StepState::Stopped);
        assert!(!t.steps.iter().any(|(_, x)| *x == StepState::Current));
    }
}

#[test]
fn an_office_hears_of_files_that_come_back_or_are_contested() {
    use anju_domain::timeline::{news_for_office, OfficeNews};
    let s = Story::returned();
    assert_eq!(news_for_office(s.events.last().expect("an event")), None);
    let s = s.act(Action::Resubmit, &family());
    let news = news_for_office(s.events.last().expect("an event"));
    assert_eq!(news, Some(OfficeNews::Resubmitted));
    assert_eq!(news.map(OfficeNews::office), Some(Role::Street));
    for n in OfficeNews::ALL {
        assert_eq!(OfficeNews::from_code(n.code()), Some(n));
        assert!(timeline_codes_differ(n.code()), "{}", n.code());
    }
}

/// Office codes never read as a family's news.
fn timeline_codes_differ(code: &str) -> bool {
    anju_domain::timeline::News::from_code(code).is_none()
}

/// A deadline is reminded of from three calendar days before it to the day
/// itself, never after; every news kind reads back from its stored code.
#[test]
fn deadlines_are_reminded_of_three_days_ahead() {
    use anju_domain::timeline::{reminder_due, reminder_window, News};
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    let deadline = d("2026-10-15");
    assert!(!reminder_due(deadline, d("2026-10-11")));
    assert!(reminder_due(deadline, d("2026-10-12")));
    assert!(reminder_due(deadline, d("2026-10-15")));
    assert!(!reminder_due(deadline, d("2026-10-16")));
    assert_eq!(
        reminder_window(d("2026-10-12")),
        (d("2026-10-12"), d("2026-10-15"))
    );
    for n in News::ALL {
        assert_eq!(News::from_code(n.code()), Some(n), "{}", n.code());
    }
}
