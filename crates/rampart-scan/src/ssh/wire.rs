//! Just enough of the SSH transport protocol (RFC 4253) to ask a server which authentication
//! methods it offers: version exchange, KEXINIT, curve25519-sha256 key exchange, and
//! chacha20-poly1305@openssh.com packets — all with `ring`, which the workspace already builds.
//! The host key signature is not verified: nothing secret is sent, and no session is used.

use ring::aead::chacha20_poly1305_openssh::{OpeningKey, SealingKey, KEY_LEN, TAG_LEN};
use ring::agreement;
use ring::digest;
use std::io;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

pub const MSG_IGNORE: u8 = 2;
pub const MSG_DEBUG: u8 = 4;
pub const MSG_SERVICE_REQUEST: u8 = 5;
pub const MSG_SERVICE_ACCEPT: u8 = 6;
pub const MSG_KEXINIT: u8 = 20;
pub const MSG_NEWKEYS: u8 = 21;
pub const MSG_KEX_ECDH_INIT: u8 = 30;
pub const MSG_KEX_ECDH_REPLY: u8 = 31;
pub const MSG_USERAUTH_REQUEST: u8 = 50;
pub const MSG_USERAUTH_FAILURE: u8 = 51;
pub const MSG_USERAUTH_SUCCESS: u8 = 52;
pub const MSG_USERAUTH_BANNER: u8 = 53;

/// The algorithm lists of a KEXINIT.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KexInit {
    pub kex: Vec<String>,
    pub host_key: Vec<String>,
    pub ciphers_c2s: Vec<String>,
    pub ciphers_s2c: Vec<String>,
    pub macs_c2s: Vec<String>,
    pub macs_s2c: Vec<String>,
    pub compression_c2s: Vec<String>,
}

pub fn err(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

/// Reader over an SSH payload.
pub struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    pub fn u8(&mut self) -> io::Result<u8> {
        let (&b, rest) = self.0.split_first().ok_or_else(|| err("short packet"))?;
        self.0 = rest;
        Ok(b)
    }
    pub fn u32(&mut self) -> io::Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    pub fn take(&mut self, n: usize) -> io::Result<&'a [u8]> {
        if self.0.len() < n {
            return Err(err("short packet"));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    pub fn string(&mut self) -> io::Result<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    pub fn name_list(&mut self) -> io::Result<Vec<String>> {
        let s = self.string()?;
        Ok(String::from_utf8_lossy(s)
            .split(',')
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect())
    }
}

pub fn put_string(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(&(s.len() as u32).to_be_bytes());
    out.extend_from_slice(s);
}

pub fn put_mpint(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut b = bytes;
    while let [0, rest @ ..] = b {
        b = rest;
    }
    if b.first().is_some_and(|x| x & 0x80 != 0) {
        out.extend_from_slice(&((b.len() + 1) as u32).to_be_bytes());
        out.push(0);
        out.extend_from_slice(b);
    } else {
        put_string(out, b);
    }
}

/// Longest line accepted while waiting for the server's version (RFC 4253 allows 255).
const MAX_VERSION_LINE: usize = 8192;

/// The packet length field, checked (5 bytes to 256 KiB).
fn packet_length(len_bytes: [u8; 4]) -> io::Result<usize> {
    let len = u32::from_be_bytes(len_bytes) as usize;
    if !(5..=256 * 1024).contains(&len) {
        return Err(err(format!("bad packet length {len}")));
    }
    Ok(len)
}

/// The payload of a decrypted packet body (padding length, payload, padding).
fn unpad(body: &[u8]) -> io::Result<Vec<u8>> {
    let Some(&pad) = body.first() else {
        return Err(err("empty packet"));
    };
    let pad = pad as usize;
    if pad + 1 > body.len() {
        return Err(err("bad padding"));
    }
    Ok(body[1..body.len() - pad].to_vec())
}

/// Reads the unencrypted packets of a byte stream the way the connection does (length checked,
/// padding removed) and parses each KEXINIT among them: the reader's whole path over untrusted
/// bytes without a socket, for fuzzing and property tests.
pub fn read_plain_packets(mut bytes: &[u8]) -> io::Result<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    while bytes.len() >= 4 {
        let len = packet_length([bytes[0], bytes[1], bytes[2], bytes[3]])?;
        let body = bytes
            .get(4..4 + len)
            .ok_or_else(|| err("packet cut short"))?;
        let payload = unpad(body)?;
        if payload.first() == Some(&MSG_KEXINIT) {
            parse_kexinit(&payload)?;
        }
        out.push(payload);
        bytes = &bytes[4 + len..];
    }
    Ok(out)
}

