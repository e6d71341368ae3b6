//! Runs the weak demo service (rampart-demo) on 127.0.0.1 until killed, for bench/scan.sh:
//! prints `WEB <url>` and `ADMIN <addr>` on stdout. `demo_server [WEB_PORT]`.
use rampart_demo::{Demo, DemoConfig};

#[tokio::main]
async fn main() {
    let web_port = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let demo = match Demo::start(DemoConfig {
        web_port,
        ..Default::default()
    })
    .await
    {
        Ok(d) => d,
        Err(e) => {
            eprintln!("demo_server: {e}");
            std::process::exit(2);
        }
    };
    println!("WEB {}", demo.base_url());
    println!("ADMIN {}", demo.admin);
    let _ = tokio::signal::ctrl_c().await;
    demo.stop().await;
}
