//! The steps of a dispute's lifecycle on its page — mediation session, escalation with a
//! reason, agreement, closing (asked once more) with a result, reopening with a reason — each
//! applied through the shared state machine (`dispute::lifecycle::apply`); a saved step is
//! said at the top of the case, a refused one beside its own button.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pingan_shared::records::dispute::lifecycle::{self, DisputeEvent};
use pingan_shared::records::dispute::{Agreement, Closure, Dispute, MediationSession};
use pingan_shared::records::vocabulary::{
    AgreementKind, DisputeLevel, MediationResult, Resolution,
};
use pingan_shared::validation::FieldError;

use super::draft::Draft;
use super::form::{Choice, TextField, optional, today};
use super::{Ctx, ctx};

/// Applies one lifecycle step to the stored case and reports the outcome.
fn record_step(ctx: Ctx, id: String, event: DisputeEvent, done: &'static str, said: Said) {
    record_step_with(ctx, id, event, |_| {}, done, said);
}

/// Where a step's outcome is said: saved at the top of the case (the step's form is
/// replaced), refused beside the step's own button, read out to screen readers.
#[derive(Clone, Copy)]
struct Said {
    notice: RwSignal<Option<String>>,
    problem: RwSignal<Option<String>>,
    /// What was typed into the step's form, kept until the step is recorded.
    draft: Draft,
}

impl Said {
    fn new(notice: RwSignal<Option<String>>, draft: Draft) -> Self {
        Self {
            notice,
            problem: RwSignal::new(None),
            draft,
        }
    }

    /// The refusal, beside the button.
    fn view(self) -> impl IntoView {
        view! { <p class="field-error" role="alert" aria-live="assertive">{move || self.problem.get()}</p> }
    }
}

/// A step that also sets fields the lifecycle leaves to the worker (包案领导, 办结期限).
fn record_step_with(
    ctx: Ctx,
    id: String,
    event: DisputeEvent,
    also: impl FnOnce(&mut Dispute) + 'static,
    done: &'static str,
    said: Said,
) {
    let store = ctx.store();
    spawn_local(async move {
        let outcome = store
            .edit::<Dispute>(&id, move |d| {
                *d = lifecycle::apply(d, event).map_err(|refused| {
                    vec![FieldError::new(
                        "event",
                        &refused.reason_zh,
                        &refused.reason_en,
                    )]
                })?;
                also(d);
                Ok(())
            })
            .await;
        match outcome {
            Ok(_) => {
                said.draft.saved();
                said.problem.set(None);
                said.notice.set(Some(format!("已保存：{done}")));
                ctx.saved();
            }
            Err(error) => {
                said.notice.set(None);
                said.problem.set(Some(error.to_string()));
            }
        }
    });
}

#[component]
pub(super) fn MediationStep(id: String, notice: RwSignal<Option<String>>) -> impl IntoView {
    let ctx = ctx();
    let said = Said::new(notice, Draft::keep("mediation-form", Some(&id)));
    let held_on = RwSignal::new(today().to_string());
    let mediator = RwSignal::new(ctx.profile.with_value(|p| p.display_name.clone()));
    let actions = RwSignal::new(String::new());
    let result = RwSignal::new(MediationResult::NotAgreed.as_str().to_owned());
    let id = StoredValue::new(id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let session = MediationSession {
            held_on: held_on.get_untracked(),
            mediator: mediator.get_untracked().trim().to_owned(),
            actions: actions.get_untracked().trim().to_owned(),
            result: MediationResult::parse(&result.get_untracked())
                .unwrap_or(MediationResult::NotAgreed),
        };
        record_step(
            ctx,
            id.get_value(),
            DisputeEvent::Mediate(session),
            "调解记录",
            said,
        );
    };
    view! {
        <form
            id="mediation-form"
            data-draft=said.draft.key()
            class="card"
            on:submit=submit
            novalidate
        >
            <h2>"记录一次调解"</h2>
            {said.draft.offer()}
            <TextField id="mediation-date" label="调解日期" value=held_on kind="date" />
            <TextField id="mediation-mediator" label="调解员" value=mediator />
            <label for="mediation-actions">"调解经过"</label>
            <textarea
                id="mediation-actions"
                rows="3"
                prop:value=actions
                on:input=move |ev| actions.set(event_target_value(&ev))
            ></textarea>
            <Choice id="mediation-result" label="调解结果" value=result options=MediationResult::OPTIONS />
            <button id="mediation-save" type="submit">"保存调解记录"</button>
            {said.view()}
        </form>
    }
}

