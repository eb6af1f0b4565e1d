//! The app's one error type. Its `Display` is what the worker reads, so it is in Chinese and
//! says what to do; the technical cause follows for whoever debugs the device.

use std::fmt;

use pingan_shared::validation::FieldError;

#[derive(Debug, Clone, PartialEq)]
pub enum AppError {
    /// IndexedDB refused or failed: the device itself has a problem.
    Storage(String),
    /// No connection, or it dropped mid-request. Nothing is lost; sync again later.
    Network(String),
    /// The server answered with an error status.
    Server { status: u16, message: String },
    /// Logging in failed for a reason the worker can fix (wrong password, disabled account).
    Login(String),
    /// A stored or received document could not be read.
    Document(String),
    /// The record breaks a rule; nothing was saved. Forms show each error on its field.
    Invalid(Vec<FieldError>),
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Storage(cause) => write!(f, "本机存储出错，记录未保存{}", aside(cause)),
            AppError::Network(cause) => {
                write!(f, "网络不通，稍后会再同步，数据仍在本机{}", aside(cause))
            }
            AppError::Server { status, message } => {
                write!(f, "服务器拒绝了同步请求（{status}：{message}）")
            }
            AppError::Login(reason) => write!(f, "{reason}"),
            AppError::Document(cause) => write!(f, "记录无法读取{}", aside(cause)),
            AppError::Invalid(errors) => {
                let reasons: Vec<&str> = errors.iter().map(|e| e.message_zh.as_str()).collect();
                write!(f, "未保存：{}", reasons.join("；"))
            }
        }
    }
}

impl std::error::Error for AppError {}

/// The technical cause, in brackets, when it is in words the worker reads; the browser's own
/// messages ("Failed to fetch", "QuotaExceededError") are English and left out of the screen.
fn aside(cause: &str) -> String {
    if cause.is_empty() || cause.bytes().any(|b| b.is_ascii_alphabetic()) {
        String::new()
    } else {
        format!("（{cause}）")
    }
}

impl From<indexed_db_futures::error::Error> for AppError {
    fn from(error: indexed_db_futures::error::Error) -> Self {
        AppError::Storage(error.to_string())
    }
}

impl From<indexed_db_futures::error::OpenDbError> for AppError {
    fn from(error: indexed_db_futures::error::OpenDbError) -> Self {
        AppError::Storage(error.to_string())
    }
}

impl From<pingan_shared::document::DocumentError> for AppError {
    fn from(error: pingan_shared::document::DocumentError) -> Self {
        AppError::Document(pingan_shared::document::cause(&error))
    }
}

/// Text of a JavaScript exception, for the technical part of a message.
pub fn js_text(value: &wasm_bindgen::JsValue) -> String {
    value
        .as_string()
        .or_else(|| {
            js_sys::Reflect::get(value, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
        })
        // Not `{:?}`: the shipped build compiles Debug formatting to nothing (decision 18).
        .or_else(|| js_sys::JSON::stringify(value).ok().map(String::from))
        .unwrap_or_else(|| "未知错误".to_owned())
}
