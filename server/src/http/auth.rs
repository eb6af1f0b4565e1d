//! `POST /api/login`, `POST /api/logout`, and the bearer-token check every other API call
//! goes through ([`Authenticated`]).

use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::routing::post;
use axum::{Json, Router};
use pingan_shared::session::{LoginRequest, LoginResponse, Profile, VillageName};

use super::{ApiError, AppState, JsonBody};
use crate::accounts::{self, SESSION_MS, User, password};
use crate::store::StoreError;
use crate::sync::Principal;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/login", post(login))
        .route("/api/logout", post(logout))
}

async fn login(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    if request.device_id.trim().is_empty() {
        return Err(ApiError::bad_request(
            "missing_device_id",
            "device_id must name the device logging in",
        ));
    }
    // The same answer for an unknown user and a wrong password, so logins cannot be used to
    // find out which accounts exist.
    let bad_credentials = || ApiError::Unauthorized("username or password is wrong".into());
    let Some((user, stored_hash)) = state.store.user(request.username.trim()).await? else {
        return Err(bad_credentials());
    };
    if !password::verify(&request.password, &stored_hash) {
        return Err(bad_credentials());
    }
    if user.disabled {
        return Err(ApiError::Forbidden("this account is disabled".into()));
    }
    let (token, token_hash) = accounts::new_token();
    let now = now_ms();
    let expires_at_ms = now + SESSION_MS;
    state
        .store
        .create_session(
            &token_hash,
            &user.username,
            request.device_id.trim(),
            now,
            expires_at_ms,
        )
        .await?;
    let profile = profile(&state, &user).await?;
    Ok(Json(LoginResponse {
        token,
        expires_at_ms,
        user: profile,
    }))
}

async fn logout(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<StatusCode, ApiError> {
    state.store.revoke_session(&auth.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn profile(state: &AppState, user: &User) -> Result<Profile, StoreError> {
    let villages = state.store.villages().await?;
    let visible = villages
        .into_iter()
        .filter(|v| match user.role {
            accounts::Role::Worker => user.villages.contains(&v.id),
            _ => true,
        })
        .map(|v| VillageName {
            id: v.id,
            name: v.name,
        })
        .collect();
    Ok(Profile {
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role.as_str().to_owned(),
        villages: visible,
    })
}

/// A request carrying a valid, unexpired, unrevoked token of an enabled account.
pub struct Authenticated {
    pub user: User,
    pub device_id: String,
    token_hash: Vec<u8>,
}

impl Authenticated {
    pub fn principal(&self) -> Principal {
        Principal {
            user: self.user.username.clone(),
            device_id: self.device_id.clone(),
            scope: self.user.scope(),
        }
    }
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| ApiError::Unauthorized("log in first: no bearer token".into()))?;
        let token_hash = accounts::token_hash(token.trim());
        let session = state
            .store
            .session(&token_hash)
            .await?
            .ok_or_else(|| ApiError::Unauthorized("unknown token; log in again".into()))?;
        if session.revoked {
            return Err(ApiError::Unauthorized(
                "this login was ended; log in again".into(),
            ));
        }
        if session.expires_at_ms <= now_ms() {
            return Err(ApiError::Unauthorized(
                "this login has expired; log in again".into(),
            ));
        }
        if session.user.disabled {
            return Err(ApiError::Unauthorized("this account is disabled".into()));
        }
        Ok(Authenticated {
            user: session.user,
            device_id: session.device_id,
            token_hash,
        })
    }
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}
