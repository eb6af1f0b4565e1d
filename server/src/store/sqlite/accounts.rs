//! Villages, users, sessions and actor bindings in SQLite.

use sqlx::Row;

use super::{SqliteStore, WriteTransaction};
use crate::accounts::{Role, User, Village};
use crate::store::{SessionRecord, StoreError};

impl SqliteStore {
    pub async fn add_village(&self, village: &Village) -> Result<(), StoreError> {
        let result = sqlx::query(
            "INSERT INTO villages (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&village.id)
        .bind(&village.name)
        .execute(&self.pool)
        .await?;
        if result.rows_affected() == 0 {
            return Err(StoreError::VillageExists(village.id.clone()));
        }
        Ok(())
    }

    pub async fn villages(&self) -> Result<Vec<Village>, StoreError> {
        let rows = sqlx::query("SELECT id, name FROM villages ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| Village {
                id: r.get("id"),
                name: r.get("name"),
            })
            .collect())
    }

    /// Adds an account; every village it names must exist.
    pub async fn add_user(
        &self,
        user: &User,
        password_hash: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO users (username, display_name, role, password_hash, disabled, created_at_ms)
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING",
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
            return Err(StoreError::UserExists(user.username.clone()));
        }
        for village in &user.villages {
            let known: Option<String> = sqlx::query_scalar("SELECT id FROM villages WHERE id = ?")
                .bind(village)
                .fetch_optional(&mut *tx)
                .await?;
            if known.is_none() {
                return Err(StoreError::UnknownVillage(village.clone()));
            }
            sqlx::query("INSERT INTO user_villages (username, village_id) VALUES (?, ?)")
                .bind(&user.username)
                .bind(village)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let rows = sqlx::query("SELECT username FROM users ORDER BY username")
            .fetch_all(&self.pool)
            .await?;
        let mut users = Vec::with_capacity(rows.len());
        for row in rows {
            let username: String = row.get("username");
            if let Some((user, _)) = self.user(&username).await? {
                users.push(user);
            }
        }
        Ok(users)
    }

    /// The account and its password hash.
    pub async fn user(&self, username: &str) -> Result<Option<(User, String)>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT username, display_name, role, password_hash, disabled FROM users WHERE username = ?",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let villages: Vec<String> = sqlx::query_scalar(
            "SELECT village_id FROM user_villages WHERE username = ? ORDER BY village_id",
        )
        .bind(username)
        .fetch_all(&self.pool)
        .await?;
        let role: String = row.get("role");
        let user = User {
            username: row.get("username"),
            display_name: row.get("display_name"),
            role: Role::parse(&role)
                .ok_or_else(|| StoreError::Corrupt(format!("role {role:?}")))?,
            villages,
            disabled: row.get("disabled"),
        };
        Ok(Some((user, row.get("password_hash"))))
    }

    /// Disables (or re-enables) an account; disabling also revokes every session at once.
    pub async fn set_disabled(&self, username: &str, disabled: bool) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query("UPDATE users SET disabled = ? WHERE username = ?")
            .bind(disabled)
            .bind(username)
            .execute(&mut *tx)
            .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::UnknownUser(username.to_owned()));
        }
        if disabled {
            sqlx::query("UPDATE sessions SET revoked = 1 WHERE username = ?")
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
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, username, device_id, created_at_ms, expires_at_ms)
             VALUES (?, ?, ?, ?, ?)",
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

    pub async fn session(&self, token_hash: &[u8]) -> Result<Option<SessionRecord>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT username, device_id, expires_at_ms, revoked FROM sessions WHERE token_hash = ?",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let username: String = row.get("username");
        let Some((user, _)) = self.user(&username).await? else {
            return Ok(None);
        };
        Ok(Some(SessionRecord {
            user,
            device_id: row.get("device_id"),
            expires_at_ms: row.get("expires_at_ms"),
            revoked: row.get("revoked"),
        }))
    }

    pub async fn revoke_session(&self, token_hash: &[u8]) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET revoked = 1 WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

impl WriteTransaction {
    /// The user and device an Automerge actor is bound to, if any.
    pub async fn actor_owner(
        &mut self,
        actor: &str,
    ) -> Result<Option<(String, String)>, StoreError> {
        let row = sqlx::query("SELECT username, device_id FROM actors WHERE actor = ?")
            .bind(actor)
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(row.map(|r| (r.get("username"), r.get("device_id"))))
    }

    pub async fn bind_actor(
        &mut self,
        actor: &str,
        username: &str,
        device_id: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO actors (actor, username, device_id, first_seen_ms) VALUES (?, ?, ?, ?)
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
