//! PEM → DER for `--ca-file`: every `CERTIFICATE` block of a file, read by rustls-pki-types.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

/// The DER bytes of each `-----BEGIN CERTIFICATE-----` block in `text` (other blocks skipped; a
/// block that is not valid base64 ends the list).
pub fn certificates(text: &str) -> Vec<Vec<u8>> {
    CertificateDer::pem_slice_iter(text.as_bytes())
        .map_while(Result::ok)
        .map(|c| c.to_vec())
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes() {
        let pem = "-----BEGIN CERTIFICATE-----\nTWFu\naGVsbG8=\n-----END CERTIFICATE-----\n";
        assert_eq!(super::certificates(pem), vec![b"Manhello".to_vec()]);
    }
}
