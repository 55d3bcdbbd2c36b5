//! The OpenAPI document, generated from the handlers' annotations.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes;
use crate::wire;

#[derive(OpenApi)]
#[openapi(
    info(title = "tandem", description = "AI-first customer service with a human always one message away."),
    paths(
        routes::audit::list_audit,
        routes::conversations::create_conversation,
        routes::conversations::get_conversation,
        routes::conversations::post_message,
        routes::conversations::list_events,
        routes::conversations::request_handoff,
        routes::conversations::close_conversation,
        routes::conversations::rate_conversation,
        routes::stream::conversation_ws,
        routes::ops::healthz,
        routes::ops::readyz,
        routes::ops::metrics,
        routes::ops::openapi,
        routes::demo::list_customers,
        routes::demo::customer_token,
        routes::identity::request_email_code,
        routes::identity::verify_email_code,
        routes::mailbox::list_demo_mail,
        routes::conversations::leave_follow_up,
        routes::agent::login,
        routes::agent::logout,
        routes::agent::me,
        routes::agent::set_status,
        routes::agent::set_capacity,
        routes::agent::set_shifts,
        routes::agent::team,
        routes::agent::list_conversations,
        routes::agent::conversation_detail,
        routes::agent::claim,
        routes::agent::post_message,
        routes::agent::post_note,
        routes::agent::transfer,
        routes::agent::hand_back,
        routes::agent::resolve,
        routes::agent::copilot,
        routes::agent::run_tool,
        routes::agent::confirm_tool,
        routes::agent::canned,
        routes::agent_ws::agent_ws,
    ),
    components(schemas(wire::EventView, wire::ErrorBody, wire::ErrorDetail)),
    modifiers(&Security),
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "conversation_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The token returned when the conversation was opened."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "agent_session",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The session token from POST /api/v1/auth/login."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "supervisor_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The operator-configured supervisor token (auth.supervisor_token).",
                    ))
                    .build(),
            ),
        );
    }
}

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
