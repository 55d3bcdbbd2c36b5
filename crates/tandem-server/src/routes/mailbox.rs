//! The demo mailbox: the code mails the demo mailer "sent", so the demo and the scenario
//! runner can verify without real email. Mounted only in demo mode.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::routes::assets;
use crate::wire::identity::{MailView, MailboxQuery};

/// Mails in the demo mailbox, newest first (at most 100).
#[utoipa::path(get, path = "/demo/mailbox", tag = "demo", params(MailboxQuery),
    responses((status = 200, body = Vec<MailView>)))]
pub async fn list_demo_mail(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<MailboxQuery>,
) -> Result<Json<Vec<MailView>>, ApiError> {
    let to = query
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty());
    let mails = state.store.outbound_mail(to).await?;
    Ok(Json(mails.into_iter().map(MailView::from).collect()))
}

/// The demo mailbox as a page.
pub async fn demo_mailbox_page() -> Result<Response, ApiError> {
    assets::asset(Path("mailbox.html".to_owned())).await
}
