//! The account tools of DOMAIN.md behind one policy engine, used by the AI and by human
//! agents alike.
//!
//! Every call goes through [`Tools::call`]: P1 (a verified customer) and P2 (the
//! customer's own orders only) first, then the tool's rules. Reads answer at once. Writes
//! never execute on the call: they become a stored *proposal* with the exact words to
//! show the customer (P5). Only [`Tools::confirm`], given the customer's later yes in the
//! same conversation, executes a proposal, and only if it is still pending, belongs to
//! that conversation and customer, and would do exactly the same thing now. Every call,
//! allowed or refused, leaves an audit record.
//!
//! Architecture Invariant: no write reaches an [`AccountBackend`] except from
//! [`Tools::confirm`].
//!
//! Layout:
//! - [`request`]: tools, requests, outcomes.
//! - [`backend`]: the backend interface and the built-in ledger.
//! - [`contract`]: the ledger contract's JSON (`docs/ledger-contract.md`).
//! - [`http_adapter`]: the backend that calls a company's own ledger over the contract.
//! - [`ledger_server`]: any backend served over the contract (`tandem ledger serve`).
//! - [`words`]: what the customer is told, in en, sv and de.

#![forbid(unsafe_code)]

pub mod backend;
pub mod contract;
pub mod http_adapter;
pub mod ledger_server;
pub mod request;
pub mod words;

use std::sync::Arc;

use serde_json::json;
use tandem_domain::ledger::rules::{self, Actor, Refusal, RefusalReason, Rule};
use tandem_domain::{ConversationId, CustomerId};
use tandem_store::Store;
use tandem_store::ledger::{AuditRecord, Proposal, ProposalState, VersionedOrder};
use time::OffsetDateTime;

pub use backend::{AccountBackend, BackendError, BuiltinLedger, LedgerOp};
pub use http_adapter::{BearerToken, HttpBackend, HttpBackendConfig};
use request::request_from_args;
pub use request::{
    Confirmation, Executed, OrderView, Proposed, Tool, ToolOutcome, ToolRequest, resolve,
};
use words::Lang;

/// How long a proposal can be confirmed.
pub const PROPOSAL_TTL: time::Duration = time::Duration::minutes(30);

