//! The replica over memory storage, against answers written by hand: the rules of the module
//! documentation, one test each. End-to-end runs against a real server are in `tests/`.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use automerge::ActorId;
use serde_bytes::ByteBuf;

use super::*;
use crate::records::Authorship;
use crate::records::household::Household;
use crate::session::VillageName;
use crate::sync::memory::{Fault, MemoryStorage};
use crate::sync::protocol::{Accepted, RefusalCode, SavedDocument};

/// Memory storage never waits, so its futures finish on the first poll.
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(value) => value,
        Poll::Pending => panic!("memory storage never waits"),
    }
}

fn actor(n: u8) -> ActorId {
    ActorId::from([n; 16].as_slice())
}

fn household(head: &str) -> Household {
    household_in("xingfu", head)
}

fn household_in(village: &str, head: &str) -> Household {
    let by = Authorship {
        village: village.into(),
        created_by: "worker1".into(),
        created_at_ms: 0,
    };
    Household::new(&by, "3组", "幸福村3组12号", head)
}

fn id(n: u8) -> String {
    format!("{n:032x}")
}

fn phone() -> Replica<MemoryStorage> {
    Replica::new(MemoryStorage::new("phone-1", actor(9)))
}

/// A document made on the phone and saved, not yet synced.
fn saved_on_phone(replica: &Replica<MemoryStorage>, n: u8, head: &str) -> String {
    let doc = document::create(actor(9), &household(head));
    replica.storage().save(&id(n), doc);
    id(n)
}

/// A page of saved documents from the server, made by another device.
fn snapshot_page(ids: &[u8], after: u8, more: bool) -> SyncResponse {
    let documents = ids
        .iter()
        .map(|n| SavedDocument {
            document_id: id(*n),
            data: ByteBuf::from(document::create(actor(1), &household("王建国")).save()),
        })
        .collect();
    SyncResponse {
        documents,
        position: if more {
            Position::Snapshot {
                after_id: id(after),
                feed_at: 40,
            }
        } else {
            Position::Feed { seq: 40 }
        },
        more,
        ..SyncResponse::default()
    }
}

fn accepting(ids: &[String], position: Position) -> SyncResponse {
    SyncResponse {
        accepted: ids
            .iter()
            .map(|id| Accepted {
                document_id: id.clone(),
                heads: vec![ByteBuf::from(vec![0xee; 32])],
            })
            .collect(),
        position,
        ..SyncResponse::default()
    }
}

#[test]
fn a_request_carries_the_stored_position_and_the_pending_changes() {
    let mut replica = phone();
    let a = saved_on_phone(&replica, 1, "王建国");
    ready(replica.receive(snapshot_page(&[], 0, false))).unwrap();
    let request = ready(replica.request()).unwrap();
    assert_eq!(request.device_id, "phone-1");
    assert_eq!(request.position, Position::Feed { seq: 40 });
    assert_eq!(request.documents.len(), 1);
    assert_eq!(request.documents[0].document_id, a);
}

#[test]
fn acknowledgement_uses_the_heads_the_device_sent_not_the_servers() {
    let mut replica = phone();
    let a = saved_on_phone(&replica, 1, "王建国");
    let sent_heads = replica.storage().document(&a).unwrap().get_heads();
    ready(replica.request()).unwrap();
    // The worker edits the record while the upload is in flight.
    let mut doc = replica.storage().document(&a).unwrap();
    document::update(&mut doc, &household("李秀兰"));
    doc.commit();
    replica.storage().save(&a, doc);

    let page = ready(replica.receive(accepting(
        std::slice::from_ref(&a),
        Position::Feed { seq: 7 },
    )))
    .unwrap();
    assert_eq!(page.stored.uploaded, 1);
    assert_eq!(page.next, Next::Done);
    let state = replica.storage().sync_state(&a).unwrap();
    assert_eq!(state.acknowledged, sent_heads);
    // The edit made meanwhile is still to send.
    assert_eq!(replica.storage().unacknowledged_count(), 1);
    assert_eq!(ready(replica.request()).unwrap().documents.len(), 1);
}

#[test]
fn an_acceptance_for_something_not_sent_acknowledges_nothing() {
    let mut replica = phone();
    let a = saved_on_phone(&replica, 1, "王建国");
    let page = ready(replica.receive(accepting(&[a], Position::Feed { seq: 1 }))).unwrap();
    assert_eq!(page.stored.uploaded, 0);
    assert_eq!(replica.storage().unacknowledged_count(), 1);
}

