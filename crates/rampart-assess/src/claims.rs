//! Claims that can never be verified, for `rampart validate`: a threat claimed mitigated by
//! checks whose elements have no target mapped, or whose checks cannot run against any target
//! the project declares (a TLS check claimed for a plain-http application, a web check for an
//! element mapped to an SSH port). Such a claim stays "unverified" forever; better said now.

use crate::mitigation::{kind_of, same_target};
use crate::AssessError;
use rampart_config::Project;

/// Whether a check of `kind` can run against `target` given what the project declares.
fn runnable(project: &Project, kind: &str, target: &str) -> bool {
    let pf = &project.file;
    let host_of = |t: &str| {
        t.rsplit_once(':')
            .map(|(h, _)| h.trim_matches(['[', ']']).to_string())
    };
    let declared_host = |t: &str| {
        host_of(t).is_some_and(|h| pf.hosts.iter().any(|x| x.address.eq_ignore_ascii_case(&h)))
    };
    match kind {
        "web" => pf.web.iter().any(|w| same_target(w.url.as_str(), target)),
        "ports" => pf
            .hosts
            .iter()
            .any(|h| h.address.eq_ignore_ascii_case(target)),
        "ssh" | "smtp" => !target.contains("://") && declared_host(target),
        "tls" => {
            let https = pf.web.iter().any(|w| {
                w.url.scheme() == "https"
                    && (same_target(w.url.as_str(), target)
                        || format!(
                            "{}:{}",
                            w.url.host_str().unwrap_or_default(),
                            w.url.port_or_known_default().unwrap_or(443)
                        )
                        .eq_ignore_ascii_case(target))
            });
            https || (!target.contains("://") && declared_host(target))
        }
        "logs" => !pf.logs.sources.is_empty(),
        "monitor" => !pf.monitors.is_empty(),
        _ => false,
    }
}

/// One line per claim that can never be verified, and per `[[threats.map]]` entry naming no
/// element of the diagram. Empty when the project has no `[threats]`.
pub fn unverifiable_claims(project: &Project) -> Result<Vec<String>, AssessError> {
    let Some(section) = &project.file.threats else {
        return Ok(Vec::new());
    };
    let threats =
        rampart_threat::load_project(project).map_err(|e| AssessError::Threats(e.to_string()))?;
    let mut out = Vec::new();
    for m in &section.map {
        if threats.dfd.element(&m.element).is_none() {
            out.push(format!(
                "[[threats.map]] element \"{}\" is not an element of the data-flow diagram",
                m.element
            ));
        }
    }
    for t in threats
        .threats
        .iter()
        .filter(|t| t.state == rampart_threat::State::Mitigated && !t.checks.is_empty())
    {
        let mut targets = section.targets_of(&t.source_id);
        targets.extend(section.targets_of(&t.target_id));
        if targets.is_empty() {
            out.push(format!(
                "threat {} \"{}\" is claimed mitigated by {}, but no target is mapped to \"{}\" or \"{}\" ([[threats.map]]), so the claim can never be verified",
                t.id,
                t.title,
                t.checks.join(", "),
                t.source_id,
                t.target_id
            ));
            continue;
        }
        for check in &t.checks {
            let kind = kind_of(check);
            if kind == "unknown" {
                out.push(format!(
                    "threat {} \"{}\": no rampart check owns the rule \"{check}\", so the claim can never be verified",
                    t.id, t.title
                ));
            } else if !targets.iter().any(|x| runnable(project, kind, x)) {
                out.push(format!(
                    "threat {} \"{}\": {check} is a {kind} check, and none of its targets ({}) is a {kind} target the project declares, so the claim can never be verified",
                    t.id,
                    t.title,
                    targets.join(", ")
                ));
            }
        }
    }
    Ok(out)
}
