//! The one palette and font stack of every page and drawing, light and dark.
//! Pages get it as CSS variables; each SVG carries its own small style sheet with the same
//! colours, so a drawing looks the same inline, as a standalone file and as PNG (rsvg-convert).

/// (name, light, dark)
const COLOURS: &[(&str, &str, &str)] = &[
    ("fg", "#1c2330", "#e4e7ec"),
    ("bg", "#f6f7f9", "#12161c"),
    ("card", "#ffffff", "#1b2028"),
    ("line", "#dde1e7", "#343c48"),
    ("th", "#f0f2f5", "#242b35"),
    ("pre", "#f3f4f6", "#222831"),
    ("muted", "#667085", "#98a2b3"),
    ("head-bg", "#1c2b45", "#0b1220"),
    ("head-fg", "#ffffff", "#e4e7ec"),
    ("link", "#175cd3", "#84adff"),
    ("accent", "#1c64f2", "#6ea8fe"),
    ("accent-soft", "#90caf9", "#3e5f8a"),
    ("series2", "#dc6803", "#fdb022"),
    ("bad", "#b42318", "#f97066"),
    ("warn", "#b54708", "#fdb022"),
    ("good", "#067647", "#47cd89"),
];

/// Heat-map fills from lowest to highest level; dark text stays readable on each, in both modes.
pub const HEAT: [&str; 5] = ["#d1fadf", "#fef0c7", "#fedf89", "#fda29b", "#f97066"];

pub const FONT: &str = "system-ui, -apple-system, \"Segoe UI\", Helvetica, Arial, sans-serif";
pub const MONO: &str = "ui-monospace, \"SFMono-Regular\", Menlo, Consolas, monospace";

/// `:root` variables for a page, with the dark variant under `prefers-color-scheme: dark`.
pub fn css_variables() -> String {
    let vars = |dark: bool| {
        COLOURS
            .iter()
            .map(|(n, l, d)| format!("--{n}: {};", if dark { d } else { l }))
            .collect::<Vec<_>>()
            .join(" ")
    };
    format!(
        ":root {{ color-scheme: light dark; --font: {FONT}; --mono: {MONO}; {} }}\n\
         @media (prefers-color-scheme: dark) {{ :root {{ {} }} }}\n\
         @media print {{ :root {{ {} }} }}\n",
        vars(false),
        vars(true),
        vars(false)
    )
}

fn colour(name: &str, dark: bool) -> &'static str {
    COLOURS
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|(_, l, d)| if dark { *d } else { *l })
        .unwrap_or("#888888")
}

/// The style sheet inside every SVG: the drawing classes (`rc-…`) in light and dark.
pub fn svg_style() -> String {
    format!("<style>{}</style>", svg_css())
}

/// The drawing classes (`rc-…`) as plain CSS, for pages whose Content-Security-Policy forbids
/// inline style: they serve it in their own style sheet and draw with [`Canvas::finish_unstyled`].
///
/// [`Canvas::finish_unstyled`]: super::Canvas::finish_unstyled
pub fn svg_css() -> String {
    let rules = |dark: bool| {
        let c = |n| colour(n, dark);
        let mut r = format!(
            ".rc-bg{{fill:{}}}.rc-text{{fill:{}}}.rc-muted{{fill:{}}}.rc-grid{{stroke:{};fill:none}}\
             .rc-axis{{stroke:{};fill:none}}.rc-s1{{stroke:{};fill:none}}.rc-s1-soft{{stroke:{};fill:none}}\
             .rc-s2{{stroke:{};fill:none}}.rc-s3{{stroke:{};fill:none}}\
             .rc-t1{{fill:{}}}.rc-t2{{fill:{}}}.rc-t3{{fill:{}}}\
             .rc-threshold{{stroke:{};fill:none;stroke-width:1.5;stroke-dasharray:6 3}}.rc-threshold-text{{fill:{}}}\
             .rc-band{{fill:{};fill-opacity:.22}}.rc-band-text{{fill:{}}}.rc-mark{{fill:{}}}\
             .rc-bar{{fill:{}}}.rc-bar-bad{{fill:{}}}.rc-bar-warn{{fill:{}}}.rc-bar-good{{fill:{}}}\
             .rc-boundary{{stroke:{};fill:none;stroke-dasharray:6 4}}.rc-boundary-text{{fill:{}}}\
             .rc-flow{{stroke:{};fill:none}}.rc-arrow{{fill:{}}}.rc-flow-text{{fill:{}}}\
             .rc-node{{fill:{};stroke:{}}}.rc-store{{fill:{};stroke:none}}.rc-store-line{{stroke:{}}}",
            c("card"), c("fg"), c("muted"), c("line"), c("muted"), c("accent"), c("accent-soft"),
            c("series2"), c("bad"), c("accent"), c("series2"), c("bad"),
            c("warn"), c("warn"), c("bad"), c("bad"), c("bad"),
            c("accent"), c("bad"), c("warn"), c("good"),
            c("bad"), c("bad"), c("fg"), c("fg"), c("link"),
            c("card"), c("fg"), c("th"), c("muted"),
        );
        for (i, h) in HEAT.iter().enumerate() {
            r.push_str(&format!(
                ".rc-heat{i}{{fill:{h};stroke:{};stroke-width:2}}",
                c("card")
            ));
        }
        r.push_str(".rc-on-heat{fill:#1c2330}");
        r
    };
    format!(
        "{}@media (prefers-color-scheme: dark){{{}}}",
        rules(false),
        rules(true)
    )
}
