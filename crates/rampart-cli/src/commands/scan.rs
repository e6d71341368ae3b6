//! `rampart scan ports|web|ssh|tls|smtp`: the security scans of rampart-scan, with the project
//! file's scope (and its expected ports and web targets), rendered as text, json, md, html or
//! sarif. `--fail-on SEVERITY` turns findings into exit code 1 for CI.

use crate::exit::{CliResult, Outcome};
use crate::output::OutputArgs;
use crate::Global;
use anyhow::Context;
use rampart_model::{Finding, Severity};
use rampart_net::{
    Net, Politeness, Scope, PORT_SCAN_BUDGET, PORT_SCAN_RATE, PROTOCOL_SCAN_BUDGET,
    PROTOCOL_SCAN_RATE, WEB_SCAN_BUDGET, WEB_SCAN_RATE,
};
use rampart_report::{sarif, Document, FindingColumns, Format, Table};
use rampart_scan as scan;
use serde_json::Value;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub what: What,
}

#[derive(clap::Subcommand, Debug)]
pub enum What {
    /// TCP connect scan with banner grabbing; open ports not listed in [[hosts]] are findings.
    Ports(PortsArgs),
    /// Crawl, discover paths, check headers/cookies/CSRF, probe XSS and SQL injection.
    Web(WebArgs),
    /// SSH version, weak algorithms, and whether password login is offered (nothing guessed).
    Ssh(SshArgs),
    /// Certificate chain, expiry, host name, key size, signature, protocol versions, HSTS.
    Tls(TlsArgs),
    /// Banner, STARTTLS, AUTH before TLS, open relay (envelope commands only, no message).
    Smtp(SmtpArgs),
}

#[derive(clap::Args, Debug)]
pub struct SmtpArgs {
    /// HOST or HOST:PORT (default port 25).
    pub target: String,
    /// Connections per second at most (0 = no cap).
    #[arg(long, default_value_t = PROTOCOL_SCAN_RATE, value_parser = rate)]
    pub rate: f64,
    /// Connections in this scan at most.
    #[arg(long, default_value_t = PROTOCOL_SCAN_BUDGET, value_parser = crate::bounds::int(1u64, 100_000_000))]
    pub budget: u64,
    #[command(flatten)]
    pub common: Common,
}

#[derive(clap::Args, Debug)]
pub struct TlsArgs {
    /// HOST or HOST:PORT (default port 443).
    pub target: String,
    /// Server name for SNI and the certificate check (default: the host).
    #[arg(long)]
    pub sni: Option<String>,
    /// PEM file of extra trusted CA certificates (e.g. an internal CA).
    #[arg(long)]
    pub ca_file: Option<std::path::PathBuf>,
    /// Days left under which a certificate is a finding.
    #[arg(long, default_value_t = 21, value_parser = crate::bounds::int(0i64, 3650))]
    pub warn_days: i64,
    /// Connections per second at most (0 = no cap).
    #[arg(long, default_value_t = PROTOCOL_SCAN_RATE, value_parser = rate)]
    pub rate: f64,
    /// Connections in this scan at most.
    #[arg(long, default_value_t = PROTOCOL_SCAN_BUDGET, value_parser = crate::bounds::int(1u64, 100_000_000))]
    pub budget: u64,
    #[command(flatten)]
    pub common: Common,
}

#[derive(clap::Args, Debug)]
pub struct SshArgs {
    /// HOST or HOST:PORT (default port 22).
    pub target: String,
    /// User name for the "none" authentication request.
    #[arg(long, default_value = "rampart-probe")]
    pub user: String,
    /// Connections per second at most (0 = no cap).
    #[arg(long, default_value_t = PROTOCOL_SCAN_RATE, value_parser = rate)]
    pub rate: f64,
    /// Connections in this scan at most.
    #[arg(long, default_value_t = PROTOCOL_SCAN_BUDGET, value_parser = crate::bounds::int(1u64, 100_000_000))]
    pub budget: u64,
    #[command(flatten)]
    pub common: Common,
}

