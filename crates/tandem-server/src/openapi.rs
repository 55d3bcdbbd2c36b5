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
