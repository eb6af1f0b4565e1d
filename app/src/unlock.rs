//! Opening a worker's records on this device (decision 31): the first login online, every
//! later one offline with the password alone, a login again when the token has lapsed, logout,
//! and sealing when the server says the account is disabled.
//!
//! The password never leaves this module except to the server's login: it derives the key that
//! unwraps the worker's data key (`store::seal`), and a box that does not open is a wrong
//! password. Wrong tries are counted on the device and, from the third, make the next try wait
//! (`store::device::KeyringEntry::failed`).

use pingan_shared::session::{LoginRequest, LoginResponse};

use crate::api;
use crate::error::AppError;
use crate::store::DeviceStore;
use crate::store::device::{Device, KeyringEntry};
use crate::store::seal::{self, KEY_BYTES, PBKDF2_ROUNDS, Sealer};

/// A worker's records, open, and their login (its token empty until an online login).
#[derive(Clone)]
pub struct Unlocked {
    pub store: DeviceStore,
    pub session: LoginResponse,
}

const WRONG_PASSWORD: &str = "用户名或密码不对";
const DISABLED: &str = "该账号已停用，本机上的记录已封存。请联系镇综治办。";

/// Logs `username` in: offline against the device's keyring when they have logged in here
/// before, online (and setting up their sealed records) the first time.
pub async fn log_in(device: &Device, username: &str, password: &str) -> Result<Unlocked, AppError> {
    let now = js_sys::Date::now();
    let unlocked = match device.entry(username).await? {
        None => first_login(device, username, password).await?,
        Some(mut entry) if entry.disabled => {
            // Only the server can lift the seal: a login that succeeds means re-enabled.
            online(device, username, password)
                .await
                .map_err(|_| AppError::Login(DISABLED.into()))?;
            entry.disabled = false;
            device.put_entry(&entry).await?;
            open_with_password(device, entry, password, now).await?
        }
        Some(entry) => {
            let wait = entry.wait_seconds(now);
            if wait > 0 {
                return Err(AppError::Login(format!(
                    "密码错误次数过多，请 {wait} 秒后再试"
                )));
            }
            open_with_password(device, entry, password, now).await?
        }
    };
    device.set_last_user(username).await?;
    Ok(unlocked)
}

/// Unwraps the data key with `password` and opens the records. When the password does not
/// open it, the server is asked: it may have been changed there.
async fn open_with_password(
    device: &Device,
    mut entry: KeyringEntry,
    password: &str,
    now: f64,
) -> Result<Unlocked, AppError> {
    let username = entry.username.clone();
    let kek = seal::derive_kek(password, &entry.salt, entry.rounds).await?;
    let Some(key) = seal::unwrap(&kek, &username, &entry.wrapped) else {
        return match online(device, &username, password).await {
            Ok(fresh) => password_changed(device, &username, password, fresh).await,
            Err(error) => {
                entry.failed(now);
                device.put_entry(&entry).await?;
                Err(match error {
                    AppError::Network(_) => {
                        AppError::Login(format!("{WRONG_PASSWORD}（本机离线核对）"))
                    }
                    other => other,
                })
            }
        };
    };
    if entry.failed_tries > 0 {
        entry.succeeded();
        device.put_entry(&entry).await?;
    }
    let store = DeviceStore::open(device.device_id(), &username, Sealer::new(key)).await?;
    let kept = store.session().await?;
    if let Some(session) = kept.clone().filter(|kept| usable(kept, now)) {
        return Ok(Unlocked { store, session });
    }
    // The token lapsed or was dropped at logout: try for a fresh one while the password is at
    // hand; with no signal the worker works on, and uploads after the next login.
    let session = match online(device, &username, password).await {
        Ok(fresh) => {
            store.save_session(&fresh).await?;
            fresh
        }
        Err(_) => kept.ok_or_else(|| AppError::Login("请联网登录一次".into()))?,
    };
    Ok(Unlocked { store, session })
}

/// The server knows `password` but the device's key opens only with an older one. Records
/// that never uploaded are sealed under the old password: the worker unlocks with it once, so
/// they upload, and the next login with the new password starts afresh here. With nothing
/// waiting, the old records are dropped (the download brings them back) and a new key made.
async fn password_changed(
    device: &Device,
    username: &str,
    password: &str,
    fresh: LoginResponse,
) -> Result<Unlocked, AppError> {
    let old = DeviceStore::open_locked(device.device_id(), username).await?;
    let waiting = old.unsynced_count().await?;
    if waiting > 0 {
        old.close();
        return Err(AppError::Login(format!(
            "密码已在服务器上更改。本机还有 {waiting} 条未上传的记录是用旧密码加密的：请先用旧密码登录，同步后再用新密码登录。"
        )));
    }
    old.clear().await?;
    old.close();
    set_up(device, username, password, fresh).await
}

