//! RA-SSH-WEAK-ALGORITHM — the SSH server offers weak key-exchange, host-key or cipher algorithms.
//!
//! What: SHA-1 Diffie-Hellman groups, `ssh-rsa`/`ssh-dss` host keys, CBC/RC4/3DES ciphers.
//! Why: a client that prefers them (or a downgrade) gets a breakable session.
//! Fix: restrict `KexAlgorithms`, `HostKeyAlgorithms` and `Ciphers` in sshd_config.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-SSH-WEAK-ALGORITHM",
    severity: Severity::Medium,
    title: "SSH offers weak algorithms",
    what: "The server's KEXINIT offers a weak key exchange (diffie-hellman-group1/14-sha1, group-exchange-sha1), a SHA-1 host-key signature (ssh-rsa, ssh-dss) or a weak cipher (CBC modes, arcfour, 3DES, blowfish). One finding per category.",
    why: "Old clients or a downgrading attacker can end up with a session whose key exchange or encryption is within reach of known attacks (Logjam-sized groups, SHA-1 collisions, CBC plaintext recovery).",
    fix: "Restrict sshd_config to modern algorithms, e.g. `KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256`, `Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com`, `HostKeyAlgorithms ssh-ed25519,rsa-sha2-512,rsa-sha2-256`.",
};