#[test]
fn a_lost_response_leaves_the_position_where_it_was() {
    let mut replica = phone();
    ready(replica.receive(snapshot_page(&[], 0, false))).unwrap();
    saved_on_phone(&replica, 1, "王建国");
    ready(replica.request()).unwrap();
    assert_eq!(
        ready(replica.on_failure(Failure::Network)),
        Next::RetryAfter(FIRST_RETRY_MS)
    );
    let again = ready(replica.request()).unwrap();
    assert_eq!(again.position, Position::Feed { seq: 40 });
    assert_eq!(again.documents.len(), 1);
}

#[test]
fn a_page_the_storage_fails_to_commit_moves_nothing_and_comes_again() {
    for fault in [Fault::WriteFails, Fault::Aborted, Fault::QuotaExceeded] {
        let mut replica = phone();
        replica.storage().fail_page(2, fault);
        ready(replica.request()).unwrap();
        let first = ready(replica.receive(snapshot_page(&[1, 2], 2, true))).unwrap();
        assert_eq!(first.next, Next::Continue);
        let after_first = replica.storage().stored_position();

        ready(replica.request()).unwrap();
        let error = ready(replica.receive(snapshot_page(&[3, 4], 4, true))).unwrap_err();
        assert!(
            matches!(error, RoundError::Storage(_)),
            "{fault:?}: {error}"
        );
        assert_eq!(
            replica.storage().stored_position(),
            after_first,
            "{fault:?}"
        );
        assert_eq!(replica.storage().document_ids(), vec![id(1), id(2)]);

        // Asked again from where the storage stands, the same page arrives and is kept.
        let request = ready(replica.request()).unwrap();
        assert_eq!(request.position, after_first);
        ready(replica.receive(snapshot_page(&[3, 4], 4, true))).unwrap();
        ready(replica.receive(snapshot_page(&[5], 5, false))).unwrap();
        assert_eq!(replica.storage().document_ids().len(), 5, "{fault:?}");
        assert_eq!(
            replica.storage().stored_position(),
            Position::Feed { seq: 40 }
        );
    }
}

#[test]
fn a_crash_between_pages_resumes_from_the_last_committed_page() {
    let mut replica = phone();
    ready(replica.request()).unwrap();
    ready(replica.receive(snapshot_page(&[1, 2], 2, true))).unwrap();
    // The phone dies: only what storage committed survives.
    let mut replica = Replica::new(replica.into_storage());
    let request = ready(replica.request()).unwrap();
    assert_eq!(
        request.position,
        Position::Snapshot {
            after_id: id(2),
            feed_at: 40
        }
    );
}

#[test]
fn changes_missing_what_they_depend_on_stop_the_round_and_restart_the_download() {
    let mut replica = phone();
    ready(replica.receive(snapshot_page(&[], 0, false))).unwrap();
    // Another device's document: its first change never reached this phone.
    let mut theirs = document::create(actor(1), &household("王建国"));
    let base = theirs.get_heads();
    document::update(&mut theirs, &household("李秀兰"));
    let later = document::changes_since(&mut theirs, &base);
    let response = SyncResponse {
        changes: vec![DocumentChanges {
            document_id: id(7),
            changes: later.into_iter().map(ByteBuf::from).collect(),
        }],
        position: Position::Feed { seq: 41 },
        ..SyncResponse::default()
    };
    let error = ready(replica.receive(response)).unwrap_err();
    assert_eq!(
        error,
        RoundError::MissingDependencies { document_id: id(7) }
    );
    assert!(replica.storage().document_ids().is_empty());
    assert_eq!(replica.storage().stored_position(), Position::Start);
}

#[test]
fn a_position_the_server_never_issued_sends_the_device_back_to_start() {
    let mut replica = phone();
    ready(replica.receive(snapshot_page(&[1], 1, false))).unwrap();
    ready(replica.request()).unwrap();
    assert_eq!(
        ready(replica.on_failure(Failure::UnknownPosition)),
        Next::Continue
    );
    assert_eq!(ready(replica.request()).unwrap().position, Position::Start);
    // What it holds stays: a download from the start merges into it.
    assert_eq!(replica.storage().document_ids(), vec![id(1)]);
}

