//! The demo service has exactly the weaknesses it documents — checked over real HTTP on loopback.

use rampart_config::ScopeSection;
use rampart_demo::{Demo, DemoConfig};
use rampart_net::{HttpRequest, HttpResponse, Net, Scope};

fn net() -> Net {
    Net::new(Scope::from_section(&ScopeSection {
        hosts: vec!["127.0.0.1".into()],
        ..Default::default()
    }))
}

async fn get(net: &Net, base: &str, path: &str) -> HttpResponse {
    let url = format!("{}{}", base.trim_end_matches('/'), path)
        .parse()
        .unwrap();
    net.http(&HttpRequest::get(url)).await.unwrap()
}

#[tokio::test]
async fn demo_has_its_documented_weaknesses() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("access.log");
    let demo = Demo::start(DemoConfig {
        access_log: Some(log.clone()),
        ..Default::default()
    })
    .await
    .unwrap();
    let base = demo.base_url();
    let net = net();

    let latest = get(&net, &base, "/api/latest").await;
    assert_eq!(latest.status, 200);
    assert!(latest.text().contains("\"latest\""));

    // Reflected XSS: the marker comes back as markup.
    let xss = get(&net, &base, "/search?q=%3Cscript%3Ealert(1)%3C/script%3E").await;
    assert!(xss.text().contains("<script>alert(1)</script>"));

    // SQL injection: a quote breaks the query and the SQLite error shows.
    let sqli = get(&net, &base, "/api/msgs?user=alice%27").await;
    assert_eq!(sqli.status, 500);
    assert!(
        sqli.text().contains("unrecognized token") || sqli.text().contains("syntax"),
        "{}",
        sqli.text()
    );
    let tautology = get(&net, &base, "/api/msgs?user=nobody%27%20OR%20%271%27=%271").await;
    assert!(
        tautology.text().contains("Carol says hi"),
        "the injected OR returns every message"
    );
    let safe = get(&net, &base, "/api/msgs?user=nobody").await;
    assert!(!safe.text().contains("Carol"));

    // The forgotten test page.
    assert_eq!(get(&net, &base, "/test/").await.status, 200);
    assert_eq!(get(&net, &base, "/no-such-page").await.status, 404);

    // Unthrottled login: a burst of wrong passwords never meets a 429.
    for _ in 0..20 {
        let mut req = HttpRequest::get(format!("{base}login").parse().unwrap());
        req.method = http::Method::POST;
        req.body = Some(bytes::Bytes::from_static(b"username=alice&password=wrong"));
        req.headers.push((
            "content-type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
        let r = net.http(&req).await.unwrap();
        assert_eq!(r.status, 200);
        assert!(r.text().contains("Invalid username or password"));
    }

    // The admin console answers on its own port.
    let admin = get(&net, &format!("http://{}/", demo.admin), "/").await;
    assert!(admin.text().contains("Admin Console"));

    demo.stop().await;
    let lines = std::fs::read_to_string(&log).unwrap();
    assert!(lines.lines().count() >= 27, "every request is logged");
    let first = lines.lines().next().unwrap();
    assert!(first.starts_with("127.0.0.1 - - ["), "{first}");
    assert!(
        first.contains("\"GET /api/latest HTTP/1.1\" 200"),
        "{first}"
    );
    assert!(
        !lines.contains("password=wrong"),
        "passwords are never logged"
    );
}
