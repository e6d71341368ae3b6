//! Passwords (argon2id), session and CSRF tokens, roles, and login throttling.
//!
//! Session tokens are 256 random bits; the store keeps only their SHA-256, so a copy of the
//! database opens no session. Throttling counts failures per account and per client address in
//! memory over a sliding window; a lock refuses further attempts without checking the password.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use ring::rand::{SecureRandom, SystemRandom};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const ROLES: [&str; 3] = ["viewer", "triager", "admin"];

/// What a role may do, lowest first: viewer reads, triager also edits triage, admin also reads
/// the audit log and exports triage to the file.
pub fn role_rank(role: &str) -> u8 {
    match role {
        "admin" => 3,
        "triager" => 2,
        "viewer" => 1,
        _ => 0,
    }
}

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default() // argon2id, v19, the crate's recommended parameters
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so both cases take as long.
pub fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("no such account").unwrap_or_default())
}

/// `bytes` random bytes, URL-safe base64.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    SystemRandom::new()
        .fill(&mut buf)
        .expect("the system random source works");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// A printable generated password (for `rampart users add` without stdin).
pub fn generate_password() -> String {
    random_token(18)
}

pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Constant-time comparison for CSRF tokens.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Failures allowed per account within the window before it is locked.
pub const ACCOUNT_LIMIT: usize = 5;
/// Failures allowed per client address within the window before it is locked.
pub const CLIENT_LIMIT: usize = 20;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
pub const LOCK: Duration = Duration::from_secs(15 * 60);

#[derive(Default)]
struct Counter {
    failures: Vec<Instant>,
    locked_until: Option<Instant>,
}

/// Login throttling per account and per client.
#[derive(Default)]
pub struct Throttle {
    accounts: Mutex<HashMap<String, Counter>>,
    clients: Mutex<HashMap<String, Counter>>,
}

/// Why an attempt is refused before the password is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Locked {
    Account,
    Client,
}

/// What recording a failure caused.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Failure {
    /// The account (or client) was locked by this very failure: log the lockout once.
    pub locked_account: bool,
    pub locked_client: bool,
}

impl Throttle {
    pub fn check(&self, account: &str, client: &str) -> Option<Locked> {
        let now = Instant::now();
        let locked = |m: &Mutex<HashMap<String, Counter>>, k: &str| {
            m.lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(k)
                .and_then(|c| c.locked_until)
                .is_some_and(|u| u > now)
        };
        if locked(&self.clients, client) {
            Some(Locked::Client)
        } else if locked(&self.accounts, account) {
            Some(Locked::Account)
        } else {
            None
        }
    }

    pub fn fail(&self, account: &str, client: &str) -> Failure {
        let now = Instant::now();
        let bump = |m: &Mutex<HashMap<String, Counter>>, k: &str, limit: usize| -> bool {
            let mut map = m.lock().unwrap_or_else(|p| p.into_inner());
            // Bounded memory: forget idle entries when the map grows large.
            if map.len() > 10_000 {
                map.retain(|_, c| {
                    c.failures.last().is_some_and(|t| now - *t < WINDOW)
                        || c.locked_until.is_some_and(|u| u > now)
                });
            }
            let c = map.entry(k.to_string()).or_default();
            c.failures.retain(|t| now - *t < WINDOW);
            c.failures.push(now);
            if c.failures.len() >= limit && c.locked_until.is_none_or(|u| u <= now) {
                c.locked_until = Some(now + LOCK);
                c.failures.clear();
                return true;
            }
            false
        };
        Failure {
            locked_account: bump(&self.accounts, account, ACCOUNT_LIMIT),
            locked_client: bump(&self.clients, client, CLIENT_LIMIT),
        }
    }

    pub fn succeed(&self, account: &str) {
        self.accounts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_round_trip_with_argon2id() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn five_failures_lock_the_account_once() {
        let t = Throttle::default();
        for i in 0..ACCOUNT_LIMIT - 1 {
            assert_eq!(t.fail("alice", &format!("10.0.0.{i}")), Failure::default());
        }
        assert_eq!(t.check("alice", "10.0.0.9"), None);
        let f = t.fail("alice", "10.0.0.9");
        assert!(f.locked_account);
        assert_eq!(t.check("alice", "10.0.0.10"), Some(Locked::Account));
        assert_eq!(t.check("bob", "10.0.0.10"), None);
    }

    #[test]
    fn one_client_spraying_accounts_is_locked() {
        let t = Throttle::default();
        let mut locked = 0;
        for i in 0..CLIENT_LIMIT {
            if t.fail(&format!("user{i}"), "10.1.1.1").locked_client {
                locked += 1;
            }
        }
        assert_eq!(locked, 1);
        assert_eq!(t.check("someone", "10.1.1.1"), Some(Locked::Client));
    }
}
