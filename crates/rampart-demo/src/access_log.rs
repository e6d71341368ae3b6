use chrono::Utc;
use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Appends requests to a file in nginx's `combined` format, flushed line by line.
#[derive(Clone, Default)]
pub struct AccessLog(Option<Arc<Mutex<std::fs::File>>>);

impl AccessLog {
    pub fn open(path: Option<&Path>) -> std::io::Result<Self> {
        match path {
            None => Ok(AccessLog(None)),
            Some(p) => {
                let f = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)?;
                Ok(AccessLog(Some(Arc::new(Mutex::new(f)))))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn write(
        &self,
        client: SocketAddr,
        method: &str,
        uri: &str,
        status: u16,
        bytes: usize,
        referer: &str,
        agent: &str,
    ) {
        let Some(file) = &self.0 else { return };
        let line = format!(
            "{} - - [{}] \"{} {} HTTP/1.1\" {} {} \"{}\" \"{}\"\n",
            client.ip(),
            Utc::now().format("%d/%b/%Y:%H:%M:%S %z"),
            method,
            uri.replace('"', "%22"),
            status,
            bytes,
            if referer.is_empty() { "-" } else { referer },
            agent.replace('"', "'"),
        );
        if let Ok(mut f) = file.lock() {
            let _ = f.write_all(line.as_bytes());
        }
    }
}
