//! HTTP calls to the township server: login and logout as JSON, sync as CBOR. Each failure is
//! classified for the sync replica (network, unauthorised, server) and worded for the worker.

use js_sys::Uint8Array;
use pingan_shared::session::{LoginRequest, LoginResponse, Profile, VillageName};
use pingan_shared::sync::replica::Failure;
#[cfg(feature = "office")]
use serde::{Serialize, de::DeserializeOwned};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response};

use crate::error::{AppError, js_text};

/// Logs in; the answer is kept on the device so the app works offline afterwards.
pub async fn login(request: &LoginRequest) -> Result<LoginResponse, AppError> {
    let body = login_body(request)?;
    let response = send(
        "/api/login",
        "application/json",
        &JsValue::from_str(&body),
        None,
        None,
    )
    .await
    .map_err(|(failure, error)| match failure {
        // A disabled account answers as a wrong password does (the server tells nobody).
        Failure::Unauthorized => AppError::Login("用户名或密码不对".into()),
        _ => error,
    })?;
    let text = JsFuture::from(response.text().map_err(network)?)
        .await
        .map_err(network)?;
    let value = js_sys::JSON::parse(&text.as_string().unwrap_or_default()).map_err(network)?;
    login_answer(&value).ok_or_else(|| AppError::Server {
        status: 200,
        message: "登录应答缺少字段".into(),
    })
}

// The login's JSON is written and read field by field: the field app carries no general
// JSON (de)serialiser (serde_wasm_bindgen cost it 20 KB; decision 18). The office's calls use
// one (`get_json`, `post_json`).

fn login_body(request: &LoginRequest) -> Result<String, AppError> {
    let body = js_sys::Object::new();
    for (key, value) in [
        ("username", &request.username),
        ("password", &request.password),
        ("device_id", &request.device_id),
    ] {
        js_sys::Reflect::set(&body, &JsValue::from_str(key), &JsValue::from_str(value))
            .map_err(network)?;
    }
    js_sys::JSON::stringify(&body)
        .map(String::from)
        .map_err(network)
}