#[component]
pub(super) fn EscalateStep(
    id: String,
    level: DisputeLevel,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let ctx = ctx();
    let said = Said::new(notice, Draft::keep("escalate-form", Some(&id)));
    let reason = RwSignal::new(String::new());
    let leader = RwSignal::new(String::new());
    let deadline = RwSignal::new(String::new());
    let id = StoredValue::new(id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let event = DisputeEvent::Escalate {
            by: ctx.profile.with_value(|p| p.username.clone()),
            on: today().to_string(),
            reason: reason.get_untracked(),
        };
        let (leader, deadline) = (
            optional(&leader.get_untracked()),
            optional(&deadline.get_untracked()),
        );
        // Only what was filled in replaces what the case had.
        let also = move |d: &mut Dispute| {
            if leader.is_some() {
                d.responsible_leader = leader;
            }
            if deadline.is_some() {
                d.deadline = deadline;
            }
        };
        record_step_with(ctx, id.get_value(), event, also, "已上交", said);
    };
    level.next_up().map(|to| {
        view! {
            <form
            id="escalate-form"
            data-draft=said.draft.key()
            class="card"
            on:submit=submit
            novalidate
        >
                <h2>"上交至" {to.label_zh()}</h2>
                {said.draft.offer()}
                <TextField id="escalate-reason" label="上交原因" value=reason />
                <TextField id="escalate-leader" label="包案领导（可不填）" value=leader />
                <TextField
                    id="escalate-deadline"
                    label="新的办结期限（可不填）"
                    value=deadline
                    kind="date"
                />
                <button id="escalate-save" type="submit">"上交"</button>
                {said.view()}
            </form>
        }
    })
}

#[component]
pub(super) fn AgreementStep(id: String, notice: RwSignal<Option<String>>) -> impl IntoView {
    let ctx = ctx();
    let said = Said::new(notice, Draft::keep("agreement-form", Some(&id)));
    let kind = RwSignal::new(AgreementKind::Mediation.as_str().to_owned());
    let signed_on = RwSignal::new(today().to_string());
    let id = StoredValue::new(id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let agreement = Agreement {
            kind: AgreementKind::parse(&kind.get_untracked()).unwrap_or(AgreementKind::Mediation),
            signed_on: signed_on.get_untracked(),
        };
        record_step(
            ctx,
            id.get_value(),
            DisputeEvent::SignAgreement(agreement),
            "协议",
            said,
        );
    };
    view! {
        <form
            id="agreement-form"
            data-draft=said.draft.key()
            class="card"
            on:submit=submit
            novalidate
        >
            <h2>"登记协议"</h2>
            {said.draft.offer()}
            <Choice id="agreement-kind" label="协议类型" value=kind options=AgreementKind::OPTIONS />
            <TextField id="agreement-date" label="签订日期" value=signed_on kind="date" />
            <button id="agreement-save" type="submit">"保存协议"</button>
            {said.view()}
        </form>
    }
}

#[component]
pub(super) fn CloseStep(id: String, notice: RwSignal<Option<String>>) -> impl IntoView {
    let ctx = ctx();
    let said = Said::new(notice, Draft::keep("close-form", Some(&id)));
    let resolution = RwSignal::new(Resolution::Resolved.as_str().to_owned());
    let result = RwSignal::new(String::new());
    // 办结 is final for the ledger: the first press asks, the second closes.
    let confirming = RwSignal::new(false);
    let id = StoredValue::new(id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !confirming.get_untracked() {
            confirming.set(true);
            return;
        }
        confirming.set(false);
        let closure = Closure {
            by: ctx.profile.with_value(|p| p.username.clone()),
            on: today().to_string(),
            resolution: Resolution::parse(&resolution.get_untracked())
                .unwrap_or(Resolution::Resolved),
            result: result.get_untracked().trim().to_owned(),
        };
        record_step(
            ctx,
            id.get_value(),
            DisputeEvent::Close(closure),
            "已办结",
            said,
        );
    };
    view! {
        <form
            id="close-form"
            data-draft=said.draft.key()
            class="card"
            on:submit=submit
            novalidate
        >
            <h2>"办结"</h2>
            {said.draft.offer()}
            <Choice id="close-resolution" label="办结方式" value=resolution options=Resolution::OPTIONS />
            <TextField id="close-result" label="调处结果" value=result />
            <Show
                when=move || confirming.get()
                fallback=|| view! { <button id="close-save" type="submit">"办结"</button> }
            >
                <p class="hint" id="close-question">"确认办结？办结后如需再办理，只能重新开启。"</p>
                <button id="close-confirm" type="submit">"确认办结"</button>
                <button type="button" class="secondary" on:click=move |_| confirming.set(false)>"取消"</button>
            </Show>
            {said.view()}
        </form>
    }
}

#[component]
pub(super) fn ReopenStep(id: String, notice: RwSignal<Option<String>>) -> impl IntoView {
    let ctx = ctx();
    let said = Said::new(notice, Draft::keep("reopen-form", Some(&id)));
    let reason = RwSignal::new(String::new());
    let id = StoredValue::new(id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let event = DisputeEvent::Reopen {
            by: ctx.profile.with_value(|p| p.username.clone()),
            on: today().to_string(),
            reason: reason.get_untracked(),
        };
        record_step(ctx, id.get_value(), event, "已重新开启", said);
    };
    view! {
        <form
            id="reopen-form"
            data-draft=said.draft.key()
            class="card"
            on:submit=submit
            novalidate
        >
            <h2>"重新开启"</h2>
            {said.draft.offer()}
            <TextField id="reopen-reason" label="重新开启原因" value=reason />
            <button id="reopen-save" type="submit">"重新开启"</button>
            {said.view()}
        </form>
    }
}