pub fn parse_kexinit(payload: &[u8]) -> io::Result<KexInit> {
    let mut r = Reader(payload);
    if r.u8()? != MSG_KEXINIT {
        return Err(err("expected KEXINIT"));
    }
    r.take(16)?;
    let kex = r.name_list()?;
    let host_key = r.name_list()?;
    let ciphers_c2s = r.name_list()?;
    let ciphers_s2c = r.name_list()?;
    let macs_c2s = r.name_list()?;
    let macs_s2c = r.name_list()?;
    let compression_c2s = r.name_list()?;
    Ok(KexInit {
        kex,
        host_key,
        ciphers_c2s,
        ciphers_s2c,
        macs_c2s,
        macs_s2c,
        compression_c2s,
    })
}

/// Our KEXINIT: only what this client implements, and every host-key type (it is not verified).
pub fn client_kexinit() -> Vec<u8> {
    let mut p = vec![MSG_KEXINIT];
    p.extend_from_slice(&random16());
    let lists: [&str; 10] = [
        "curve25519-sha256,curve25519-sha256@libssh.org",
        "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256,ssh-rsa,ssh-dss",
        "chacha20-poly1305@openssh.com",
        "chacha20-poly1305@openssh.com",
        "hmac-sha2-256",
        "hmac-sha2-256",
        "none",
        "none",
        "",
        "",
    ];
    for l in lists {
        put_string(&mut p, l.as_bytes());
    }
    p.push(0);
    p.extend_from_slice(&[0, 0, 0, 0]);
    p
}

fn random16() -> [u8; 16] {
    let mut b = [0u8; 16];
    let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut b);
    b
}

/// One SSH connection, before and after NEWKEYS.
pub struct Conn {
    stream: BufReader<TcpStream>,
    send_seq: u32,
    recv_seq: u32,
    seal: Option<SealingKey>,
    open: Option<OpeningKey>,
}

impl Conn {
    pub fn new(stream: TcpStream) -> Self {
        Conn {
            stream: BufReader::new(stream),
            send_seq: 0,
            recv_seq: 0,
            seal: None,
            open: None,
        }
    }