#[derive(clap::Args, Debug)]
pub struct Common {
    #[command(flatten)]
    pub output: OutputArgs,
    /// Exit 1 when a finding has at least this severity (info, low, medium, high, critical).
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
}

#[derive(clap::Args, Debug)]
pub struct PortsArgs {
    /// Host name or address (must be in the project's scope).
    pub host: String,
    /// Ports: 1-65535, 22,80,443, top:1000, or a mix (1-1024,8080).
    #[arg(long, default_value = "top:1000")]
    pub ports: String,
    /// Longest wait for one connect (the scanner adapts below it), e.g. 1s, 500ms.
    #[arg(long, default_value = "1s", value_parser = dur)]
    pub timeout: rampart_config::Duration,
    /// Extra tries for ports that gave no answer.
    #[arg(long, default_value_t = 1, value_parser = crate::bounds::int(0u32, 10))]
    pub retries: u32,
    /// Connects in flight (default: from the file-descriptor limit).
    #[arg(long, value_parser = crate::bounds::int(1usize, 10_000))]
    pub concurrency: Option<usize>,
    /// Skip banner grabbing and service naming.
    #[arg(long)]
    pub no_banners: bool,
    /// Ports the host should expose (default: the host's [[hosts]] entry).
    #[arg(long, value_delimiter = ',', value_parser = crate::bounds::int(1u16, 65535))]
    pub expect: Option<Vec<u16>>,
    /// Connects per second at most, retries and banner probes included (0 = no cap).
    #[arg(long, default_value_t = PORT_SCAN_RATE, value_parser = rate)]
    pub rate: f64,
    /// Connects in this scan at most; when they run out the scan stops and says so.
    #[arg(long, default_value_t = PORT_SCAN_BUDGET, value_parser = crate::bounds::int(1u64, 100_000_000))]
    pub budget: u64,
    #[command(flatten)]
    pub common: Common,
}

#[derive(clap::Args, Debug)]
pub struct WebArgs {
    /// Start URL (must be in the project's scope).
    pub url: String,
    /// Pages the crawler fetches at most.
    #[arg(long, default_value_t = 60, value_parser = crate::bounds::int(1usize, 1_000_000))]
    pub max_pages: usize,
    /// Extra entry points, as URLs or paths (repeatable).
    #[arg(long = "seed", value_name = "URL")]
    pub seeds: Vec<String>,
    /// Extra words for path discovery (repeatable).
    #[arg(long = "word")]
    pub words: Vec<String>,
    #[arg(long)]
    pub no_discovery: bool,
    /// Skip the XSS and SQL injection probes.
    #[arg(long)]
    pub passive: bool,
    /// Wrong passwords sent to the login form (0 = skip the rate-limit check).
    #[arg(long, default_value_t = 20, value_parser = crate::bounds::int(0u32, 10_000))]
    pub login_burst: u32,
    /// Path of the login form (default: from [[web]] login_path, else found by the crawl).
    #[arg(long)]
    pub login_path: Option<String>,
    /// Scan logged in as this user (default: from [[web]] username); needs --login-path.
    #[arg(long)]
    pub username: Option<String>,
    /// Environment variable holding the user's password (default: from [[web]]).
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
    /// Registration form that creates the user first (default: from [[web]] register_path).
    #[arg(long)]
    pub register_path: Option<String>,
    /// Send nothing that could change data: no POST probes, no stored-XSS markers.
    #[arg(long)]
    pub safe: bool,
    /// Requests per second at most (0 = no cap).
    #[arg(long, default_value_t = WEB_SCAN_RATE, value_parser = rate)]
    pub rate: f64,
    /// Requests in this scan at most; when they run out the scan stops and says so.
    #[arg(long, default_value_t = WEB_SCAN_BUDGET, value_parser = crate::bounds::int(1u64, 100_000_000))]
    pub budget: u64,
    #[command(flatten)]
    pub common: Common,
}