async fn first_login(
    device: &Device,
    username: &str,
    password: &str,
) -> Result<Unlocked, AppError> {
    let fresh = online(device, username, password)
        .await
        .map_err(|e| match e {
            AppError::Network(_) => AppError::Login(
                "本机还没有该账号的记录，第一次登录需要联网：请到有信号的地方再试。".into(),
            ),
            other => other,
        })?;
    set_up(device, username, password, fresh).await
}

/// A new data key for `username`, wrapped under `password`, and their (empty) records.
async fn set_up(
    device: &Device,
    username: &str,
    password: &str,
    fresh: LoginResponse,
) -> Result<Unlocked, AppError> {
    let key: [u8; KEY_BYTES] = seal::random()?;
    device
        .put_entry(&wrapped_entry(username, password, &key).await?)
        .await?;
    let store = DeviceStore::open(device.device_id(), username, Sealer::new(key)).await?;
    store.save_session(&fresh).await?;
    Ok(Unlocked {
        store,
        session: fresh,
    })
}

/// A keyring entry holding `key` wrapped under `password` with a fresh salt.
async fn wrapped_entry(
    username: &str,
    password: &str,
    key: &[u8; KEY_BYTES],
) -> Result<KeyringEntry, AppError> {
    let salt: [u8; 16] = seal::random()?;
    let kek = seal::derive_kek(password, &salt, PBKDF2_ROUNDS).await?;
    Ok(KeyringEntry {
        username: username.to_owned(),
        salt: salt.to_vec().into(),
        rounds: PBKDF2_ROUNDS,
        wrapped: seal::wrap(&kek, username, key)?.into(),
        failed_tries: 0,
        next_try_at_ms: 0,
        disabled: false,
    })
}

/// A login in the open app, when the token lapsed: the server checks the password, and the
/// data key is wrapped again under it (so a password changed on the server takes over here).
pub async fn log_in_again(
    device: &Device,
    store: &DeviceStore,
    password: &str,
) -> Result<LoginResponse, AppError> {
    let username = store.username();
    let fresh = online(device, username, password).await?;
    device
        .put_entry(&wrapped_entry(username, password, store.sealer().key()).await?)
        .await?;
    store.save_session(&fresh).await?;
    Ok(fresh)
}

/// Ends the login: the server is told when it can be, the token is forgotten, the records stay
/// sealed on the device for their owner, and the key leaves memory with the store.
pub async fn log_out(store: DeviceStore, token: &str) {
    if !token.is_empty() {
        // Offline the server cannot be told; the token then simply expires.
        let _ = api::logout(token).await;
    }
    let _ = store.forget_token().await;
    store.close();
}

/// The server said the account is disabled: no more offline unlocks until an online login
/// succeeds; the records stay, sealed.
pub async fn seal_disabled(device: &Device, store: DeviceStore) -> Result<(), AppError> {
    let username = store.username().to_owned();
    let _ = store.forget_token().await;
    store.close();
    if let Some(mut entry) = device.entry(&username).await? {
        entry.disabled = true;
        device.put_entry(&entry).await?;
    }
    Ok(())
}

async fn online(
    device: &Device,
    username: &str,
    password: &str,
) -> Result<LoginResponse, AppError> {
    api::login(&LoginRequest {
        username: username.to_owned(),
        password: password.to_owned(),
        device_id: device.device_id().to_owned(),
    })
    .await
}

/// A kept login the server will still take.
fn usable(session: &LoginResponse, now_ms: f64) -> bool {
    !session.token.is_empty() && (session.expires_at_ms as f64) > now_ms
}

#[cfg(test)]
mod tests {
    use super::*;
    use pingan_shared::session::Profile;

    fn session(token: &str, expires_at_ms: i64) -> LoginResponse {
        LoginResponse {
            token: token.into(),
            expires_at_ms,
            user: Profile {
                username: "worker01".into(),
                display_name: "李红".into(),
                role: "worker".into(),
                villages: Vec::new(),
            },
        }
    }

    #[test]
    fn a_kept_login_is_used_only_with_a_token_that_has_not_lapsed() {
        assert!(usable(&session("t", 2_000), 1_000.0));
        assert!(!usable(&session("t", 1_000), 1_000.0), "expired");
        assert!(!usable(&session("", 2_000), 1_000.0), "dropped at logout");
    }
}
