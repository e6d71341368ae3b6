//! Authenticated scanning: optionally register a test user, log in through the site's own login
//! form, keep the session cookie (the client's jar), log in again when the session drops, and
//! check what a session does at login (fixation) and at logout (invalidation).

use super::client::{encode_form, Page, Req};
use super::html::{self, Form};
use super::probe::try_send;
use super::similarity::ratio;
use super::{passive, State};
use crate::rules;
use http::Method;
use rampart_model::Evidence;
use rampart_net::NetError;
use url::Url;

/// Credentials of the test user. The password is never printed (see the `Debug` impl) and
/// never goes into the report: request evidence shows it as `***`.
#[derive(Clone)]
pub struct WebAuth {
    pub username: String,
    pub password: String,
    /// Path of the login form, e.g. `/login`.
    pub login_path: String,
    /// Path of a registration form that creates the user first, e.g. `/register`.
    pub register_path: Option<String>,
}

impl std::fmt::Debug for WebAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebAuth")
            .field("username", &self.username)
            .field("password", &"***")
            .field("login_path", &self.login_path)
            .field("register_path", &self.register_path)
            .finish()
    }
}

/// Times the scan logs in again after the session dropped, at most.
pub const MAX_RELOGINS: u32 = 3;

/// Values for a login or registration form's fields.
fn fill(form: &Form, auth: &WebAuth) -> Vec<(String, String)> {
    let email = format!("{}@example.invalid", auth.username);
    form.fields
        .iter()
        .map(|f| {
            let n = f.name.to_ascii_lowercase();
            let v = match f.kind.as_str() {
                "password" => auth.password.clone(),
                "email" => email.clone(),
                "hidden" | "submit" | "button" | "image" | "checkbox" | "radio" => f.value.clone(),
                _ if n.contains("mail") => email.clone(),
                _ if ["user", "login", "name", "nick", "account"]
                    .iter()
                    .any(|w| n.contains(w)) =>
                {
                    auth.username.clone()
                }
                _ if !f.value.is_empty() => f.value.clone(),
                _ => "rampart".into(),
            };
            (f.name.clone(), v)
        })
        .collect()
}

/// What submitting a login or registration form gave: the answer, the request as shown in
/// evidence (password masked), and the cookies held just before the POST.
type Submitted = (Page, String, Vec<(String, String)>);

/// Submits the form with a password field found at `path`.
async fn submit(
    state: &mut State,
    path: &str,
    auth: &WebAuth,
) -> Result<Option<Submitted>, NetError> {
    let Ok(url) = state.base.join(path) else {
        return Ok(None);
    };
    let Some(page) = try_send(state, &Req::get(url.clone())).await? else {
        return Ok(None);
    };
    passive::check_page(state, &page);
    let Some(form) = html::extract(&page.body)
        .forms
        .into_iter()
        .find(|f| f.has_password())
    else {
        return Ok(None);
    };
    let Ok(action) = url.join(form.action.as_deref().unwrap_or("")) else {
        return Ok(None);
    };
    if !super::crawl::in_scope(state, &action) {
        return Ok(None);
    }
    let pairs = fill(&form, auth);
    let req = if form.method == "post" {
        Req::post_form(action, encode_form(&pairs))
    } else {
        let mut u = action;
        u.query_pairs_mut().extend_pairs(pairs.iter());
        Req::get(u)
    };
    let shown = req.describe().replace(
        &url::form_urlencoded::byte_serialize(auth.password.as_bytes()).collect::<String>(),
        "***",
    );
    let before = state.client.cookies();
    let Some(answer) = try_send(state, &req).await? else {
        return Ok(None);
    };
    passive::check_page(state, &answer);
    Ok(Some((answer, shown, before)))
}

fn shows_password_form(page: &Page) -> bool {
    html::extract(&page.body)
        .forms
        .iter()
        .any(Form::has_password)
}