/// The test user of an authenticated web scan, from the flags or the [[web]] entry.
fn web_auth(
    a: &WebArgs,
    declared: Option<&rampart_config::WebTargetSection>,
    login_path: Option<&String>,
) -> anyhow::Result<Option<scan::WebAuth>> {
    let Some(username) = a
        .username
        .clone()
        .or_else(|| declared.and_then(|w| w.username.clone()))
    else {
        return Ok(None);
    };
    let env = a
        .password_env
        .clone()
        .or_else(|| declared.and_then(|w| w.password_env.clone()));
    let password = match env {
        Some(var) => std::env::var(&var)
            .with_context(|| format!("--password-env: environment variable {var} is not set"))?,
        None => declared
            .and_then(|w| w.password.clone())
            .context("--username needs a password: --password-env VAR, or password in [[web]]")?,
    };
    let login_path = login_path
        .cloned()
        .context("--username needs --login-path (or login_path in [[web]])")?;
    Ok(Some(scan::WebAuth {
        username,
        password,
        login_path,
        register_path: a
            .register_path
            .clone()
            .or_else(|| declared.and_then(|w| w.register_path.clone())),
    }))
}

fn dur(s: &str) -> Result<rampart_config::Duration, String> {
    crate::bounds::positive_duration(s)
}

/// The most requests per second a scan may be asked for: far above any real server's limit, low
/// enough that the rate limiter's arithmetic stays exact.
const MAX_RATE: f64 = 1_000_000.0;

fn rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if r.is_finite() && (0.0..=MAX_RATE).contains(&r) => Ok(r),
        _ => Err(format!(
            "found \"{s}\"; expected a number of requests per second from 0 to {MAX_RATE} (0 = no cap)"
        )),
    }
}

/// One rate limit and one budget for everything a scan sends (`--rate 0` = no cap).
fn polite_net(project: &rampart_config::Project, rate: f64, budget: u64) -> Net {
    Net::with_politeness(
        Scope::from_section(&project.file.scope),
        Politeness::new((rate > 0.0).then_some(rate), Some(budget)),
    )
}

/// The summary's note when the budget ran out.
/// The summary's word on a crawl that stopped at `--max-pages` with links left.
fn crawl_left_note(left: usize, max_pages: usize) -> String {
    if left == 0 {
        return String::new();
    }
    format!(
        "; CRAWL STOPPED at {max_pages} pages with {left} link{} found but not fetched: \
         part of the site was not scanned (raise --max-pages)",
        if left == 1 { "" } else { "s" }
    )
}

fn budget_note(exhausted: bool, what: &str) -> String {
    if exhausted {
        format!("; REQUEST BUDGET EXHAUSTED: scan incomplete{what} (raise --budget)")
    } else {
        String::new()
    }
}

pub fn run(global: &Global, args: Args) -> CliResult {
    let project = rampart_config::load_file(&global.project).map_err(|e| {
        anyhow::anyhow!(
            "{e}\nscans need a project file with the targets in [scope] \
             (hint: `rampart init --scope TARGET`, or --project FILE)"
        )
    })?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        match args.what {
            What::Ports(a) => ports(&project, a).await,
            What::Web(a) => web(&project, a).await,
            What::Ssh(a) => ssh(&project, a).await,
            What::Tls(a) => tls(&project, a).await,
            What::Smtp(a) => smtp(&project, a).await,
        }
    })
}