#[test]
fn a_refused_record_is_not_resent_until_the_worker_edits_it() {
    let mut replica = phone();
    let a = saved_on_phone(&replica, 1, "");
    ready(replica.request()).unwrap();
    let response = SyncResponse {
        rejected: vec![Rejected {
            document_id: a.clone(),
            code: crate::sync::protocol::RefusalCode::InvalidRecord,
            message: "invalid".into(),
            errors: vec![crate::validation::FieldError::new(
                "head_of_household",
                "请填写户主姓名",
                "head of household is required",
            )],
        }],
        position: Position::Feed { seq: 2 },
        ..SyncResponse::default()
    };
    let page = ready(replica.receive(response)).unwrap();
    assert_eq!(page.stored.refused, 1);
    let state = replica.storage().sync_state(&a).unwrap();
    assert_eq!(state.refused.unwrap().reason, "请填写户主姓名");
    assert!(ready(replica.request()).unwrap().documents.is_empty());

    let mut doc = replica.storage().document(&a).unwrap();
    document::update(&mut doc, &household("王建国"));
    doc.commit();
    replica.storage().save(&a, doc);
    assert_eq!(ready(replica.request()).unwrap().documents.len(), 1);
}

#[test]
fn downloaded_changes_merge_with_local_edits_and_keep_them_pending() {
    let mut replica = phone();
    let mut theirs = document::create(actor(1), &household("王建国"));
    let base = theirs.get_heads();
    let page = SyncResponse {
        documents: vec![SavedDocument {
            document_id: id(1),
            data: ByteBuf::from(theirs.save()),
        }],
        position: Position::Feed { seq: 1 },
        ..SyncResponse::default()
    };
    ready(replica.receive(page)).unwrap();
    assert_eq!(replica.storage().unacknowledged_count(), 0);

    let mut mine = replica.storage().document(&id(1)).unwrap();
    let mut local = household("王建国");
    local.address = "幸福村3组14号".into();
    document::update(&mut mine, &local);
    mine.commit();
    replica.storage().save(&id(1), mine);

    let mut edited = household("王建国");
    edited.joint_defence_group = Some("3组第2联防组".into());
    document::update(&mut theirs, &edited);
    let changes = document::changes_since(&mut theirs, &base);
    let feed = SyncResponse {
        changes: vec![DocumentChanges {
            document_id: id(1),
            changes: changes.into_iter().map(ByteBuf::from).collect(),
        }],
        position: Position::Feed { seq: 2 },
        ..SyncResponse::default()
    };
    ready(replica.receive(feed)).unwrap();
    let merged: Household = document::read(&replica.storage().document(&id(1)).unwrap()).unwrap();
    assert_eq!(merged.address, "幸福村3组14号");
    assert_eq!(merged.joint_defence_group.as_deref(), Some("3组第2联防组"));
    assert_eq!(replica.storage().unacknowledged_count(), 1);
}

#[test]
fn retries_back_off_to_a_ceiling_and_reset_after_success() {
    let mut replica = phone();
    let delays: Vec<_> = (0..8)
        .map(|_| ready(replica.on_failure(Failure::Server(503))))
        .collect();
    assert_eq!(delays[0], Next::RetryAfter(2_000));
    assert_eq!(delays[1], Next::RetryAfter(4_000));
    assert_eq!(delays[7], Next::RetryAfter(MAX_RETRY_MS));
    ready(replica.receive(snapshot_page(&[], 0, false))).unwrap();
    assert_eq!(
        ready(replica.on_failure(Failure::Network)),
        Next::RetryAfter(2_000)
    );
}

#[test]
fn a_disabled_account_seals_the_device_instead_of_asking_for_a_login() {
    assert_eq!(
        ready(phone().on_failure(Failure::AccountDisabled)),
        Next::Sealed
    );
}

#[test]
fn error_answers_are_read_the_same_by_every_transport() {
    let disabled = r#"{"error":"account_disabled","message":"this account is disabled"}"#;
    assert_eq!(
        Failure::from_answer(401, disabled),
        Failure::AccountDisabled
    );
    let ended = r#"{"error":"unauthorized","message":"this login was ended; log in again"}"#;
    assert_eq!(Failure::from_answer(401, ended), Failure::Unauthorized);
    let unknown = r#"{"error":"unknown_position","message":"…"}"#;
    assert_eq!(Failure::from_answer(400, unknown), Failure::UnknownPosition);
    assert_eq!(Failure::from_answer(400, "{}"), Failure::Server(400));
    assert_eq!(Failure::from_answer(503, ""), Failure::Server(503));
}

#[test]
fn an_expired_login_stops_retrying_until_the_worker_logs_in() {
    assert_eq!(
        ready(phone().on_failure(Failure::Unauthorized)),
        Next::LogIn
    );
}

/// A server that answers from a script; `None` is a dropped connection.
struct Scripted(Vec<Option<SyncResponse>>);

