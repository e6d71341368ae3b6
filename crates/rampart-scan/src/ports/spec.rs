use crate::ScanError;
use std::str::FromStr;

/// Which ports to scan: `1-65535`, `22,80,443`, `1-1024,8080`, `top:1000`, or `-` (all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortSpec {
    ports: Vec<u16>,
}

const TOP_PORTS: &str = include_str!("top_ports.txt");

/// The `n` TCP ports most often found open, most frequent first.
pub fn top_ports(n: usize) -> Vec<u16> {
    TOP_PORTS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
        .filter_map(|p| p.parse().ok())
        .take(n)
        .collect()
}

impl PortSpec {
    pub fn all() -> Self {
        PortSpec {
            ports: (1..=65535).collect(),
        }
    }

    pub fn list(ports: impl IntoIterator<Item = u16>) -> Self {
        let mut ports: Vec<u16> = ports.into_iter().filter(|p| *p != 0).collect();
        ports.sort_unstable();
        ports.dedup();
        PortSpec { ports }
    }

    /// The ports, ascending, without duplicates.
    pub fn ports(&self) -> &[u16] {
        &self.ports
    }

    pub fn len(&self) -> usize {
        self.ports.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ports.is_empty()
    }
}

impl FromStr for PortSpec {
    type Err = ScanError;

    fn from_str(input: &str) -> Result<Self, ScanError> {
        let err = |reason: String| ScanError::PortSpec {
            input: input.to_string(),
            reason,
        };
        let s = input.trim();
        if s == "-" || s.eq_ignore_ascii_case("all") {
            return Ok(PortSpec::all());
        }
        let mut ports = Vec::new();
        for part in s.split(',').map(str::trim) {
            if part.is_empty() {
                return Err(err("empty element".into()));
            }
            if let Some(n) = part.strip_prefix("top:") {
                let n: usize = n
                    .parse()
                    .map_err(|_| err(format!("\"{part}\": expected top:N with N a number")))?;
                let max = top_ports(usize::MAX).len();
                if n == 0 || n > max {
                    return Err(err(format!("\"{part}\": N must be between 1 and {max}")));
                }
                ports.extend(top_ports(n));
                continue;
            }
            let port = |p: &str| -> Result<u16, ScanError> {
                match p.parse::<u32>() {
                    Ok(n) if (1..=65535).contains(&n) => Ok(n as u16),
                    _ => Err(err(format!("\"{p}\" is not a port between 1 and 65535"))),
                }
            };
            match part.split_once('-') {
                Some((a, b)) => {
                    let a = if a.is_empty() { 1 } else { port(a)? };
                    let b = if b.is_empty() { 65535 } else { port(b)? };
                    if a > b {
                        return Err(err(format!("range \"{part}\" runs backwards")));
                    }
                    ports.extend(a..=b);
                }
                None => ports.push(port(part)?),
            }
        }
        Ok(PortSpec::list(ports))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lists_ranges_and_top() {
        let s: PortSpec = "443,22,80-82,22".parse().unwrap();
        assert_eq!(s.ports(), &[22, 80, 81, 82, 443]);
        assert_eq!("1-65535".parse::<PortSpec>().unwrap().len(), 65535);
        assert_eq!("-".parse::<PortSpec>().unwrap().len(), 65535);
        let top = "top:1000".parse::<PortSpec>().unwrap();
        assert_eq!(top.len(), 1000);
        assert!(top.ports().contains(&80) && top.ports().contains(&3306));
        assert_eq!(top_ports(3), vec![80, 23, 443]);
    }

    #[test]
    fn rejects_bad_input_with_a_reason() {
        for bad in ["0", "70000", "90-80", "top:0", "top:x", "22,,80", "ssh"] {
            let e = bad.parse::<PortSpec>().unwrap_err().to_string();
            assert!(e.contains(bad) || e.contains("empty"), "{bad}: {e}");
        }
    }
}