#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    #[error(transparent)]
    Backend(#[from] BackendError),
    #[error("storing the proposal or audit record failed: {0}")]
    Store(#[from] tandem_store::StoreError),
}

/// Who calls, for whom, where, when.
#[derive(Debug, Clone)]
pub struct CallContext {
    pub actor: Actor,
    pub conversation: ConversationId,
    /// The verified customer (P1); `None` while unverified.
    pub customer: Option<CustomerId>,
    /// The event that led to the call (for the audit trail).
    pub event_seq: Option<u64>,
    pub now: OffsetDateTime,
    /// The customer's language tag, for the words.
    pub language: String,
}

impl CallContext {
    fn lang(&self) -> Lang {
        Lang::from_tag(&self.language)
    }

    fn actor_fields(&self) -> (String, Option<String>) {
        match &self.actor {
            Actor::Ai => ("ai".into(), None),
            Actor::Agent { id, .. } => ("agent".into(), Some(id.clone())),
        }
    }
}

pub struct Tools {
    backend: Arc<dyn AccountBackend>,
    store: Arc<dyn Store>,
}

/// A write the rules allow, before it is proposed.
struct Plan {
    op: LedgerOp,
    view: Option<OrderView>,
    words: String,
}

enum Decision {
    Answer(ToolOutcome),
    Write(Plan),
}

fn refused(ctx: &CallContext, refusal: Refusal, view: Option<&OrderView>) -> Decision {
    let words = words::refusal(ctx.lang(), &refusal, view);
    Decision::Answer(ToolOutcome::Refused { refusal, words })
}

impl Tools {
    pub fn new(backend: Arc<dyn AccountBackend>, store: Arc<dyn Store>) -> Self {
        Self { backend, store }
    }

    /// Runs a read, or turns a write into a proposal; refusals name their rule.
    pub async fn call(
        &self,
        ctx: &CallContext,
        request: &ToolRequest,
    ) -> Result<ToolOutcome, ToolError> {
        let outcome = match self.decide(ctx, request).await? {
            Decision::Answer(outcome) => outcome,
            Decision::Write(plan) => ToolOutcome::Proposed(self.propose(ctx, request, plan).await?),
        };
        let (kind, rule, proposal) = match &outcome {
            ToolOutcome::Refused { refusal, .. } => {
                ("refused", Some(refusal.rule.as_str().to_owned()), None)
            }
            ToolOutcome::Proposed(p) => ("proposed", None, Some(p.proposal.clone())),
            _ => ("read", None, None),
        };
        let result = match &outcome {
            ToolOutcome::Refused { words, .. } | ToolOutcome::Proposed(Proposed { words, .. }) => {
                json!({"words": words})
            }
            ToolOutcome::Orders(list) | ToolOutcome::Choose(list) => {
                json!({"orders": list.iter().map(|v| v.order.id.as_str()).collect::<Vec<_>>()})
            }
            ToolOutcome::Order(v) | ToolOutcome::Refunds { order: v, .. } => {
                json!({"order": v.order.id.as_str()})
            }
        };
        self.audit(
            ctx,
            request.tool(),
            request.args(),
            kind,
            rule,
            proposal,
            None,
            result,
        )
        .await?;
        Ok(outcome)
    }

    /// Executes a proposal after the customer's yes.
    pub async fn confirm(
        &self,
        ctx: &CallContext,
        confirmation: &Confirmation,
    ) -> Result<Executed, ToolError> {
        let proposal = self.store.proposal(&confirmation.proposal).await?;
        let (tool, args) = proposal
            .as_ref()
            .map_or(("unknown".to_owned(), json!({})), |p| {
                (p.tool.clone(), p.args.clone())
            });
        let refuse = |reason| Refusal::new(Rule::P5, reason);
        let checked = match &proposal {
            None => Err(refuse(RefusalReason::NotConfirmed)),
            Some(p)
                if p.conversation != ctx.conversation
                    || Some(&p.customer) != ctx.customer.as_ref() =>
            {
                Err(refuse(RefusalReason::NotConfirmed))
            }
            Some(p) if p.state != ProposalState::Pending => {
                Err(refuse(RefusalReason::NotConfirmed))
            }
            Some(_) if confirmation.yes_seq <= confirmation.shown_seq => {
                Err(refuse(RefusalReason::NotConfirmed))
            }
            Some(p) if ctx.now - p.created_at > PROPOSAL_TTL => {
                Err(refuse(RefusalReason::ChangedMeanwhile))
            }
            Some(p) => Ok(p.clone()),
        };
        let outcome = match checked {
            Err(refusal) => Executed::Refused {
                words: words::refusal(ctx.lang(), &refusal, None),
                refusal,
            },
            Ok(p) => self.execute(ctx, &p).await?,
        };
        let (kind, rule, result) = match &outcome {
            Executed::Done { result, .. } => ("executed", None, result.clone()),
            Executed::Refused { refusal, words } => (
                "refused",
                Some(refusal.rule.as_str().to_owned()),
                json!({"words": words}),
            ),
        };
        let tool = Tool::parse(&tool).unwrap_or(Tool::LookupOrders);
        self.audit(
            ctx,
            tool,
            args,
            kind,
            rule,
            Some(confirmation.proposal.clone()),
            Some(confirmation.yes_seq),
            result,
        )
        .await?;
        Ok(outcome)
    }

    /// The customer said no: the proposal is closed and nothing happens.
    pub async fn decline(&self, ctx: &CallContext, proposal: &str) -> Result<bool, ToolError> {
        let Some(p) = self.store.proposal(proposal).await? else {
            return Ok(false);
        };
        if p.conversation != ctx.conversation {
            return Ok(false);
        }
        let declined = self
            .store
            .set_proposal_state(proposal, ProposalState::Pending, ProposalState::Declined)
            .await?;
        if declined {
            let tool = Tool::parse(&p.tool).unwrap_or(Tool::LookupOrders);
            self.audit(
                ctx,
                tool,
                p.args.clone(),
                "declined",
                None,
                Some(p.id.clone()),
                ctx.event_seq,
                json!({}),
            )
            .await?;
        }
        Ok(declined)
    }

    async fn execute(&self, ctx: &CallContext, p: &Proposal) -> Result<Executed, ToolError> {
        let request = request_from_args(&p.tool, &p.args);
        let plan = match request {
            Some(request) => self.decide(ctx, &request).await?,
            None => {
                return Ok(Executed::Refused {
                    refusal: Refusal::new(Rule::P5, RefusalReason::NotConfirmed),
                    words: words::refusal(
                        ctx.lang(),
                        &Refusal::new(Rule::P5, RefusalReason::NotConfirmed),
                        None,
                    ),
                });
            }
        };
        let plan = match plan {
            Decision::Write(plan)
                if format!("{:?}", plan.op) == p.args["op"].as_str().unwrap_or_default() =>
            {
                plan
            }
            Decision::Answer(ToolOutcome::Refused { refusal, words }) => {
                return Ok(Executed::Refused { refusal, words });
            }
            Decision::Write(plan) => {
                let refusal = Refusal::new(Rule::P5, RefusalReason::ChangedMeanwhile);
                return Ok(Executed::Refused {
                    words: words::refusal(ctx.lang(), &refusal, plan.view.as_ref()),
                    refusal,
                });
            }
            Decision::Answer(_) => {
                let refusal = Refusal::new(Rule::P5, RefusalReason::ChangedMeanwhile);
                return Ok(Executed::Refused {
                    words: words::refusal(ctx.lang(), &refusal, None),
                    refusal,
                });
            }
        };
        let result = match self.backend.execute(&plan.op, &p.id, ctx.now).await {
            Ok(result) => result,
            Err(BackendError::Stale(_)) => {
                let refusal = Refusal::new(Rule::P5, RefusalReason::ChangedMeanwhile);
                return Ok(Executed::Refused {
                    words: words::refusal(ctx.lang(), &refusal, plan.view.as_ref()),
                    refusal,
                });
            }
            Err(e) => return Err(e.into()),
        };
        self.store
            .set_proposal_state(&p.id, ProposalState::Pending, ProposalState::Executed)
            .await?;
        let tool = plan_tool(&plan.op);
        let view = match &plan.view {
            Some(v) => self.backend.order(&v.order.id).await?.map(|o| OrderView {
                order: o.order,
                merchant: v.merchant.clone(),
            }),
            None => None,
        };
        let words = words::done(ctx.lang(), tool, view.as_ref(), &result);
        Ok(Executed::Done {
            tool,
            order: view,
            result,
            words,
        })
    }

    async fn propose(
        &self,
        ctx: &CallContext,
        request: &ToolRequest,
        plan: Plan,
    ) -> Result<Proposed, ToolError> {
        self.store.supersede_proposals(&ctx.conversation).await?;
        let mut args = request.args();
        args["op"] = format!("{:?}", plan.op).into();
        let (order, order_version) = match &plan.op {
            LedgerOp::ExtendDueDate { order, version, .. }
            | LedgerOp::ReportReturn { order, version, .. }
            | LedgerOp::OpenDispute { order, version, .. } => (Some(order.clone()), Some(*version)),
            LedgerOp::SendPaymentLink { order, .. } => (Some(order.clone()), None),
            LedgerOp::RequestAccountDeletion { .. } => (None, None),
        };
        let proposal = Proposal {
            id: uuid::Uuid::now_v7().to_string(),
            conversation: ctx.conversation.clone(),
            customer: ctx
                .customer
                .clone()
                .expect("writes are planned for verified customers only"),
            actor: match &ctx.actor {
                Actor::Ai => "ai".into(),
                Actor::Agent { id, .. } => format!("agent:{id}"),
            },
            tool: request.tool().as_str().into(),
            args,
            words: plan.words.clone(),
            order,
            order_version,
            created_at: ctx.now,
            state: ProposalState::Pending,
        };
        self.store.put_proposal(&proposal).await?;
        Ok(Proposed {
            proposal: proposal.id,
            tool: request.tool(),
            order: plan.view,
            words: plan.words,
        })
    }

    async fn decide(
        &self,
        ctx: &CallContext,
        request: &ToolRequest,
    ) -> Result<Decision, ToolError> {
        let Some(customer) = &ctx.customer else {
            return Ok(refused(
                ctx,
                Refusal::new(Rule::P1, RefusalReason::NotVerified),
                None,
            ));
        };
        let lang = ctx.lang();
        let orders = self.backend.orders(customer).await?;
        if let ToolRequest::LookupOrders = request {
            return Ok(Decision::Answer(ToolOutcome::Orders(
                self.views(&orders)
                    .await?
                    .into_iter()
                    .map(|(_, v)| v)
                    .collect(),
            )));
        }
        if let ToolRequest::RequestAccountDeletion = request {
            let plain: Vec<_> = orders.iter().map(|v| v.order.clone()).collect();
            return Ok(match rules::check_deletion(&plain) {
                Err(refusal) => refused(ctx, refusal, None),
                Ok(()) => Decision::Write(Plan {
                    op: LedgerOp::RequestAccountDeletion {
                        customer: customer.clone(),
                    },
                    view: None,
                    words: words::propose_deletion(lang),
                }),
            });
        }
        let typed = request.order_ref().unwrap_or_default();
        let views = self.views(&orders).await?;
        let matches = resolve(&views, typed);
        let (version, view) = match matches.as_slice() {
            [] => {
                return Ok(refused(
                    ctx,
                    Refusal::new(Rule::P2, RefusalReason::OrderNotFound),
                    None,
                ));
            }
            [one] => (one.0, one.1.clone()),
            many => {
                return Ok(Decision::Answer(ToolOutcome::Choose(
                    many.iter().map(|(_, v)| v.clone()).collect(),
                )));
            }
        };
        let order = &view.order;
        let id = order.id.clone();
        let write = |op, words| {
            Ok(Decision::Write(Plan {
                op,
                view: Some(view.clone()),
                words,
            }))
        };
        match request {
            ToolRequest::GetOrder { .. } => Ok(Decision::Answer(ToolOutcome::Order(view))),
            ToolRequest::RefundStatus { .. } => Ok(Decision::Answer(ToolOutcome::Refunds {
                report: rules::refund_report(order),
                order: view,
            })),
            ToolRequest::ExtendDueDate { .. } => match rules::check_extend(order) {
                Ok(extension) => write(
                    LedgerOp::ExtendDueDate {
                        order: id,
                        version,
                        extension: extension.clone(),
                    },
                    words::propose_extension(lang, &view, &extension),
                ),
                Err(refusal) => Ok(refused(ctx, refusal, Some(&view))),
            },
            ToolRequest::ReportReturn { .. } => {
                match rules::check_return(order, &view.merchant, ctx.now) {
                    Ok(report) => write(
                        LedgerOp::ReportReturn {
                            order: id,
                            version,
                            report: report.clone(),
                        },
                        words::propose_return(lang, &view, &report),
                    ),
                    Err(refusal) => Ok(refused(ctx, refusal, Some(&view))),
                }
            }
            ToolRequest::OpenDispute { claim, .. } => {
                match rules::check_dispute(order, &view.merchant, claim, &ctx.actor, ctx.now) {
                    Ok(opening) => write(
                        LedgerOp::OpenDispute {
                            order: id,
                            version,
                            opening: opening.clone(),
                        },
                        words::propose_dispute(lang, &view, &opening),
                    ),
                    Err(refusal) => Ok(refused(ctx, refusal, Some(&view))),
                }
            }
            ToolRequest::SendPaymentLink { installment, .. } => {
                match rules::check_payment_link(order, *installment) {
                    Ok(link) => write(
                        LedgerOp::SendPaymentLink {
                            order: id,
                            customer: customer.clone(),
                            link: link.clone(),
                        },
                        words::propose_payment_link(lang, &view, &link),
                    ),
                    Err(refusal) => Ok(refused(ctx, refusal, Some(&view))),
                }
            }
            ToolRequest::LookupOrders | ToolRequest::RequestAccountDeletion => {
                unreachable!("handled above")
            }
        }
    }

    /// The customer's orders with their merchants.
    async fn views(&self, orders: &[VersionedOrder]) -> Result<Vec<(i64, OrderView)>, ToolError> {
        let mut views = Vec::with_capacity(orders.len());
        for v in orders {
            let merchant = self
                .backend
                .merchant(&v.order.merchant)
                .await?
                .ok_or_else(|| {
                    BackendError::Protocol(format!(
                        "order {} names unknown merchant {}",
                        v.order.id, v.order.merchant
                    ))
                })?;
            views.push((
                v.version,
                OrderView {
                    order: v.order.clone(),
                    merchant,
                },
            ));
        }
        Ok(views)
    }

    #[allow(clippy::too_many_arguments)]
    async fn audit(
        &self,
        ctx: &CallContext,
        tool: Tool,
        args: serde_json::Value,
        outcome: &str,
        rule: Option<String>,
        proposal: Option<String>,
        confirmation_seq: Option<u64>,
        result: serde_json::Value,
    ) -> Result<(), ToolError> {
        let (actor_kind, actor_id) = ctx.actor_fields();
        self.store
            .append_audit(&AuditRecord {
                at: ctx.now,
                actor_kind,
                actor_id,
                customer: ctx.customer.clone(),
                conversation: Some(ctx.conversation.clone()),
                event_seq: ctx.event_seq,
                tool: tool.as_str().into(),
                args,
                outcome: outcome.into(),
                rule,
                proposal,
                confirmation_seq,
                result,
            })
            .await?;
        Ok(())
    }
}

fn plan_tool(op: &LedgerOp) -> Tool {
    Tool::parse(op.tool()).expect("every op is a tool")
}
