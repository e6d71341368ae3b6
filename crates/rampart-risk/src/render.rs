//! The register as text, Markdown, HTML (with a heat map as inline SVG) and JSON.

use crate::{AssessedRisk, Register};
use rampart_report::{html, md};

fn pct(p: f64) -> String {
    if p < 10.0 {
        format!("{p:.2} %")
    } else {
        format!("{p:.1} %")
    }
}

fn residual(r: &AssessedRisk) -> String {
    r.residual
        .as_ref()
        .map(|(l, s, lvl)| format!("{lvl} ({} × {s})", pct(l.percent)))
        .unwrap_or_else(|| "—".into())
}

fn evidence(r: &AssessedRisk) -> String {
    let mut v: Vec<String> = Vec::new();
    v.extend(r.evidence_findings.iter().map(|f| format!("finding {f}")));
    v.extend(r.evidence_threats.iter().map(|t| format!("threat {t}")));
    v.extend(r.evidence_monitors.iter().map(|m| format!("monitor {m}")));
    if v.is_empty() {
        "—".into()
    } else {
        v.join(", ")
    }
}

fn rows(reg: &Register) -> Vec<Vec<String>> {
    reg.risks
        .iter()
        .map(|r| {
            vec![
                r.id.clone(),
                r.asset_name.clone(),
                r.title.clone(),
                format!(
                    "{} over {} ({})",
                    pct(r.likelihood.percent),
                    r.likelihood.horizon,
                    r.likelihood.band
                ),
                r.severity.clone(),
                r.level.clone(),
                residual(r),
                r.owner.clone().unwrap_or_else(|| "—".into()),
                r.treatment.clone().unwrap_or_else(|| "—".into()),
                evidence(r),
            ]
        })
        .collect()
}

const HEADER: [&str; 10] = [
    "id",
    "asset",
    "risk",
    "likelihood",
    "severity",
    "level",
    "residual",
    "owner",
    "treatment",
    "evidence",
];

fn notes(r: &AssessedRisk) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(why) = &r.likelihood.rationale {
        if !why.is_empty() {
            out.push(format!("likelihood: {why}"));
        }
    }
    if let Some(d) = &r.likelihood.derivation {
        out.extend(d.steps.iter().map(|s| format!("  {s}")));
    }
    if let Some((alt, lvl)) = &r.alternative {
        out.push(format!(
            "the horizon matters: {} — {} over {} ({}) → {lvl}",
            alt.derivation
                .as_ref()
                .map(|d| d.event.describe())
                .unwrap_or(""),
            pct(alt.percent),
            alt.horizon,
            alt.band
        ));
        if let Some(d) = &alt.derivation {
            out.extend(d.steps.iter().map(|s| format!("  {s}")));
        }
    }
    if let Some(s) = &r.severity_rationale {
        out.push(format!("severity: {s}"));
    }
    out
}

pub fn text(reg: &Register) -> String {
    let mut out = format!("Risk register ({} matrix)\n\n", reg.matrix.name);
    for r in &reg.risks {
        out.push_str(&format!(
            "{} [{}] {} — {}\n  likelihood {} over {} (band {}), severity {} → {}\n",
            r.id,
            r.asset_name,
            r.title,
            r.level,
            pct(r.likelihood.percent),
            r.likelihood.horizon,
            r.likelihood.band,
            r.severity,
            r.level
        ));
        for n in notes(r) {
            out.push_str(&format!("  {n}\n"));
        }
        out.push_str(&format!(
            "  residual: {}; owner: {}; treatment: {}; evidence: {}\n\n",
            residual(r),
            r.owner.as_deref().unwrap_or("—"),
            r.treatment.as_deref().unwrap_or("—"),
            evidence(r)
        ));
    }
    out
}

