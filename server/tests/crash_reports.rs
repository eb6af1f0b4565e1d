//! Crash reports riding on a sync (decision 20): kept with who sent them, a bad one dropped
//! without failing the sync, a resent one kept once, on each backend.

mod support;

use pingan_shared::sync::protocol::{Position, SyncRequest};
use support::{Backend, Login, Township, on_both_backends};

on_both_backends!(
    reports_are_kept_with_the_user_and_device_and_bad_ones_dropped,
    a_report_resent_after_a_lost_answer_is_kept_once,
    only_the_first_ten_reports_of_a_request_are_read,
    one_entry_may_carry_several_reports_a_line_each,
);

fn report(at_ms: i64, screen: &str) -> String {
    format!(
        r#"{{"build":"0123456789ab","at_ms":{at_ms},"screen":"{screen}","kind":"wasm-trap","detail":"unreachable","frames":[[812,74565],[90,1234]]}}"#
    )
}

fn request(login: &Login, crash_reports: Vec<String>) -> SyncRequest {
    SyncRequest {
        device_id: login.device_id.clone(),
        position: Position::Start,
        documents: Vec::new(),
        crash_reports,
    }
}

async fn reports_are_kept_with_the_user_and_device_and_bad_ones_dropped(backend: Backend) {
    let township = Township::on(backend).await;
    let phone = township.login("worker-xingfu", "phone-1").await;
    let reports = vec![
        report(1_000, "tab-households"),
        "not json at all".to_owned(),
        report(2_000, "张建国的户"),
        "x".repeat(9_000),
        report(3_000, "tab-disputes"),
    ];
    // The sync itself succeeds: township.sync asserts a 200.
    township.sync(&phone, &request(&phone, reports)).await;

    let kept = township.store.crash_reports(50).await.unwrap();
    let seen: Vec<(i64, &str)> = kept
        .iter()
        .map(|c| (c.report.crashed_at_ms, c.report.screen.as_str()))
        .collect();
    assert_eq!(
        seen,
        vec![(3_000, "tab-disputes"), (1_000, "tab-households")],
        "newest first, the malformed ones dropped"
    );
    for crash in &kept {
        assert_eq!(crash.username, "worker-xingfu");
        assert_eq!(crash.device_id, "phone-1");
        assert_eq!(crash.report.build, "0123456789ab");
        assert_eq!(crash.report.frames.len(), 2);
        assert_eq!(crash.report.frames[0].function, 812);
        assert!(crash.received_at_ms > 0);
    }
}

async fn a_report_resent_after_a_lost_answer_is_kept_once(backend: Backend) {
    let township = Township::on(backend).await;
    let phone = township.login("worker-xingfu", "phone-1").await;
    let sent = request(&phone, vec![report(1_000, "tab-households")]);
    township.sync(&phone, &sent).await;
    township.sync(&phone, &sent).await;
    assert_eq!(township.store.crash_reports(50).await.unwrap().len(), 1);
}

async fn only_the_first_ten_reports_of_a_request_are_read(backend: Backend) {
    let township = Township::on(backend).await;
    let phone = township.login("worker-xingfu", "phone-1").await;
    let reports = (1..=12).map(|at| report(at, "tab-visits")).collect();
    township.sync(&phone, &request(&phone, reports)).await;
    let kept = township.store.crash_reports(50).await.unwrap();
    assert_eq!(kept.len(), 10);
    assert_eq!(kept[0].report.crashed_at_ms, 10);
}

/// The field app sends what its page kept as one text, a report a line.
async fn one_entry_may_carry_several_reports_a_line_each(backend: Backend) {
    let township = Township::on(backend).await;
    let phone = township.login("worker-xingfu", "phone-1").await;
    let kept_on_phone = format!(
        "{}\n{}\n",
        report(1_000, "tab-households"),
        report(2_000, "tab-visits")
    );
    township
        .sync(&phone, &request(&phone, vec![kept_on_phone]))
        .await;
    assert_eq!(township.store.crash_reports(50).await.unwrap().len(), 2);
}
