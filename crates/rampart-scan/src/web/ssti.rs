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

pub async fn probe(
    state: &State,
    t: &Target<'_>,
    base: &Page,
) -> Result<Option<Finding>, NetError> {
    for (engine, shape) in SHAPES {
        let mut proofs = Vec::new();
        for _ in 0..2 {
            let (a, b) = (rand_in(1000, 9999), rand_in(1000, 9999));
            let product = (u64::from(a) * u64::from(b)).to_string();
            let p = format!("{}{}", t.orig, shape.replace("{e}", &format!("{a}*{b}")));
            let Some(r) = try_send(state, &t.req(&p)).await? else {
                break;
            };
            if !r.body.contains(&product) || base.body.contains(&product) {
                break;
            }
            proofs.push((p, r, product));
        }
        if proofs.len() == 2 {
            let (p, r, product) = proofs.remove(0);
            return Ok(Some(t.finding(
                rules::web_ssti::RULE,
                engine,
                Evidence {
                    request: Some(t.req(&p).describe()),
                    response: Some(r.excerpt_around(&product, 200)),
                    notes: vec![format!(
                        "the expression was evaluated to {product}; confirmed with a second pair ({})",
                        proofs[0].2
                    )],
                },
            )));
        }
    }
    Ok(None)
}
