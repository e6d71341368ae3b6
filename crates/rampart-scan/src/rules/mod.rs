//! One file per rule. Each file holds a `RULE` constant whose id never changes; the doc comment
//! and the `what`/`why`/`fix` texts are the rule's documentation (docs/scan.md lists them all).

pub mod port_datastore_exposed;
pub mod port_expected_closed;
pub mod port_unexpected;

use crate::Rule;

/// Every rule, in id order.
pub fn all() -> Vec<Rule> {
    let mut v = vec![
        port_datastore_exposed::RULE,
        port_expected_closed::RULE,
        port_unexpected::RULE,
    ];
    v.sort_by_key(|r| r.id);
    v
}

/// The rule with this id.
pub fn by_id(id: &str) -> Option<Rule> {
    all().into_iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_unique_and_documented() {
        let all = super::all();
        for w in all.windows(2) {
            assert_ne!(w[0].id, w[1].id);
        }
        for r in &all {
            assert!(r.id.starts_with("RA-"), "{}", r.id);
            assert!(!r.what.is_empty() && !r.why.is_empty() && !r.fix.is_empty());
        }
    }
}
