//! The per-parameter injection checks beyond XSS and SQL: path traversal, OS command injection,
//! code injection (eval/exec), pickle deserialization, server-side template injection, open
//! redirect, CRLF injection and JSONP callbacks. Each parameter's original answer is fetched once
//! and shared by the checks that compare against it.

use super::crawl::Endpoint;
use super::probe::{is_logout, try_send_original, Target};
use super::{cmdi, code_exec, crlf, deser, jsonp, redirect, ssti, traversal, State, WebOptions};
use http::Method;
use rampart_net::NetError;

pub async fn check(state: &mut State, opts: &WebOptions) -> Result<(), NetError> {
    let endpoints: Vec<Endpoint> = state.endpoints.clone();
    for ep in &endpoints {
        if opts.safe && ep.method == Method::POST || is_logout(&ep.url) {
            continue;
        }
        let params: Vec<(String, String)> = ep.fuzzable().cloned().collect();
        if ep.method == Method::POST && !params.is_empty() {
            state.data_changing.insert(format!(
                "POST {}: injection probes submitted",
                ep.url.path()
            ));
        }
        for (name, orig) in &params {
            let t = Target { ep, name, orig };
            let Some(base) = try_send_original(state, &t.req(orig)).await? else {
                continue;
            };
            let mut found = Vec::new();
            found.push(traversal::probe(state, &t, &base).await?);
            found.push(cmdi::probe(state, &t, &base, opts.sqli_delay).await?);
            found.push(code_exec::probe(state, &t, &base, opts.sqli_delay).await?);
            found.push(deser::probe(state, &t, &base, opts.sqli_delay).await?);
            found.push(ssti::probe(state, &t, &base).await?);
            found.push(redirect::probe(state, &t, &base).await?);
            found.push(crlf::probe(state, &t, &base).await?);
            found.push(jsonp::probe(state, &t, &base).await?);
            for f in found.into_iter().flatten() {
                state.add_finding(f);
            }
        }
    }
    Ok(())
}
