//! The web front end (widget, demo page), embedded in the binary at build time.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use crate::error::ApiError;

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Assets;

fn serve(path: &str) -> Result<Response, ApiError> {
    let file = Assets::get(path).ok_or_else(|| ApiError::not_found("file"))?;
    let mime = file.metadata.mimetype();
    let mut response = file.data.into_owned().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(mime).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}

/// The demo host page.
pub async fn index() -> Result<Response, ApiError> {
    serve("index.html")
}

/// The agent console.
pub async fn console() -> Result<Response, ApiError> {
    serve("console.html")
}

/// The embeddable widget: `<script type="module" src="/widget.js"></script>`.
pub async fn widget() -> Result<Response, ApiError> {
    let mut response = serve("widget.js")?;
    // Host pages on other origins load it.
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    Ok(response)
}

pub async fn asset(Path(path): Path<String>) -> Result<Response, ApiError> {
    serve(&path)
}
