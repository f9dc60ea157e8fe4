//! The simulator's authorization server's registry: the OAuth apps, the
//! codes and the tokens it issued (`oauth` serves the routes over it). Apart
//! from the routes so that the simulator's state can hold it without the
//! state and the routes importing each other.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The cloud id of the simulated site, as accessible resources list it.
pub const CLOUD_ID: &str = "5e1f0c1d-0000-4000-8000-00000000c10d";
/// The scopes the site grants (the classic Jira scopes Worklogs asks for).
pub const SCOPES: &[&str] = &["read:jira-user", "read:jira-work", "write:jira-work"];
/// How long an authorization code is good for, seconds.
pub(crate) const CODE_SECONDS: u64 = 60;
/// How long a refresh token is good for, seconds (Atlassian: 90 days of inactivity).
pub(crate) const REFRESH_SECONDS: u64 = 90 * 24 * 3600;

/// An OAuth app registered with the simulated authorization server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthClient {
    /// The app's client id.
    pub id: String,
    /// The app's secret.
    pub secret: String,
    /// The one callback URL the app registered.
    pub redirect_uri: String,
    /// How long an access token lives, seconds (Atlassian: 3600).
    pub access_token_seconds: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub(crate) client: String,
    pub(crate) account: u32,
    pub(crate) redirect_uri: String,
    pub(crate) challenge: String,
    pub(crate) scope: String,
    pub(crate) expires_ms: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct Issued {
    pub(crate) account: u32,
    pub(crate) expires_ms: u64,
}

/// The authorization server's state: clients, codes, tokens.
#[derive(Debug, Default)]
pub(crate) struct OAuth {
    pub(crate) clients: Vec<OAuthClient>,
    pub(crate) codes: HashMap<String, Grant>,
    pub(crate) access: HashMap<String, Issued>,
    pub(crate) refresh: HashMap<String, Grant>,
}

pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // Without a random source the simulator cannot issue tokens at all; a
    // zeroed token would be guessable, so fall back to the clock's noise only
    // for a test machine that has none (never the case on Linux).
    if getrandom::fill(&mut bytes).is_err() {
        bytes[..16].copy_from_slice(&u128::from(now_ms()).to_le_bytes());
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The PKCE S256 challenge of `verifier`.
pub fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

impl OAuth {
    pub(crate) fn register(&mut self, client: OAuthClient) {
        self.clients.retain(|c| c.id != client.id);
        self.clients.push(client);
    }

    pub(crate) fn client(&self, id: &str) -> Option<&OAuthClient> {
        self.clients.iter().find(|c| c.id == id)
    }

    /// The account an access token acts as: `None` when unknown or expired.
    pub(crate) fn bearer(&self, token: &str) -> Option<u32> {
        self.access
            .get(token)
            .filter(|t| t.expires_ms > now_ms())
            .map(|t| t.account)
    }

    pub(crate) fn issue(&mut self, grant: Grant, ttl: u64) -> Value {
        let now = now_ms();
        self.access.retain(|_, t| t.expires_ms > now);
        self.refresh.retain(|_, g| g.expires_ms > now);
        let access = random_token();
        let refresh = random_token();
        self.access.insert(
            access.clone(),
            Issued {
                account: grant.account,
                expires_ms: now + ttl * 1000,
            },
        );
        let scope = grant.scope.clone();
        self.refresh.insert(
            refresh.clone(),
            Grant {
                expires_ms: now + REFRESH_SECONDS * 1000,
                ..grant
            },
        );
        json!({
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": ttl,
            "refresh_token": refresh,
            "scope": scope,
        })
    }
}
