//! `POST /api/login`, `POST /api/logout`, and the bearer-token check every other API call
//! goes through ([`Authenticated`]).

use std::time::{SystemTime, UNIX_EPOCH};

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::routing::post;
use axum::{Json, Router};
use pingan_shared::session::{LoginRequest, LoginResponse, Profile};

use super::{ApiError, AppState, JsonBody, throttle};
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
    PeerAddress(address): PeerAddress,
    JsonBody(request): JsonBody<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let device_id = request.device_id.trim();
    if device_id.is_empty() {
        return Err(ApiError::bad_request(
            "missing_device_id",
            "device_id must name the device logging in",
        ));
    }
    if !accounts::device_id_is_plausible(device_id) {
        return Err(ApiError::bad_request(
            "bad_device_id",
            format!(
                "device_id must be 1 to {} characters of letters, digits, _ - . :",
                accounts::MAX_DEVICE_ID_CHARS
            ),
        ));
    }
    // One answer for an unknown user, a wrong password and a disabled account, after the same
    // work (a hash checked either way), so neither the answer nor its timing tells which
    // accounts exist or which are disabled.
    let bad_credentials = || ApiError::Unauthorized("username or password is wrong".into());
    let username = request.username.trim();
    if username.len() > 64 || request.password.len() > password::MAX_PASSWORD_BYTES {
        // No account has such a name or password: nothing to look up or hash.
        return Err(bad_credentials());
    }
    state.login.attempt(username, address).map_err(|too_many| {
        crate::metrics::login("throttled");
        ApiError::TooManyRequests {
            retry_after_secs: too_many.retry_after_secs,
        }
    })?;
    let started = tokio::time::Instant::now();
    let account = state.store.user(username).await?;
    let stored_hash = account.as_ref().map(|(_, hash)| hash.clone());
    let verified = state.login.verify(request.password, stored_hash).await;
    let user = match account {
        Some((user, _)) if verified && !user.disabled => user,
        _ => {
            // The hash costs the same either way; what is left (reading an account's
            // villages) is hidden under a floor every refusal waits out.
            tokio::time::sleep_until(started + throttle::REFUSED_LOGIN_FLOOR).await;
            crate::metrics::login("refused");
            return Err(bad_credentials());
        }
    };
    let (token, token_hash) = accounts::new_token();
    let now = now_ms();
    let expires_at_ms = now + SESSION_MS;
    state
        .store
        .create_session(&token_hash, &user.username, device_id, now, expires_at_ms)
        .await?;
    let profile = profile(&state, &user).await?;
    crate::metrics::login("ok");
    Ok(Json(LoginResponse {
        token,
        expires_at_ms,
        user: profile,
    }))
}

/// The peer's address, when the server was started with it (`main.rs`); the API tests drive
/// the router without a socket and have none.
pub struct PeerAddress(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for PeerAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PeerAddress(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip()),
        ))
    }
}

/// Needs only the token: whoever holds it may end the login it stands for.
async fn logout(State(state): State<AppState>, auth: Token) -> Result<StatusCode, ApiError> {
    state.store.revoke_session(&auth.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn profile(state: &AppState, user: &User) -> Result<Profile, StoreError> {
    Ok(Profile {
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role.as_str().to_owned(),
        villages: crate::sync::village_names(&state.store, &user.scope()).await?,
    })
}

/// The header naming the device on every authenticated call but `POST /api/sync`, whose
/// body names it (`SyncRequest.device_id`).
pub const DEVICE_HEADER: &str = "x-pingan-device";

/// A valid, unexpired, unrevoked token of an enabled account, whatever device presents it.
/// Only for the calls that check the device themselves (sync: the body names it) or need no
/// device (logout). Every other handler takes [`Authenticated`] or [`Staff`].
pub struct Token {
    pub user: User,
    /// The device the login was issued to.
    pub device_id: String,
    token_hash: Vec<u8>,
}

impl Token {
    /// Refuses the call unless `presented` is the device this login was issued to. The answer
    /// names neither device: a copied token must not tell its holder what to claim.
    pub fn check_device(&self, presented: &str) -> Result<(), ApiError> {
        if presented == self.device_id {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "this login was issued to another device; log in on this device".into(),
            ))
        }
    }

    pub fn principal(&self) -> Principal {
        Principal {
            user: self.user.username.clone(),
            device_id: self.device_id.clone(),
            scope: self.user.scope(),
        }
    }
}

impl FromRequestParts<AppState> for Token {
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
        // Before `revoked`: disabling revokes every login too, and the device must learn
        // that logging in again cannot help.
        if session.user.disabled {
            return Err(ApiError::AccountDisabled);
        }
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
        let token = Token {
            user: session.user,
            device_id: session.device_id,
            token_hash,
        };
        // A device that names itself must be the right one, on every call.
        if let Some(presented) = parts.headers.get(DEVICE_HEADER) {
            token.check_device(presented.to_str().unwrap_or_default())?;
        }
        Ok(token)
    }
}

/// A valid token presented by the device it was issued to (the `X-Pingan-Device` header):
/// any user's call.
pub struct Authenticated(pub Token);

impl std::ops::Deref for Authenticated {
    type Target = Token;

    fn deref(&self) -> &Token {
        &self.0
    }
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = Token::from_request_parts(parts, state).await?;
        if parts.headers.get(DEVICE_HEADER).is_none() {
            return Err(ApiError::Forbidden(format!(
                "name this device in the {DEVICE_HEADER} header, as it logged in"
            )));
        }
        Ok(Authenticated(token))
    }
}

/// An [`Authenticated`] township reviewer or admin: the office's calls. A handler that takes
/// it cannot forget the role check; a worker gets 403.
pub struct Staff(pub Token);

impl std::ops::Deref for Staff {
    type Target = Token;

    fn deref(&self) -> &Token {
        &self.0
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Authenticated(token) = Authenticated::from_request_parts(parts, state).await?;
        match token.user.role {
            accounts::Role::Reviewer | accounts::Role::Admin => Ok(Staff(token)),
            accounts::Role::Worker => Err(ApiError::Forbidden(
                "this is for township reviewers and admins".into(),
            )),
        }
    }
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}
