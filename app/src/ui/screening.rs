//! The week's screening on the phone: while one of the worker's villages has not reported its
//! 村（居）周排查 this week, a reminder under the sync bar says so, with a one-tap 零报告.
//!
//! The rule is the office's (`statistics::screening`): a village has reported when it sent a
//! weekly round or registered a dispute the screening found, so the reminder goes away as
//! soon as either is saved on this phone, and comes back each Monday. What a round finds is
//! registered as what it is (a dispute, source 排查发现), so the phone's round is always a
//! zero report, written from its fields (`document::create_plain`, decision 37).

use leptos::prelude::*;
use leptos::task::spawn_local;
use pingan_shared::records::screening_round::ScreeningRound;
use pingan_shared::records::vocabulary::ScreeningKind;
use pingan_shared::records::{Authorship, RecordType};
use pingan_shared::statistics::screening::week_of;

use super::form::{TextField, names, notice_view, now_ms, today};
use super::{ctx, load};
use crate::error::AppError;
use crate::store::activities::{ActivitySummary, screening_week};
use crate::store::index::DisputeSummary;

#[component]
pub fn ScreeningReminder() -> impl IntoView {
    let ctx = ctx();
    let villages: Vec<String> = ctx
        .profile
        .with_value(|p| p.villages.iter().map(|v| v.id.clone()).collect());
    // The first of the worker's villages that has not reported this week, by id; empty once
    // all have. A `String`, not an `Option`: the app already holds signals of that type, so
    // this one adds no signal code of its own to the phone's download.
    let due = load(move || {
        ctx.revision.get();
        let (store, villages) = (ctx.store(), villages.clone());
        async move {
            let (Ok(rounds), Ok(disputes)) = (
                store.list::<ActivitySummary>().await,
                store.list::<DisputeSummary>().await,
            ) else {
                return String::new();
            };
            screening_week(&rounds, &disputes, &villages, week_of(today()).0)
                .into_iter()
                .find(|line| !line.reported())
                .map(|line| line.village)
                .unwrap_or_default()
        }
    });
    let screeners = RwSignal::new(ctx.profile.with_value(|p| p.display_name.clone()));
    let notice = RwSignal::new(None::<String>);
    let report = move |village: String| {
        let by = Authorship {
            village: village.clone(),
            created_by: ctx.profile.with_value(|p| p.username.clone()),
            created_at_ms: now_ms(),
        };
        let mut round =
            ScreeningRound::new(&by, ScreeningKind::VillageWeekly, &today().to_string());
        round.screeners = names(&screeners.get_untracked());
        let store = ctx.store();
        spawn_local(async move {
            let saved = async {
                let writer = store.writer()?;
                let fields = round.plain().unwrap_or_default();
                writer.create_plain(RecordType::ScreeningRound, &fields, |day| {
                    round.validate(day)
                })?;
                writer.commit().await
            };
            match saved.await {
                Ok(()) => {
                    notice.set(Some(format!(
                        "已保存{}本周的零报告，同步后镇综治办即可看到。",
                        ctx.village_name(&village)
                    )));
                    ctx.saved();
                }
                // Said in the one line under the button: the round has one field to mend.
                Err(AppError::Invalid(problems)) => {
                    let said: Vec<&str> = problems.iter().map(|p| p.message_zh.as_str()).collect();
                    notice.set(Some(said.join("；")));
                }
                Err(other) => notice.set(Some(other.to_string())),
            }
        });
    };
    move || match due.get().filter(|village| !village.is_empty()) {
        Some(village) => {
            let (_, monday, sunday) = week_of(today());
            let heading = format!(
                "{}本周（{}月{}日至{}月{}日）还没有上报周排查",
                ctx.village_name(&village),
                monday.month(),
                monday.day(),
                sunday.month(),
                sunday.day()
            );
            view! {
                <section id="screening-reminder" class="card reminder" role="status">
                    <h2>{heading}</h2>
                    <p class="hint">
                        "排查发现矛盾纠纷的，登记时来源选“排查发现”，即算上报；没有发现问题的，请报零报告。"
                    </p>
                    <TextField id="zero-report-screeners" label="排查人员" value=screeners />
                    <button id="zero-report" type="button" on:click=move |_| report(village.clone())>
                        "报零报告"
                    </button>
                    {notice_view(notice)}
                </section>
            }
            .into_any()
        }
        None => notice_view(notice).into_any(),
    }
}