impl Transport for Scripted {
    type Error = &'static str;
    async fn exchange(
        &mut self,
        _request: SyncRequest,
    ) -> Result<SyncResponse, (Failure, &'static str)> {
        match self.0.remove(0) {
            Some(response) => Ok(response),
            None => Err((Failure::Network, "connection dropped")),
        }
    }
}

#[test]
fn a_sync_runs_pages_until_the_server_has_no_more() {
    let mut replica = phone();
    let mut server = Scripted(vec![
        Some(snapshot_page(&[1, 2], 2, true)),
        Some(snapshot_page(&[3], 3, false)),
    ]);
    let mut seen = Vec::new();
    let outcome = ready(replica.sync(&mut server, 10, |so_far| seen.push(so_far.downloaded)));
    assert_eq!(outcome.error, None);
    assert_eq!(outcome.next, Next::Done);
    assert_eq!(seen, vec![2, 3]);
    assert_eq!(outcome.returned, Some(Vec::new()));
}

#[test]
fn a_sync_cut_off_midway_keeps_the_pages_it_stored_and_says_when_to_retry() {
    let mut replica = phone();
    let mut server = Scripted(vec![Some(snapshot_page(&[1, 2], 2, true)), None]);
    let outcome = ready(replica.sync(&mut server, 10, |_| {}));
    assert_eq!(
        outcome.error,
        Some(SyncError::Transport("connection dropped"))
    );
    assert_eq!(outcome.next, Next::RetryAfter(FIRST_RETRY_MS));
    assert_eq!(outcome.stored.downloaded, 2);
    assert_eq!(outcome.returned, None);
    assert_eq!(replica.storage().document_ids().len(), 2);
}

fn villages(ids: &[&str]) -> Vec<VillageName> {
    ids.iter()
        .map(|id| VillageName {
            id: (*id).into(),
            name: format!("{id}村"),
        })
        .collect()
}

/// A saved document from the server: another device's household in `village`.
fn saved_in(n: u8, village: &str) -> SavedDocument {
    let mut doc = document::create(actor(1), &household_in(village, "王建国"));
    SavedDocument {
        document_id: id(n),
        data: ByteBuf::from(doc.save()),
    }
}

/// An answer with `documents`, at feed position `seq`, naming `told` as the account's villages.
fn answer(documents: Vec<SavedDocument>, seq: u64, told: &[&str]) -> SyncResponse {
    SyncResponse {
        documents,
        position: Position::Feed { seq },
        villages: villages(told),
        ..SyncResponse::default()
    }
}

#[test]
fn the_first_answer_naming_villages_stores_them_without_starting_over() {
    let mut replica = phone();
    let page =
        ready(replica.receive(answer(vec![saved_in(1, "xingfu")], 40, &["xingfu"]))).unwrap();
    assert_eq!(page.next, Next::Done);
    assert_eq!(page.stored.forgotten, 0);
    assert_eq!(replica.storage().stored_villages(), vec!["xingfu"]);
    assert_eq!(
        replica.storage().stored_position(),
        Position::Feed { seq: 40 }
    );
    assert_eq!(replica.storage().document_ids(), vec![id(1)]);
}

#[test]
fn a_move_forgets_synced_records_outside_keeps_unsent_and_refused_ones_and_starts_over() {
    let mut replica = phone();
    let refused = saved_on_phone(&replica, 3, "");
    ready(replica.request()).unwrap();
    let first = SyncResponse {
        rejected: vec![Rejected {
            document_id: refused.clone(),
            code: RefusalCode::InvalidRecord,
            message: "invalid".into(),
            errors: Vec::new(),
        }],
        ..answer(
            vec![saved_in(1, "xingfu"), saved_in(2, "xingfu")],
            40,
            &["xingfu"],
        )
    };
    ready(replica.receive(first)).unwrap();
    // Registered offline after that sync: not yet sent.
    let unsent = saved_on_phone(&replica, 4, "李秀兰");

    // The admin moved the worker to heping; the next answer says so, with the feed's latest
    // changes there, whose past this device never had.
    let mut theirs = document::create(actor(1), &household_in("heping", "王建国"));
    let base = theirs.get_heads();
    document::update(&mut theirs, &household_in("heping", "李秀兰"));
    let moved = SyncResponse {
        changes: vec![DocumentChanges {
            document_id: id(5),
            changes: document::changes_since(&mut theirs, &base)
                .into_iter()
                .map(ByteBuf::from)
                .collect(),
        }],
        ..answer(Vec::new(), 41, &["heping"])
    };
    ready(replica.request()).unwrap();
    let page = ready(replica.receive(moved)).unwrap();

    assert_eq!(page.stored.forgotten, 2);
    assert_eq!(
        page.stored.downloaded, 0,
        "the download from start brings it whole"
    );
    assert_eq!(
        page.next,
        Next::Continue,
        "the new village's past is downloaded at once"
    );
    assert_eq!(replica.storage().stored_position(), Position::Start);
    assert_eq!(replica.storage().stored_villages(), vec!["heping"]);
    assert_eq!(
        replica.storage().document_ids(),
        vec![refused, unsent.clone()]
    );
    let request = ready(replica.request()).unwrap();
    assert_eq!(request.position, Position::Start);
    // The unsent record still goes up (the server refuses it out_of_scope, and it stays).
    assert_eq!(request.documents.len(), 1);
    assert_eq!(request.documents[0].document_id, unsent);
}