/// Registers (when asked) and logs in. `Ok(false)` when the login did not take.
pub async fn login(state: &mut State) -> Result<bool, NetError> {
    let Some(auth) = state.auth.clone() else {
        return Ok(false);
    };
    if let (Some(reg), false) = (&auth.register_path, state.registered) {
        state.registered = true;
        submit(state, reg, &auth).await?;
    }
    let Some((answer, request, before)) = submit(state, &auth.login_path, &auth).await? else {
        state.errors.push(format!(
            "login: no form with a password field at {}",
            auth.login_path
        ));
        return Ok(false);
    };
    // Where the login leads: a redirect's target, or the answer itself.
    let landing = match answer
        .header("location")
        .and_then(|l| answer.url.join(l).ok())
    {
        Some(u) if (300..400).contains(&answer.status) && super::crawl::in_scope(state, &u) => {
            try_send(state, &Req::get(u)).await?
        }
        _ => Some(answer.clone()),
    };
    let ok = !shows_password_form(&answer)
        && landing
            .as_ref()
            .is_some_and(|p| !shows_password_form(p) && p.status < 400);
    let after = state.client.cookies();
    if !ok {
        state.errors.push(format!(
            "login as {} at {} failed (the answer still shows a password form or an error)",
            auth.username, auth.login_path
        ));
        return Ok(false);
    }
    state.session_cookies = after
        .iter()
        .filter(|c| !before.contains(c))
        .map(|(n, _)| n.clone())
        .collect();
    if let Some(p) = &landing {
        state.landing = Some(p.url.clone());
    }
    tracing::info!(user = %auth.username, cookies = ?state.session_cookies, "logged in");
    // Session fixation: a cookie set before the login still carries the same value after it,
    // and the login set no new one.
    if state.logins == 0 && state.session_cookies.is_empty() {
        if let Some((name, _)) = before.iter().find(|c| after.contains(c)) {
            let name = name.clone();
            state.add_finding(rules::web_session_fixation::RULE.finding(
                format!("Session cookie {name} is not renewed at login"),
                state.target(),
                &name,
                Evidence {
                    request: Some(request.clone()),
                    response: Some(format!(
                        "HTTP {} | no Set-Cookie renews {name}",
                        answer.status
                    )),
                    notes: vec![
                        "the value held before the login is the one in use after it (value withheld)"
                            .into(),
                    ],
                },
            ));
        }
        state.session_cookies = after.iter().map(|(n, _)| n.clone()).collect();
    }
    state.logins += 1;
    state.logged_in = true;
    Ok(true)
}

/// Whether the session cookies set at login are gone from the jar (the server dropped them).
pub fn session_dropped(state: &State) -> bool {
    if !state.logged_in || state.session_cookies.is_empty() {
        return false;
    }
    let jar = state.client.cookies();
    !state
        .session_cookies
        .iter()
        .all(|n| jar.iter().any(|(k, _)| k == n))
}

/// Logs in again when the session dropped, at most [`MAX_RELOGINS`] times.
pub async fn keep_session(state: &mut State) -> Result<(), NetError> {
    if session_dropped(state) && state.logins <= MAX_RELOGINS {
        tracing::info!("session dropped: logging in again");
        state.logged_in = false;
        login(state).await?;
    }
    Ok(())
}

/// Whether `page`, fetched while logged in, sends the client to the login form: the server no
/// longer knows the session.
pub fn redirects_to_login(state: &State, page: &Page) -> bool {
    let Some(auth) = &state.auth else {
        return false;
    };
    if !state.logged_in || !(300..400).contains(&page.status) {
        return false;
    }
    let (Some(loc), Ok(login)) = (page.header("location"), state.base.join(&auth.login_path))
    else {
        return false;
    };
    page.url.join(loc).is_ok_and(|to| to.path() == login.path()) && page.url.path() != login.path()
}

/// Logs in again after the server forgot the session, at most [`MAX_RELOGINS`] times; whether
/// the scan is logged in afterwards.
pub async fn relogin(state: &mut State) -> Result<bool, NetError> {
    if state.logins > MAX_RELOGINS {
        return Ok(false);
    }
    tracing::info!("session expired on the server: logging in again");
    state.logged_in = false;
    login(state).await
}

/// Follows the logout link once, then replays the session cookie recorded before: if the
/// logged-in page still answers as it did, the session survived the logout.
pub async fn check_logout(state: &mut State) -> Result<(), NetError> {
    if !state.logged_in {
        return Ok(());
    }
    let Some(logout) = state.logout_links.first().cloned() else {
        return Ok(());
    };
    let page_url = state.landing.clone().unwrap_or_else(|| state.base.clone());
    let Some(logged) = try_send(state, &Req::get(page_url.clone())).await? else {
        return Ok(());
    };
    let recorded = state.client.cookies();
    let out = Req {
        method: Method::GET,
        ..Req::get(logout.clone())
    };
    try_send(state, &out).await?;
    state.logged_in = false;
    state.client.set_cookies(Vec::new());
    let Some(anon) = try_send(state, &Req::get(page_url.clone())).await? else {
        return Ok(());
    };
    state.client.set_cookies(recorded);
    let Some(replay) = try_send(state, &Req::get(page_url.clone())).await? else {
        return Ok(());
    };
    state.client.set_cookies(Vec::new());
    let same = replay.status == logged.status && ratio(&replay.body, &logged.body) >= 0.95;
    let anon_differs = anon.status != logged.status || ratio(&anon.body, &logged.body) < 0.9;
    if same && anon_differs {
        state.add_finding(rules::web_session_logout::RULE.finding(
            "Session cookie still valid after logout",
            state.target(),
            page_url.path(),
            Evidence {
                request: Some(format!(
                    "GET {} (logout), then GET {} HTTP/1.1 with the session cookie recorded before the logout",
                    logout.path(),
                    page_url.path()
                )),
                response: Some(replay.excerpt_around("", 160)),
                notes: vec![format!(
                    "answered as when logged in (HTTP {}, similarity {:.2}); without the cookie: HTTP {}",
                    replay.status,
                    ratio(&replay.body, &logged.body),
                    anon.status
                )],
            },
        ));
    }
    Ok(())
}

/// The login path as a URL of the site (for the crawl's seeds).
pub fn landing_or_base(state: &State) -> Url {
    state.landing.clone().unwrap_or_else(|| state.base.clone())
}