/// The login answer (`docs/sync-protocol.md`, login) from its parsed JSON; `None` when a
/// field is missing or of another type.
fn login_answer(value: &JsValue) -> Option<LoginResponse> {
    let field =
        |object: &JsValue, key: &str| js_sys::Reflect::get(object, &JsValue::from_str(key)).ok();
    let text = |object: &JsValue, key: &str| field(object, key)?.as_string();
    let user = field(value, "user")?;
    let villages = field(&user, "villages")?
        .dyn_into::<js_sys::Array>()
        .ok()?
        .iter()
        .map(|v| {
            Some(VillageName {
                id: text(&v, "id")?,
                name: text(&v, "name")?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(LoginResponse {
        token: text(value, "token")?,
        expires_at_ms: field(value, "expires_at_ms")?.as_f64()? as i64,
        user: Profile {
            username: text(&user, "username")?,
            display_name: text(&user, "display_name")?,
            role: text(&user, "role")?,
            villages,
        },
    })
}

/// Ends the login on the server. Best effort: offline, the token simply expires.
pub async fn logout(token: &str) -> Result<(), AppError> {
    send(
        "/api/logout",
        "application/json",
        &JsValue::from_str("{}"),
        Some(token),
        None,
    )
    .await
    .map(|_| ())
    .map_err(|(_, error)| error)
}

/// One CBOR exchange with the sync endpoint. The upload is gzip-compressed when the browser
/// can (about a third of the bytes for a day's edits); the browser itself decompresses the
/// answer.
pub async fn post_cbor(
    url: &str,
    body: &[u8],
    token: &str,
) -> Result<Vec<u8>, (Failure, AppError)> {
    let (payload, encoding) = match gzip(body).await {
        Some(compressed) => (compressed, Some("gzip")),
        None => (body.to_vec(), None),
    };
    let response = fetch(
        "POST",
        url,
        Some(pingan_shared::sync::protocol::CONTENT_TYPE),
        encoding,
        &Uint8Array::from(payload.as_slice()).into(),
        Some(token),
        None,
    )
    .await?;
    let buffer = JsFuture::from(response.array_buffer().map_err(network_failure)?)
        .await
        .map_err(network_failure)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// GETs JSON from the township server, for the office's screens.
#[cfg(feature = "office")]
pub async fn get_json<T: DeserializeOwned>(
    url: &str,
    (token, device): (&str, &str),
) -> Result<T, AppError> {
    let response = fetch(
        "GET",
        url,
        None,
        None,
        &JsValue::UNDEFINED,
        Some(token),
        Some(device),
    )
    .await
    .map_err(|(_, error)| error)?;
    read_json(response).await
}

/// POSTs JSON and reads the JSON answer.
#[cfg(feature = "office")]
pub async fn post_json<B: Serialize, T: DeserializeOwned>(
    url: &str,
    body: &B,
    (token, device): (&str, &str),
) -> Result<T, AppError> {
    let text = json_text(body)?;
    let response = send(
        url,
        "application/json",
        &JsValue::from_str(&text),
        Some(token),
        Some(device),
    )
    .await
    .map_err(|(_, error)| error)?;
    read_json(response).await
}

/// GETs a file (a ledger) as a `Blob`, for the browser to save.
#[cfg(feature = "office")]
pub async fn get_blob(url: &str, (token, device): (&str, &str)) -> Result<web_sys::Blob, AppError> {
    let response = fetch(
        "GET",
        url,
        None,
        None,
        &JsValue::UNDEFINED,
        Some(token),
        Some(device),
    )
    .await
    .map_err(|(_, error)| error)?;
    let blob = JsFuture::from(response.blob().map_err(network)?)
        .await
        .map_err(network)?;
    Ok(blob.unchecked_into())
}

/// Maps become JSON objects, not JS `Map`s (which `JSON.stringify` writes as `{}`).
#[cfg(feature = "office")]
fn json_text<B: Serialize>(body: &B) -> Result<String, AppError> {
    body.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .ok()
        .and_then(|value| js_sys::JSON::stringify(&value).ok())
        .and_then(|text| text.as_string())
        .ok_or_else(|| AppError::Network("could not encode the request".into()))
}

#[cfg(feature = "office")]
async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T, AppError> {
    let text = JsFuture::from(response.text().map_err(network)?)
        .await
        .map_err(network)?;
    let value = js_sys::JSON::parse(&text.as_string().unwrap_or_default()).map_err(network)?;
    serde_wasm_bindgen::from_value(value).map_err(|e| AppError::Server {
        status: 200,
        message: e.to_string(),
    })
}

async fn send(
    url: &str,
    content_type: &str,
    body: &JsValue,
    token: Option<&str>,
    device: Option<&str>,
) -> Result<Response, (Failure, AppError)> {
    fetch("POST", url, Some(content_type), None, body, token, device).await
}

async fn fetch(
    method: &str,
    url: &str,
    content_type: Option<&str>,
    content_encoding: Option<&str>,
    body: &JsValue,
    token: Option<&str>,
    device: Option<&str>,
) -> Result<Response, (Failure, AppError)> {
    let headers = Headers::new().map_err(network_failure)?;
    // The office's calls name the device the login was issued to (the sync names it in its
    // body); the server refuses a token presented by another.
    if let Some(device) = device {
        headers
            .set("X-Pingan-Device", device)
            .map_err(network_failure)?;
    }
    if let Some(content_type) = content_type {
        headers
            .set("Content-Type", content_type)
            .map_err(network_failure)?;
    }
    if let Some(encoding) = content_encoding {
        headers
            .set("Content-Encoding", encoding)
            .map_err(network_failure)?;
    }
    if let Some(token) = token {
        headers
            .set("Authorization", &format!("Bearer {token}"))
            .map_err(network_failure)?;
    }
    let init = RequestInit::new();
    init.set_method(method);
    init.set_headers(&headers);
    if !body.is_undefined() {
        init.set_body(body);
    }
    let request = Request::new_with_str_and_init(url, &init).map_err(network_failure)?;
    let window = web_sys::window()
        .ok_or_else(|| (Failure::Network, AppError::Network("no window".into())))?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(network_failure)?
        .unchecked_into();
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    let message = match response.text() {
        Ok(text) => JsFuture::from(text)
            .await
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    let failure = Failure::from_answer(status, &message);
    Err((failure, AppError::Server { status, message }))
}

fn network(e: JsValue) -> AppError {
    AppError::Network(js_text(&e))
}

fn network_failure(e: JsValue) -> (Failure, AppError) {
    (Failure::Network, network(e))
}

/// Gzip through the browser's `CompressionStream` (Chrome 80+, no wasm code for it); `None`
/// where the browser lacks it, and the body goes uncompressed.
async fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let constructor: js_sys::Function =
        js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("CompressionStream"))
            .ok()?
            .dyn_into()
            .ok()?;
    let pair: web_sys::ReadableWritablePair = js_sys::Reflect::construct(
        &constructor,
        &js_sys::Array::of1(&JsValue::from_str("gzip")),
    )
    .ok()?
    .unchecked_into();
    let parts = js_sys::Array::of1(&Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).ok()?;
    let compressed = blob.stream().pipe_through(&pair);
    let response = Response::new_with_opt_readable_stream(Some(&compressed)).ok()?;
    let buffer = JsFuture::from(response.array_buffer().ok()?).await.ok()?;
    Some(Uint8Array::new(&buffer).to_vec())
}
