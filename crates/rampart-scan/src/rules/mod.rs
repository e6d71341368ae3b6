//! One file per rule. Each file holds a `RULE` constant whose id never changes; the doc comment
//! and the `what`/`why`/`fix` texts are the rule's documentation (docs/scan.md lists them all).

pub mod port_datastore_exposed;
pub mod port_expected_closed;
pub mod port_unexpected;
pub mod smtp_auth_plaintext;
pub mod smtp_no_starttls;
pub mod smtp_open_relay;
pub mod ssh_password;
pub mod ssh_weak_algorithm;
pub mod ssh_weak_mac;
pub mod tls_expired;
pub mod tls_expiring;
pub mod tls_hostname;
pub mod tls_hsts;
pub mod tls_old_protocol;
pub mod tls_untrusted;
pub mod tls_weak_key;
pub mod tls_weak_signature;
pub mod web_code_injection;
pub mod web_command_injection;
pub mod web_cookie_flags;
pub mod web_crlf_injection;
pub mod web_csrf_missing;
pub mod web_deserialization;
pub mod web_directory_listing;
pub mod web_exposed_path;
pub mod web_header_missing;
pub mod web_jsonp;
pub mod web_login_rate_limit;
pub mod web_open_redirect;
pub mod web_path_traversal;
pub mod web_sensitive_file;
pub mod web_session_default_key;
pub mod web_session_fixation;
pub mod web_session_logout;
pub mod web_sqli;
pub mod web_ssti;
pub mod web_unreadable_response;
pub mod web_version_disclosure;
pub mod web_xss_reflected;
pub mod web_xss_stored;
pub mod web_xxe;

use crate::Rule;

/// Every rule, in id order.
pub fn all() -> Vec<Rule> {
    let mut v = vec![
        port_datastore_exposed::RULE,
        port_expected_closed::RULE,
        port_unexpected::RULE,
        smtp_open_relay::RULE,
        smtp_no_starttls::RULE,
        smtp_auth_plaintext::RULE,
        tls_expired::RULE,
        tls_expiring::RULE,
        tls_hostname::RULE,
        tls_untrusted::RULE,
        tls_weak_key::RULE,
        tls_weak_signature::RULE,
        tls_old_protocol::RULE,
        tls_hsts::RULE,
        ssh_password::RULE,
        ssh_weak_algorithm::RULE,
        ssh_weak_mac::RULE,
        web_sqli::RULE,
        web_xss_reflected::RULE,
        web_header_missing::RULE,
        web_cookie_flags::RULE,
        web_csrf_missing::RULE,
        web_directory_listing::RULE,
        web_version_disclosure::RULE,
        web_sensitive_file::RULE,
        web_exposed_path::RULE,
        web_login_rate_limit::RULE,
        web_jsonp::RULE,
        web_xss_stored::RULE,
        web_path_traversal::RULE,
        web_command_injection::RULE,
        web_open_redirect::RULE,
        web_crlf_injection::RULE,
        web_ssti::RULE,
        web_session_default_key::RULE,
        web_session_logout::RULE,
        web_session_fixation::RULE,
        web_unreadable_response::RULE,
        web_xxe::RULE,
        web_code_injection::RULE,
        web_deserialization::RULE,
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