    /// Sends our version line and reads the server's (skipping any lines before it).
    pub async fn versions(&mut self, ours: &str) -> io::Result<String> {
        self.stream
            .get_mut()
            .write_all(format!("{ours}\r\n").as_bytes())
            .await?;
        for _ in 0..32 {
            // Bounded: a server sending bytes without a line break must not fill memory.
            let mut line = String::new();
            let n = (&mut self.stream)
                .take(MAX_VERSION_LINE as u64)
                .read_line(&mut line)
                .await?;
            if n == 0 {
                return Err(err("closed before sending a version"));
            }
            if n >= MAX_VERSION_LINE && !line.ends_with('\n') {
                return Err(err(format!(
                    "a line of more than {MAX_VERSION_LINE} bytes before the version"
                )));
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.starts_with("SSH-") {
                return Ok(line.to_string());
            }
        }
        Err(err("no SSH version line"))
    }

    pub async fn send(&mut self, payload: &[u8]) -> io::Result<()> {
        let block = 8;
        // AEAD: the length field is not part of the padded block.
        let unpadded = if self.seal.is_some() {
            1 + payload.len()
        } else {
            5 + payload.len()
        };
        let mut pad = block - unpadded % block;
        if pad < 4 {
            pad += block;
        }
        let len = 1 + payload.len() + pad;
        let mut pkt = Vec::with_capacity(4 + len + TAG_LEN);
        pkt.extend_from_slice(&(len as u32).to_be_bytes());
        pkt.push(pad as u8);
        pkt.extend_from_slice(payload);
        pkt.extend(std::iter::repeat_n(0u8, pad));
        if let Some(key) = &self.seal {
            let mut tag = [0u8; TAG_LEN];
            key.seal_in_place(self.send_seq, &mut pkt, &mut tag);
            pkt.extend_from_slice(&tag);
        }
        self.send_seq = self.send_seq.wrapping_add(1);
        self.stream.get_mut().write_all(&pkt).await
    }

    /// The next packet's payload, skipping IGNORE and DEBUG.
    pub async fn recv(&mut self) -> io::Result<Vec<u8>> {
        loop {
            let p = self.recv_one().await?;
            if !matches!(p.first(), Some(&MSG_IGNORE) | Some(&MSG_DEBUG)) {
                return Ok(p);
            }
        }
    }

    async fn recv_one(&mut self) -> io::Result<Vec<u8>> {
        let mut len_bytes = [0u8; 4];
        self.stream.read_exact(&mut len_bytes).await?;
        let seq = self.recv_seq;
        self.recv_seq = self.recv_seq.wrapping_add(1);
        let plain_len = match &self.open {
            Some(k) => k.decrypt_packet_length(seq, len_bytes),
            None => len_bytes,
        };
        let len = packet_length(plain_len)?;
        let extra = if self.open.is_some() { TAG_LEN } else { 0 };
        let mut rest = vec![0u8; len + extra];
        self.stream.read_exact(&mut rest).await?;
        let body: Vec<u8> = match &self.open {
            Some(k) => {
                let mut buf = Vec::with_capacity(4 + len);
                buf.extend_from_slice(&len_bytes);
                buf.extend_from_slice(&rest[..len]);
                let mut tag = [0u8; TAG_LEN];
                tag.copy_from_slice(&rest[len..]);
                k.open_in_place(seq, &mut buf, &tag)
                    .map_err(|_| err("packet authentication failed"))?
                    .to_vec()
            }
            None => rest,
        };
        unpad(&body)
    }

    /// curve25519-sha256 key exchange; afterwards every packet is encrypted.
    pub async fn key_exchange(
        &mut self,
        v_c: &str,
        v_s: &str,
        i_c: &[u8],
        i_s: &[u8],
    ) -> io::Result<()> {
        let rng = ring::rand::SystemRandom::new();
        let private = agreement::EphemeralPrivateKey::generate(&agreement::X25519, &rng)
            .map_err(|_| err("key generation failed"))?;
        let public = private
            .compute_public_key()
            .map_err(|_| err("key generation failed"))?;
        let q_c = public.as_ref().to_vec();
        let mut init = vec![MSG_KEX_ECDH_INIT];
        put_string(&mut init, &q_c);
        self.send(&init).await?;
        let reply = self.recv().await?;
        let mut r = Reader(&reply);
        if r.u8()? != MSG_KEX_ECDH_REPLY {
            return Err(err("expected KEX_ECDH_REPLY"));
        }
        let k_s = r.string()?.to_vec();
        let q_s = r.string()?.to_vec();
        let shared = agreement::agree_ephemeral(
            private,
            &agreement::UnparsedPublicKey::new(&agreement::X25519, &q_s),
            |k| k.to_vec(),
        )
        .map_err(|_| err("key agreement failed"))?;
        let mut k_mpint = Vec::new();
        put_mpint(&mut k_mpint, &shared);
        let mut h_in = Vec::new();
        put_string(&mut h_in, v_c.as_bytes());
        put_string(&mut h_in, v_s.as_bytes());
        put_string(&mut h_in, i_c);
        put_string(&mut h_in, i_s);
        put_string(&mut h_in, &k_s);
        put_string(&mut h_in, &q_c);
        put_string(&mut h_in, &q_s);
        h_in.extend_from_slice(&k_mpint);
        let h = digest::digest(&digest::SHA256, &h_in);
        let h = h.as_ref();
        // NEWKEYS both ways.
        if self.recv().await?.first() != Some(&MSG_NEWKEYS) {
            return Err(err("expected NEWKEYS"));
        }
        self.send(&[MSG_NEWKEYS]).await?;
        let derive = |letter: u8| -> [u8; KEY_LEN] {
            let mut a = k_mpint.clone();
            a.extend_from_slice(h);
            a.push(letter);
            a.extend_from_slice(h); // session id = H of the first exchange
            let k1 = digest::digest(&digest::SHA256, &a);
            let mut b = k_mpint.clone();
            b.extend_from_slice(h);
            b.extend_from_slice(k1.as_ref());
            let k2 = digest::digest(&digest::SHA256, &b);
            let mut key = [0u8; KEY_LEN];
            key[..32].copy_from_slice(k1.as_ref());
            key[32..].copy_from_slice(k2.as_ref());
            key
        };
        self.seal = Some(SealingKey::new(&derive(b'C')));
        self.open = Some(OpeningKey::new(&derive(b'D')));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mpint_and_kexinit_round_trip() {
        let mut v = Vec::new();
        put_mpint(&mut v, &[0, 0, 0x80, 1]);
        assert_eq!(v, vec![0, 0, 0, 3, 0, 0x80, 1]);
        let k = parse_kexinit(&client_kexinit()).unwrap();
        assert_eq!(k.ciphers_c2s, vec!["chacha20-poly1305@openssh.com"]);
        assert!(k.kex.contains(&"curve25519-sha256".to_string()));
    }
}