pub fn markdown(reg: &Register) -> String {
    let mut out = format!(
        "# Risk register\n\nMatrix: `{}`. Levels are derived from the matrix, never typed.\n\n",
        reg.matrix.name
    );
    out.push_str(&md::table(&HEADER, &rows(reg)));
    out.push_str("\n## Matrix\n\n");
    out.push_str(&matrix_md(reg));
    out.push_str("\n## Why\n\n");
    for r in &reg.risks {
        out.push_str(&format!(
            "### {} — {}\n\n",
            md::escape(&r.id),
            md::escape(&r.title)
        ));
        for n in notes(r) {
            out.push_str(&format!("- {}\n", md::escape(n.trim())));
        }
        out.push('\n');
    }
    out
}

fn matrix_md(reg: &Register) -> String {
    let mut header = vec!["likelihood \\ severity"];
    header.extend(reg.matrix.severities.iter().map(String::as_str));
    let rows: Vec<Vec<String>> = reg
        .matrix
        .bands
        .iter()
        .rev()
        .map(|b| {
            std::iter::once(b.label.clone())
                .chain(b.cells.iter().cloned())
                .collect()
        })
        .collect();
    md::table(&header, &rows)
}

/// The matrix as a heat map, with each risk's id in its cell.
pub fn heat_map_svg(reg: &Register) -> String {
    let m = &reg.matrix;
    let (cw, ch, left, top) = (150.0, 54.0, 150.0, 30.0);
    let w = left + cw * m.severities.len() as f64 + 10.0;
    let h = top + ch * m.bands.len() as f64 + 10.0;
    let palette = ["#d1fadf", "#fef0c7", "#fedf89", "#fda29b", "#f97066"];
    let mut s = format!("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"risk heat map\" font-family=\"sans-serif\" font-size=\"12\">");
    for (j, sev) in m.severities.iter().enumerate() {
        s.push_str(&format!(
            "<text x=\"{}\" y=\"20\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>",
            left + cw * (j as f64 + 0.5),
            html::escape(sev)
        ));
    }
    for (row, (bi, b)) in m.bands.iter().enumerate().rev().enumerate() {
        let y = top + ch * row as f64;
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            left - 8.0,
            y + ch / 2.0 + 4.0,
            html::escape(&b.label)
        ));
        for (j, cell) in b.cells.iter().enumerate() {
            let rank = m.level_rank(cell).unwrap_or(0);
            let color = palette[(rank * (palette.len() - 1)) / (m.levels.len().max(2) - 1)];
            let x = left + cw * j as f64;
            s.push_str(&format!("<rect x=\"{x}\" y=\"{y}\" width=\"{cw}\" height=\"{ch}\" fill=\"{color}\" stroke=\"#fff\" stroke-width=\"2\"/>"));
            s.push_str(&format!("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#344054\" font-size=\"10\">{}</text>", x + cw / 2.0, y + 13.0, html::escape(cell)));
            let ids: Vec<&str> = reg
                .risks
                .iter()
                .filter(|r| {
                    m.band_index(r.likelihood.percent).ok() == Some(bi)
                        && m.severity_index(&r.severity).ok() == Some(j)
                })
                .map(|r| r.id.as_str())
                .collect();
            for (k, id) in ids.iter().enumerate() {
                s.push_str(&format!(
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>",
                    x + cw / 2.0,
                    y + 28.0 + 12.0 * k as f64,
                    html::escape(id)
                ));
            }
        }
    }
    s.push_str("</svg>");
    s
}

/// The register's section of an HTML page (also used by the combined report).
pub fn html_section(reg: &Register) -> String {
    let mut body = format!("<section id=\"risks\"><h2>Risk register</h2><p>Matrix: <code>{}</code>. Levels are derived from the matrix, never typed.</p>", html::escape(&reg.matrix.name));
    body.push_str(&heat_map_svg(reg));
    body.push_str(&html::table(&HEADER, &rows(reg)));
    for r in &reg.risks {
        let n = notes(r);
        if !n.is_empty() {
            body.push_str(&format!(
                "<h3>{} — {}</h3><pre>{}</pre>",
                html::escape(&r.id),
                html::escape(&r.title),
                html::escape(&n.join("\n"))
            ));
        }
    }
    body.push_str("</section>");
    body
}

pub fn html_page(reg: &Register, project: &str) -> String {
    html::page(
        &format!("Risk register: {project}"),
        "rampart risks",
        &html_section(reg),
    )
}
