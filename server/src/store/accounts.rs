//! Villages, users, sessions and actor bindings: one SQL text for both backends (SQLite
//! reads PostgreSQL's `$N` placeholders and `TRUE`), written once and implemented for each
//! store by [`account_queries`]. Rows are read with `try_get`, so a column of an unexpected
//! type is a storage error, not a panic.

/// Implements the account queries on a store with a `pool` and its write transaction with a
/// `tx`. The caller's module must `use sqlx::Row`.
macro_rules! account_queries {
    ($store:ty, $tx:ty, $db:ty) => {
        impl $store {
            /// Gives `username` these villages, each of which must exist, in `tx`.
            async fn assign_villages(
                tx: &mut sqlx::Transaction<'_, $db>,
                username: &str,
                villages: &[String],
            ) -> Result<(), $crate::store::StoreError> {
                for village in villages {
                    let known: Option<String> = sqlx::query_scalar("SELECT id FROM villages WHERE id = $1")
                        .bind(village)
                        .fetch_optional(&mut **tx)
                        .await?;
                    if known.is_none() {
                        return Err($crate::store::StoreError::UnknownVillage(village.clone()));
                    }
                    sqlx::query(
                        "INSERT INTO user_villages (username, village_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    )
                    .bind(username)
                    .bind(village)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }

            pub async fn add_village(&self, village: &$crate::accounts::Village) -> Result<(), $crate::store::StoreError> {
                let result = sqlx::query(
                    "INSERT INTO villages (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
                )
                .bind(&village.id)
                .bind(&village.name)
                .execute(&self.pool)
                .await?;
                if result.rows_affected() == 0 {
                    return Err($crate::store::StoreError::VillageExists(village.id.clone()));
                }
                Ok(())
            }

            pub async fn villages(&self) -> Result<Vec<$crate::accounts::Village>, $crate::store::StoreError> {
                let rows = sqlx::query("SELECT id, name FROM villages ORDER BY id")
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|r| {
                        Ok($crate::accounts::Village {
                            id: r.try_get("id")?,
                            name: r.try_get("name")?,
                        })
                    })
                    .collect()
            }

            /// Adds an account; every village it names must exist.
            pub async fn add_user(
                &self,
                user: &$crate::accounts::User,
                password_hash: &str,
                now_ms: i64,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                let inserted = sqlx::query(
                    "INSERT INTO users (username, display_name, role, password_hash, disabled, created_at_ms)
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING",
                )
                .bind(&user.username)
                .bind(&user.display_name)
                .bind(user.role.as_str())
                .bind(password_hash)
                .bind(user.disabled)
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
                if inserted.rows_affected() == 0 {
                    return Err($crate::store::StoreError::UserExists(user.username.clone()));
                }
                Self::assign_villages(&mut tx, &user.username, &user.villages).await?;
                tx.commit().await?;
                Ok(())
            }

            pub async fn users(&self) -> Result<Vec<$crate::accounts::User>, $crate::store::StoreError> {
                let rows = sqlx::query("SELECT username FROM users ORDER BY username")
                    .fetch_all(&self.pool)
                    .await?;
                let mut users = Vec::with_capacity(rows.len());
                for row in rows {
                    let username: String = row.try_get("username")?;
                    if let Some((user, _)) = self.user(&username).await? {
                        users.push(user);
                    }
                }
                Ok(users)
            }

            /// The devices `username` has logged in from, in the order of their first login:
            /// what numbers them on the office's screens (`labels::device_name`).
            pub async fn devices_of(&self, username: &str) -> Result<Vec<String>, $crate::store::StoreError> {
                Ok(sqlx::query_scalar(
                    "SELECT device_id FROM sessions WHERE username = $1
                     GROUP BY device_id ORDER BY MIN(created_at_ms), device_id",
                )
                .bind(username)
                .fetch_all(&self.pool)
                .await?)
            }

            /// The account and its password hash.
            pub async fn user(&self, username: &str) -> Result<Option<($crate::accounts::User, String)>, $crate::store::StoreError> {
                let Some(row) = sqlx::query(
                    "SELECT username, display_name, role, password_hash, disabled FROM users WHERE username = $1",
                )
                .bind(username)
                .fetch_optional(&self.pool)
                .await?
                else {
                    return Ok(None);
                };
                let villages: Vec<String> = sqlx::query_scalar(
                    "SELECT village_id FROM user_villages WHERE username = $1 ORDER BY village_id",
                )
                .bind(username)
                .fetch_all(&self.pool)
                .await?;
                let role: String = row.try_get("role")?;
                let user = $crate::accounts::User {
                    username: row.try_get("username")?,
                    display_name: row.try_get("display_name")?,
                    role: $crate::accounts::Role::parse(&role)
                        .ok_or_else(|| $crate::store::StoreError::Corrupt(format!("role {role:?}")))?,
                    villages,
                    disabled: row.try_get("disabled")?,
                };
                Ok(Some((user, row.try_get("password_hash")?)))
            }

            /// Replaces the villages of an account; every village named must exist. Sessions
            /// stay: the account's scope is read on every request, so its devices sync the new
            /// villages (and forget the old ones) at their next sync.
            pub async fn set_villages(&self, username: &str, villages: &[String]) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                let known: Option<String> = sqlx::query_scalar("SELECT username FROM users WHERE username = $1")
                    .bind(username)
                    .fetch_optional(&mut *tx)
                    .await?;
                if known.is_none() {
                    return Err($crate::store::StoreError::UnknownUser(username.to_owned()));
                }
                sqlx::query("DELETE FROM user_villages WHERE username = $1")
                    .bind(username)
                    .execute(&mut *tx)
                    .await?;
                Self::assign_villages(&mut tx, username, villages).await?;
                tx.commit().await?;
                Ok(())
            }

            /// Disables (or re-enables) an account; disabling also revokes every session at once.
            pub async fn set_disabled(&self, username: &str, disabled: bool) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                let updated = sqlx::query("UPDATE users SET disabled = $1 WHERE username = $2")
                    .bind(disabled)
                    .bind(username)
                    .execute(&mut *tx)
                    .await?;
                if updated.rows_affected() == 0 {
                    return Err($crate::store::StoreError::UnknownUser(username.to_owned()));
                }
                if disabled {
                    sqlx::query("UPDATE sessions SET revoked = TRUE WHERE username = $1")
                        .bind(username)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            pub async fn create_session(
                &self,
                token_hash: &[u8],
                username: &str,
                device_id: &str,
                now_ms: i64,
                expires_at_ms: i64,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query(
                    "INSERT INTO sessions (token_hash, username, device_id, created_at_ms, expires_at_ms)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(token_hash)
                .bind(username)
                .bind(device_id)
                .bind(now_ms)
                .bind(expires_at_ms)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            pub async fn session(&self, token_hash: &[u8]) -> Result<Option<$crate::store::SessionRecord>, $crate::store::StoreError> {
                let Some(row) = sqlx::query(
                    "SELECT username, device_id, expires_at_ms, revoked FROM sessions WHERE token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?
                else {
                    return Ok(None);
                };
                let username: String = row.try_get("username")?;
                let Some((user, _)) = self.user(&username).await? else {
                    return Ok(None);
                };
                Ok(Some($crate::store::SessionRecord {
                    user,
                    device_id: row.try_get("device_id")?,
                    expires_at_ms: row.try_get("expires_at_ms")?,
                    revoked: row.try_get("revoked")?,
                }))
            }

            pub async fn revoke_session(&self, token_hash: &[u8]) -> Result<(), $crate::store::StoreError> {
                sqlx::query("UPDATE sessions SET revoked = TRUE WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
        }

        impl $tx {
            /// The user and device an Automerge actor is bound to, if any.
            pub async fn actor_owner(
                &mut self,
                actor: &str,
            ) -> Result<Option<(String, String)>, $crate::store::StoreError> {
                let row = sqlx::query("SELECT username, device_id FROM actors WHERE actor = $1")
                    .bind(actor)
                    .fetch_optional(&mut *self.tx)
                    .await?;
                row.map(|r| Ok((r.try_get("username")?, r.try_get("device_id")?)))
                    .transpose()
            }

            pub async fn bind_actor(
                &mut self,
                actor: &str,
                username: &str,
                device_id: &str,
                now_ms: i64,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query(
                    "INSERT INTO actors (actor, username, device_id, first_seen_ms) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (actor) DO NOTHING",
                )
                .bind(actor)
                .bind(username)
                .bind(device_id)
                .bind(now_ms)
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }
        }
    };
}
pub(super) use account_queries;
