//! Uploading an image the agent picked, pasted or dropped: checked here first (type and
//! size, the same limits the server applies), then sent as the request body to
//! `/api/uploads`, which answers with the stored image's metadata. Browser only.

use protocol::attachments::{precheck, Attachment};

/// Uploads `file`; the error is a sentence for the agent.
pub async fn upload_image(file: web_sys::File) -> Result<Attachment, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    precheck(&file.type_(), file.size() as u64).map_err(|problem| problem.message())?;
    let failed =
        |_| "The image could not be uploaded. Check your connection and try again.".to_owned();
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&file);
    let headers = web_sys::Headers::new().map_err(failed)?;
    headers.set("Content-Type", &file.type_()).map_err(failed)?;
    init.set_headers(&headers);
    let response: web_sys::Response =
        JsFuture::from(leptos::prelude::window().fetch_with_str_and_init("/api/uploads", &init))
            .await
            .map_err(failed)?
            .dyn_into()
            .map_err(failed)?;
    let body = JsFuture::from(response.text().map_err(failed)?)
        .await
        .map_err(failed)?
        .as_string()
        .unwrap_or_default();
    if response.ok() {
        serde_json::from_str(&body)
            .map_err(|_| "The server's answer was not understood.".to_owned())
    } else {
        // The server explains what was wrong with the file.
        Err(serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|value| value["error"].as_str().map(str::to_owned))
            .unwrap_or_else(|| format!("The image was refused ({}).", response.status())))
    }
}
