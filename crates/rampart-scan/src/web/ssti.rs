//! Server-side template injection: an arithmetic expression in a template engine's syntax comes
//! back evaluated — the product of two random numbers, absent from the payload and from the
//! original answer — twice, with two different pairs.

use super::client::Page;
use super::probe::{rand_in, try_send, Target};
use super::State;
use crate::rules;
use rampart_model::{Evidence, Finding};
use rampart_net::NetError;

/// Engine family and expression syntax; `{e}` is the expression.
const SHAPES: &[(&str, &str)] = &[
    ("Jinja2/Twig/Nunjucks", "{{{e}}}"),
    ("JSP EL/Freemarker/Mako", "${{e}}"),
    ("ERB/EJS", "<%= {e} %>"),
    ("Ruby/Pug interpolation", "#{{e}}"),
];

/// One polyglot with a different product per syntax, so that one request tests every engine
/// and the product that comes back names the syntax that was evaluated.
fn polyglot(orig: &str) -> (String, Vec<(&'static str, &'static str, String, String)>) {
    let mut payload = orig.to_string();
    let mut expect = Vec::new();
    for (engine, shape) in SHAPES {
        let (a, b) = (rand_in(1000, 9999), rand_in(1000, 9999));
        let expr = shape.replace("{e}", &format!("{a}*{b}"));
        payload.push_str(&expr);
        expect.push((
            *engine,
            *shape,
            expr,
            (u64::from(a) * u64::from(b)).to_string(),
        ));
    }
    (payload, expect)
}

pub async fn probe(
    state: &State,
    t: &Target<'_>,
    base: &Page,
) -> Result<Option<Finding>, NetError> {
    let (p, expect) = polyglot(t.orig);
    let Some(r) = try_send(state, &t.req(&p)).await? else {
        return Ok(None);
    };
    for (engine, shape, _, product) in expect {
        if !r.body.contains(&product) || base.body.contains(&product) {
            continue;
        }
        // Confirm with that syntax alone and another pair.
        let (a, b) = (rand_in(1000, 9999), rand_in(1000, 9999));
        let again = (u64::from(a) * u64::from(b)).to_string();
        let p2 = format!("{}{}", t.orig, shape.replace("{e}", &format!("{a}*{b}")));
        let Some(r2) = try_send(state, &t.req(&p2)).await? else {
            continue;
        };
        if !r2.body.contains(&again) || base.body.contains(&again) {
            continue;
        }
        return Ok(Some(t.finding(
            rules::web_ssti::RULE,
            engine,
            Evidence {
                request: Some(t.req(&p2).describe()),
                response: Some(r2.excerpt_around(&again, 200)),
                notes: vec![format!(
                    "the expression was evaluated to {again}; first seen as {product} in the answer to {}",
                    t.req(&p).describe()
                )],
            },
        )));
    }
    Ok(None)
}
