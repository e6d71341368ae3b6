//! `--format` and `--output`, shared by every reporting command.

use rampart_report::Format;
use std::path::PathBuf;

#[derive(clap::Args, Debug, Clone)]
pub struct OutputArgs {
    /// Output format: text, json, md, html (sarif where findings are reported).
    #[arg(long, short = 'f', default_value = "text", value_parser = parse_format)]
    pub format: Format,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

impl OutputArgs {
    /// Fails with a usage error when the command cannot render the chosen format.
    pub fn require(&self, supported: &[Format]) -> anyhow::Result<Format> {
        if supported.contains(&self.format) {
            Ok(self.format)
        } else {
            let list: Vec<&str> = supported.iter().map(|f| f.as_str()).collect();
            anyhow::bail!(
                "this command cannot write --format {}; expected one of {}",
                self.format,
                list.join(", ")
            )
        }
    }

    /// Writes the output. Text is for terminals: control characters in it are shown (`\x1b`),
    /// whichever renderer made it; JSON gets the C1 controls serde leaves raw as `\u` escapes.
    pub fn write(&self, content: &str) -> anyhow::Result<()> {
        let content = match self.format {
            Format::Text => rampart_report::escape::text(content),
            Format::Json | Format::Sarif => rampart_report::escape::json(content),
            _ => content.into(),
        };
        rampart_report::write_output(self.output.as_deref(), &content)?;
        Ok(())
    }
}
