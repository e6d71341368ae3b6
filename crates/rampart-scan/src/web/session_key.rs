//! Session cookies signed with a well-known key, checked offline: Flask's cookie session is
//! itsdangerous-signed (`payload.timestamp.signature`, HMAC-SHA1 with a key derived from
//! SECRET_KEY and the salt `cookie-session`). rampart recomputes the signature of the cookie the
//! server set under each default key; a match proves the key. No request is sent, and the
//! cookie's value never goes into the report.

use super::client::Page;
use super::State;
use crate::rules;
use rampart_model::Evidence;
use ring::hmac;

/// Keys found in tutorials, framework docs and example apps.
pub const DEFAULT_KEYS: &[&str] = &[
    "development key",
    "dev",
    "secret",
    "secret key",
    "secret-key",
    "secret_key",
    "SECRET_KEY",
    "secretkey",
    "supersecretkey",
    "super-secret",
    "super secret key",
    "changeme",
    "change-me",
    "CHANGEME",
    "default",
    "flask",
    "key",
    "test",
    "testing",
    "s3cr3t",
    "your-secret-key",
    "your_secret_key",
    "mysecretkey",
    "keyboard cat",
    "this-is-a-secret",
    "you-will-never-guess",
    "hard to guess string",
    "123456",
    "password",
];

/// URL-safe base64 without padding, as itsdangerous writes it.
fn b64url(data: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
}

/// The itsdangerous signature of `value` under Flask's session signer with `secret`.
pub fn flask_signature(secret: &str, value: &str) -> String {
    let derive = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret.as_bytes());
    let derived = hmac::sign(&derive, b"cookie-session");
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, derived.as_ref());
    b64url(hmac::sign(&key, value.as_bytes()).as_ref())
}

/// The default key that signed this Flask session cookie value, if any.
pub fn flask_default_key(cookie: &str) -> Option<&'static str> {
    let (signed, sig) = cookie.trim_matches('"').rsplit_once('.')?;
    if sig.len() != 27 || !signed.contains('.') {
        return None;
    }
    DEFAULT_KEYS
        .iter()
        .copied()
        .find(|k| flask_signature(k, signed) == sig)
}

/// Checks every cookie `page` sets.
pub fn check(state: &mut State, page: &Page) {
    for c in page.header_all("set-cookie") {
        let first = c.split(';').next().unwrap_or("");
        let Some((name, value)) = first.split_once('=') else {
            continue;
        };
        let Some(key) = flask_default_key(value.trim()) else {
            continue;
        };
        let name = name.trim();
        state.add_finding(rules::web_session_default_key::RULE.finding(
            format!("Session cookie {name} is signed with the default key {key:?}"),
            state.target(),
            name,
            Evidence {
                request: Some(format!("the request to {} (its answer set the cookie)", page.url.path())),
                response: Some(format!(
                    "HTTP {} | Set-Cookie: {name}=<value withheld>",
                    page.status
                )),
                notes: vec![format!(
                    "the cookie's itsdangerous signature (HMAC-SHA1, salt cookie-session) recomputed offline with SECRET_KEY = {key:?} matches"
                )],
            },
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_without_padding() {
        assert_eq!(b64url(b"f"), "Zg");
        assert_eq!(b64url(b"fo"), "Zm8");
        assert_eq!(b64url(b"foo"), "Zm9v");
        assert_eq!(b64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn a_cookie_signed_by_flask_with_development_key() {
        // Made by Flask 0.12.5 / itsdangerous 1.1.0 (MiniTwit's venv) with SECRET_KEY =
        // 'development key': session['user_id'] = 1.
        let real = "eyJ1c2VyX2lkIjoxfQ.axLhlw.jDp5sN4Za5ZoAPDzu1HOwG0L9K0";
        assert_eq!(flask_default_key(real), Some("development key"));
        let forged = "eyJ1c2VyX2lkIjoxfQ.axLhlw.jDp5sN4Za5ZoAPDzu1HOwG0L9K1";
        assert_eq!(flask_default_key(forged), None);
        assert_eq!(flask_default_key("abc"), None);
    }
}
