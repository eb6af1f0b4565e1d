//! Logging in: the JSON messages of `POST /api/login`, shared by the server and the app.
//!
//! The app keeps the [`LoginResponse`] on the device, so after one online login it works with
//! no signal; the token is sent as `Authorization: Bearer …` with every sync.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// The installation logging in; the token works only for this device.
    pub device_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub token: String,
    /// Milliseconds since the Unix epoch. After it, uploads are refused until the worker logs
    /// in again; nothing on the device is lost.
    pub expires_at_ms: i64,
    pub user: Profile,
}

/// Who is logged in and what they may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub username: String,
    pub display_name: String,
    /// `worker`, `reviewer` or `admin`.
    pub role: String,
    /// The villages this account may read and write (every village for township staff).
    pub villages: Vec<VillageName>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VillageName {
    pub id: String,
    pub name: String,
}