async fn ports(project: &rampart_config::Project, a: PortsArgs) -> CliResult {
    let format = a.common.output.require(ALL_FORMATS)?;
    let net = polite_net(project, a.rate, a.budget);
    let spec: scan::PortSpec = a.ports.parse()?;
    let mut opts = scan::PortOptions::new(spec);
    opts.timeout = a.timeout.std();
    opts.min_timeout = opts.min_timeout.min(opts.timeout);
    opts.retries = a.retries;
    opts.concurrency = a.concurrency;
    opts.identify = !a.no_banners;
    opts.expected = a.expect.clone().or_else(|| {
        project
            .file
            .hosts
            .iter()
            .find(|h| h.address.eq_ignore_ascii_case(&a.host))
            .map(|h| h.ports.clone())
    });
    let total = opts.ports.len() as u64;
    let bar = crate::progress::counter(total, "ports");
    {
        let bar = bar.clone();
        opts.progress = Some(scan::Progress::new(move |done| {
            bar.set_position(done);
            if done == total {
                bar.set_message("naming the services of open ports");
            }
        }));
    }
    let report = scan::scan_ports(&net, &a.host, &opts).await;
    bar.finish_and_clear();
    let report = report?;
    let rows = report
        .ports
        .iter()
        .map(|p| {
            vec![
                p.port.to_string(),
                format!("{:?}", p.state).to_lowercase(),
                p.service.clone(),
                [p.product.clone(), p.version.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
                p.title.clone().or(p.banner.clone()).unwrap_or_default(),
            ]
        })
        .collect();
    let view = View {
        title: format!("Port scan of {} ({})", report.host, report.address),
        summary: format!(
            "{} ports scanned in {:.1} s: {} open, {} closed, {} filtered ({} loopback self-connects discarded; {} connects in flight){}",
            report.scanned,
            report.duration_ms / 1000.0,
            report.open,
            report.closed,
            report.filtered,
            report.self_connects_discarded,
            report.concurrency,
            budget_note(
                report.budget_exhausted,
                &format!(", {} ports not scanned", report.not_scanned)
            )
        ),
        header: vec!["port", "state", "service", "software", "title / banner"],
        rows,
        findings: report.findings.clone(),
        json: serde_json::to_value(&report)?,
    };
    emit(&view, format, &a.common)
}

async fn web(project: &rampart_config::Project, a: WebArgs) -> CliResult {
    let format = a.common.output.require(ALL_FORMATS)?;
    let net = polite_net(project, a.rate, a.budget);
    let base = url::Url::parse(&a.url)
        .with_context(|| format!("\"{}\" is not a URL", scan::web::redact_url(&a.url)))?;
    let declared = project
        .file
        .web
        .iter()
        .find(|w| w.url.as_str().trim_end_matches('/') == a.url.trim_end_matches('/'));
    let mut opts = scan::WebOptions {
        max_pages: a.max_pages,
        discovery: !a.no_discovery,
        extra_words: a.words.clone(),
        active: !a.passive,
        login_burst: a.login_burst,
        login_path: a
            .login_path
            .clone()
            .or_else(|| declared.and_then(|w| w.login_path.clone())),
        ..scan::WebOptions::default()
    };
    opts.auth = web_auth(&a, declared, opts.login_path.as_ref())?;
    opts.safe = a.safe || declared.is_some_and(|w| w.safe);
    if a.max_pages == 60 {
        if let Some(m) = declared.and_then(|w| w.max_pages) {
            opts.max_pages = m;
        }
    }
    let declared_seeds = declared.map(|w| w.seeds.clone()).unwrap_or_default();
    for s in declared_seeds.iter().chain(&a.seeds) {
        opts.seeds.push(
            base.join(s)
                .with_context(|| format!("--seed \"{s}\" is not a URL or path"))?,
        );
    }
    opts.timeout = Duration::from_secs(10);
    let bar = crate::progress::spinner(format!("web scan of {}", scan::web::redact_url(&a.url)));
    {
        let bar = bar.clone();
        let budget = a.budget;
        opts.progress = Some(scan::Progress::new(move |sent| {
            bar.set_message(format!("{sent} of at most {budget} requests"));
        }));
    }
    let report = scan::scan_web(&net, &a.url, &opts).await;
    bar.finish_and_clear();
    let report = report?;
    let crawl_note = crawl_left_note(report.crawl_left, opts.max_pages);
    if !crawl_note.is_empty() {
        crate::errln!("warning: {}", crawl_note.trim_start_matches("; "));
    }
    let rows = report
        .pages
        .iter()
        .map(|p| {
            vec![
                p.status.to_string(),
                format!("{:?}", p.source).to_lowercase(),
                p.url.clone(),
                p.title.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let view = View {
        title: format!("Web scan of {}", report.target),
        summary: format!(
            "{} requests in {:.1} s; {} pages, {} parameters probed{}{}{}",
            report.requests,
            report.duration_ms / 1000.0,
            report.pages.len(),
            report.parameters.len(),
            report
                .not_found_behaviour
                .as_ref()
                .map(|n| format!("; {n}"))
                .unwrap_or_default(),
            crawl_note,
            budget_note(report.budget_exhausted, "")
        ),
        header: vec!["status", "found by", "url", "title"],
        rows,
        findings: report.findings.clone(),
        json: serde_json::to_value(&report)?,
    };
    emit(&view, format, &a.common)
}

async fn ssh(project: &rampart_config::Project, a: SshArgs) -> CliResult {
    let format = a.common.output.require(ALL_FORMATS)?;
    let net = polite_net(project, a.rate, a.budget);
    let opts = scan::SshOptions {
        user: a.user.clone(),
        ..Default::default()
    };
    let r = scan::scan_ssh(&net, &a.target, &opts).await?;
    let methods = r
        .auth_methods
        .as_ref()
        .map(|m| m.join(", "))
        .unwrap_or_else(|| format!("unknown ({})", r.auth_error.clone().unwrap_or_default()));
    let rows = vec![
        vec!["version".into(), r.banner.clone()],
        vec!["auth methods".into(), methods],
        vec!["key exchange".into(), r.kex.join(", ")],
        vec!["host keys".into(), r.host_key.join(", ")],
        vec!["ciphers".into(), r.ciphers.join(", ")],
        vec!["MACs".into(), r.macs.join(", ")],
    ];
    let view = View {
        title: format!("SSH scan of {}", r.target),
        summary: format!("{} in {:.0} ms", r.banner, r.duration_ms),
        header: vec!["what", "offered"],
        rows,
        findings: r.findings.clone(),
        json: serde_json::to_value(&r)?,
    };
    emit(&view, format, &a.common)
}

async fn tls(project: &rampart_config::Project, a: TlsArgs) -> CliResult {
    let format = a.common.output.require(ALL_FORMATS)?;
    let net = polite_net(project, a.rate, a.budget);
    let mut opts = scan::TlsOptions {
        server_name: a.sni.clone(),
        warn_days: a.warn_days,
        ..Default::default()
    };
    if let Some(f) = &a.ca_file {
        let text = std::fs::read_to_string(f)
            .with_context(|| format!("cannot read --ca-file {}", f.display()))?;
        opts.extra_roots = scan::tls::pem::certificates(&text);
        anyhow::ensure!(
            !opts.extra_roots.is_empty(),
            "--ca-file {}: no PEM CERTIFICATE block found",
            f.display()
        );
    }
    let r = scan::scan_tls(&net, &a.target, &opts).await?;
    let mut rows: Vec<Vec<String>> = r
        .protocols
        .iter()
        .map(|p| {
            vec![
                p.version.clone(),
                match p.accepted {
                    Some(true) => "accepted".into(),
                    Some(false) => "refused".into(),
                    None => "no answer".into(),
                },
            ]
        })
        .collect();
    for (i, c) in r.chain.iter().enumerate() {
        rows.push(vec![
            format!("certificate {i}"),
            format!(
                "{} (issuer {}), {} {} bits, {}, until {}",
                c.subject,
                c.issuer,
                c.key_type,
                c.key_bits,
                c.signature_algorithm,
                c.not_after.map(|d| d.to_rfc3339()).unwrap_or_default()
            ),
        ]);
    }
    let view = View {
        title: format!("TLS scan of {}", r.target),
        summary: format!(
            "{} {}; {} days left; host name {}; chain {}; HSTS: {}",
            r.negotiated_version,
            r.negotiated_cipher,
            r.days_left.map(|d| d.to_string()).unwrap_or("?".into()),
            if r.hostname_match {
                "matches"
            } else {
                "does NOT match"
            },
            if r.trusted { "trusted" } else { "NOT trusted" },
            r.hsts.clone().unwrap_or_else(|| "n/a (not HTTP)".into())
        ),
        header: vec!["what", "result"],
        rows,
        findings: r.findings.clone(),
        json: serde_json::to_value(&r)?,
    };
    emit(&view, format, &a.common)
}

async fn smtp(project: &rampart_config::Project, a: SmtpArgs) -> CliResult {
    let format = a.common.output.require(ALL_FORMATS)?;
    let net = polite_net(project, a.rate, a.budget);
    let r = scan::scan_smtp(&net, &a.target, &scan::SmtpOptions::default()).await?;
    let yes_no = |b: Option<bool>| match b {
        Some(true) => "yes".to_string(),
        Some(false) => "no".to_string(),
        None => "n/a".to_string(),
    };
    let rows = vec![
        vec!["banner".into(), r.banner.clone()],
        vec!["EHLO".into(), r.ehlo.join(", ")],
        vec!["STARTTLS offered".into(), yes_no(Some(r.starttls_offered))],
        vec!["STARTTLS works".into(), yes_no(r.starttls_works)],
        vec!["AUTH before TLS".into(), r.auth_before_tls.join(" ")],
        vec!["AUTH after TLS".into(), r.auth_after_tls.join(" ")],
        vec!["open relay".into(), yes_no(r.open_relay)],
    ];
    let view = View {
        title: format!("SMTP scan of {}", r.target),
        summary: r.relay_transcript.join(" | "),
        header: vec!["what", "result"],
        rows,
        findings: r.findings.clone(),
        json: serde_json::to_value(&r)?,
    };
    emit(&view, format, &a.common)
}

const ALL_FORMATS: &[Format] = &[
    Format::Text,
    Format::Json,
    Format::Md,
    Format::Html,
    Format::Sarif,
];

/// A scan's report, ready for any format.
struct View {
    title: String,
    summary: String,
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
    findings: Vec<Finding>,
    json: Value,
}

fn emit(view: &View, format: Format, common: &Common) -> CliResult {
    let out = match format {
        Format::Json => serde_json::to_string_pretty(&view.json)?,
        Format::Sarif => serde_json::to_string_pretty(&sarif::sarif_log(
            env!("CARGO_PKG_VERSION"),
            &view.findings,
            &rule_table(),
        ))?,
        _ => {
            let doc = Document::observed_and_findings(
                &view.title,
                &view.summary,
                Table::plain(&view.header, &view.rows),
                view.findings.clone(),
                FindingColumns::RuleFirst,
            );
            rampart_report::render::render(&doc, format).unwrap_or_default()
        }
    };
    common.output.write(&out)?;
    let failed = common
        .fail_on
        .is_some_and(|min| view.findings.iter().any(|f| f.severity >= min));
    Ok(if failed {
        Outcome::PolicyFailed
    } else {
        Outcome::Ok
    })
}

fn rule_table() -> Vec<sarif::RuleInfo> {
    scan::rules::all()
        .into_iter()
        .map(|r| sarif::RuleInfo {
            id: r.id.into(),
            name: r.title.into(),
            short: r.title.into(),
            help: format!("{}\n\nWhy: {}\n\nFix: {}", r.what, r.why, r.fix),
            severity: r.severity,
        })
        .collect()
}
