//! The per-parameter injection checks beyond XSS and SQL: path traversal, OS command injection,
//! code injection (eval/exec), pickle deserialization, server-side template injection, open
//! redirect, CRLF injection and JSONP callbacks. Each parameter's original answer is fetched once
//! and shared by the checks that compare against it.

use super::crawl::Endpoint;
use super::probe::{each_in_order, is_logout, try_send_original, Target};
use super::{
    cmdi, code_exec, crlf, deser, jsonp, redirect, ssti, traversal, Found, State, WebOptions,
};
use http::Method;
use rampart_net::NetError;

pub async fn check(state: &State, opts: &WebOptions) -> Result<Found, NetError> {
    let mut out = Found::default();
    let mut places: Vec<(&Endpoint, String, String)> = Vec::new();
    for ep in &state.endpoints {
        if opts.safe && ep.method == Method::POST || is_logout(&ep.url) {
            continue;
        }
        let params: Vec<(String, String)> = ep.fuzzable().cloned().collect();
        if ep.method == Method::POST && !params.is_empty() {
            out.data_changing(format!(
                "POST {}: injection probes submitted",
                ep.url.path()
            ));
        }
        places.extend(params.into_iter().map(|(n, v)| (ep, n, v)));
    }
    // Several parameters at a time (the client's rate limit and budget still bound the pace):
    // one parameter's slow answers (a time-based proof, a tarpit) do not hold up the others.
    let shared = state;
    let found: Vec<Vec<super::Finding>> = each_in_order(
        places.iter(),
        opts.concurrency,
        |(ep, name, orig)| async move {
            let t = Target { ep, name, orig };
            let Some(base) = try_send_original(shared, &t.req(orig)).await? else {
                return Ok(Vec::new());
            };
            // The checks of one parameter side by side too: a tarpit that stalls every value
            // naming `sleep` costs its seconds once, not once per check.
            let (a, b, c, d, e, f, g, h) = tokio::try_join!(
                traversal::probe(shared, &t, &base),
                cmdi::probe(shared, &t, &base, opts.sqli_delay),
                code_exec::probe(shared, &t, &base, opts.sqli_delay),
                deser::probe(shared, &t, &base, opts.sqli_delay),
                ssti::probe(shared, &t, &base),
                redirect::probe(shared, &t, &base),
                crlf::probe(shared, &t, &base),
                jsonp::probe(shared, &t, &base),
            )?;
            let found = [a, b, c, d, e, f, g, h];
            Ok(found.into_iter().flatten().collect())
        },
    )
    .await?;
    out.findings.extend(found.into_iter().flatten());
    Ok(out)
}
