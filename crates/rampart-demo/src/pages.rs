//! The demo's HTML. Data is escaped everywhere except where a weakness says otherwise.

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn layout(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title} | MiniTwit</title></head><body>\
<div class=\"page\"><h1>MiniTwit</h1><div class=\"navigation\"><a href=\"/\">my timeline</a> | \
<a href=\"/public\">public timeline</a> | <a href=\"/register\">sign up</a> | <a href=\"/login\">sign in</a> | \
<a href=\"/search\">search</a></div><div class=\"body\">{body}</div><div class=\"footer\">MiniTwit &mdash; a rampart demo</div></div></body></html>"
    )
}

pub fn timeline(msgs: &[(String, String)]) -> String {
    let items: String = msgs
        .iter()
        .map(|(u, t)| {
            format!(
                "<li><strong><a href=\"/api/msgs?user={}\">{}</a></strong> {}</li>",
                esc(u),
                esc(u),
                esc(t)
            )
        })
        .collect();
    layout(
        "Public Timeline",
        &format!("<h2>Public Timeline</h2><ul class=\"messages\">{items}</ul>"),
    )
}

pub fn login(error: Option<&str>) -> String {
    let err = error
        .map(|e| {
            format!(
                "<div class=\"error\"><strong>Error:</strong> {}</div>",
                esc(e)
            )
        })
        .unwrap_or_default();
    layout(
        "Sign In",
        &format!(
            "<h2>Sign In</h2>{err}<form action=\"/login\" method=\"post\"><dl><dt>Username:<dd><input type=\"text\" name=\"username\" size=\"30\">\
<dt>Password:<dd><input type=\"password\" name=\"password\" size=\"30\"></dl><div class=\"actions\"><input type=\"submit\" value=\"Sign In\"></div></form>"
        ),
    )
}

pub fn register(error: Option<&str>) -> String {
    let err = error
        .map(|e| {
            format!(
                "<div class=\"error\"><strong>Error:</strong> {}</div>",
                esc(e)
            )
        })
        .unwrap_or_default();
    layout(
        "Sign Up",
        &format!(
            "<h2>Sign Up</h2>{err}<form action=\"/register\" method=\"post\"><dl><dt>Username:<dd><input type=\"text\" name=\"username\" size=\"30\">\
<dt>E-Mail:<dd><input type=\"text\" name=\"email\" size=\"30\"><dt>Password:<dd><input type=\"password\" name=\"password\" size=\"30\"></dl>\
<div class=\"actions\"><input type=\"submit\" value=\"Sign Up\"></div></form>"
        ),
    )
}

/// WEAKNESS: `q` is not escaped.
pub fn search(q: &str) -> String {
    layout(
        "Search",
        &format!("<h2>Search</h2><form action=\"/search\" method=\"get\"><input type=\"text\" name=\"q\"><input type=\"submit\" value=\"Search\"></form><p>Results for: {q}</p>"),
    )
}

pub fn test_page(latest: u64) -> String {
    layout(
        "Test",
        &format!("<h2>Test page</h2><p>Simulator test endpoint. latest={latest}. Remove before going live.</p>"),
    )
}

pub fn admin() -> String {
    "<!DOCTYPE html><html><head><title>MiniTwit Admin Console</title></head><body><h1>Admin Console</h1>\
<p>Users: 3 &middot; Messages: 4</p><p><a href=\"/users\">Manage users</a></p></body></html>"
        .to_string()
}

pub fn not_found() -> String {
    layout(
        "Not Found",
        "<h2>Not Found</h2><p>The requested URL was not found on the server.</p>",
    )
}