#[test]
fn a_record_edited_since_its_upload_was_accepted_is_kept_through_a_move() {
    let mut replica = phone();
    ready(replica.receive(answer(vec![saved_in(1, "xingfu")], 40, &["xingfu"]))).unwrap();
    let edited = saved_on_phone(&replica, 2, "王建国");
    ready(replica.request()).unwrap();
    // The worker edits it while its upload is in flight; the move arrives with the acceptance.
    let mut doc = replica.storage().document(&edited).unwrap();
    document::update(&mut doc, &household("李秀兰"));
    doc.commit();
    replica.storage().save(&edited, doc);
    let moved = SyncResponse {
        villages: villages(&["heping"]),
        ..accepting(std::slice::from_ref(&edited), Position::Feed { seq: 41 })
    };

    let page = ready(replica.receive(moved)).unwrap();

    assert_eq!(page.stored.uploaded, 1);
    assert_eq!(page.stored.forgotten, 1);
    assert_eq!(replica.storage().document_ids(), vec![edited]);
}

#[test]
fn losing_a_village_forgets_its_records_and_keeps_the_position() {
    let mut replica = phone();
    let both = vec![saved_in(1, "xingfu"), saved_in(2, "heping")];
    ready(replica.receive(answer(both, 40, &["xingfu", "heping"]))).unwrap();

    let page = ready(replica.receive(answer(Vec::new(), 41, &["heping"]))).unwrap();

    assert_eq!(page.stored.forgotten, 1);
    assert_eq!(page.next, Next::Done);
    assert_eq!(
        replica.storage().stored_position(),
        Position::Feed { seq: 41 }
    );
    assert_eq!(replica.storage().document_ids(), vec![id(2)]);
}

#[test]
fn the_same_villages_in_another_order_change_nothing() {
    let mut replica = phone();
    let both = vec![saved_in(1, "xingfu"), saved_in(2, "heping")];
    ready(replica.receive(answer(both, 40, &["xingfu", "heping"]))).unwrap();

    let page = ready(replica.receive(answer(Vec::new(), 41, &["heping", "xingfu"]))).unwrap();

    assert_eq!(page.stored.forgotten, 0);
    assert_eq!(page.next, Next::Done);
    assert_eq!(
        replica.storage().stored_position(),
        Position::Feed { seq: 41 }
    );
    assert_eq!(replica.storage().document_ids(), vec![id(1), id(2)]);
    assert_eq!(
        replica.storage().stored_villages(),
        vec!["xingfu", "heping"]
    );
}

#[test]
fn an_answer_naming_no_villages_changes_nothing() {
    let mut replica = phone();
    ready(replica.receive(answer(vec![saved_in(1, "xingfu")], 40, &["xingfu"]))).unwrap();

    let page = ready(replica.receive(answer(Vec::new(), 41, &[]))).unwrap();

    assert_eq!(page.stored.forgotten, 0);
    assert_eq!(page.next, Next::Done);
    assert_eq!(replica.storage().document_ids(), vec![id(1)]);
    assert_eq!(replica.storage().stored_villages(), vec!["xingfu"]);
}

#[test]
fn a_move_in_a_page_the_storage_fails_to_commit_forgets_nothing() {
    let mut replica = phone();
    ready(replica.receive(answer(vec![saved_in(1, "xingfu")], 40, &["xingfu"]))).unwrap();
    replica.storage().fail_page(1, Fault::Aborted);

    let error = ready(replica.receive(answer(Vec::new(), 41, &["heping"]))).unwrap_err();

    assert!(matches!(error, RoundError::Storage(_)), "{error}");
    assert_eq!(replica.storage().document_ids(), vec![id(1)]);
    assert_eq!(replica.storage().stored_villages(), vec!["xingfu"]);
    assert_eq!(
        replica.storage().stored_position(),
        Position::Feed { seq: 40 }
    );
}
