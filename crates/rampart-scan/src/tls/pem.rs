//! PEM → DER for `--ca-file`: every `CERTIFICATE` block of a file.

/// The DER bytes of each `-----BEGIN CERTIFICATE-----` block in `text`.
pub fn certificates(text: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut inside = false;
    let mut b64 = String::new();
    for line in text.lines().map(str::trim) {
        if line == "-----BEGIN CERTIFICATE-----" {
            inside = true;
            b64.clear();
        } else if line == "-----END CERTIFICATE-----" {
            if inside {
                if let Some(der) = base64(&b64) {
                    out.push(der);
                }
            }
            inside = false;
        } else if inside {
            b64.push_str(line);
        }
    }
    out
}

fn base64(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let bytes: Vec<u8> = s.bytes().filter(|c| *c != b'=').collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= val(*c)? << (18 - 6 * i);
        }
        out.push((n >> 16) as u8);
        if chunk.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(n as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes() {
        let pem = "-----BEGIN CERTIFICATE-----\nTWFu\naGVsbG8=\n-----END CERTIFICATE-----\n";
        assert_eq!(super::certificates(pem), vec![b"Manhello".to_vec()]);
    }
}
