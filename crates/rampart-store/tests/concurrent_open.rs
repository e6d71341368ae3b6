//! Two agents opening a new SQLite file at the same moment both get a migrated store: neither
//! fails with "table already exists" or "database is locked".

use rampart_store::Store;

#[test]
fn two_stores_opened_at_once_on_a_new_file_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for round in 0..40 {
        let path = dir.path().join(format!("r{round}.db"));
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let url = format!("sqlite://{}", path.display());
                let barrier = barrier.clone();
                // Separate threads and runtimes, like two processes: separate connections racing
                // for the same file.
                std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    barrier.wait();
                    rt.block_on(async {
                        let s = Store::open(&url).await.map_err(|e| e.to_string())?;
                        s.monitors().await.map_err(|e| e.to_string())?;
                        s.close().await;
                        Ok::<_, String>(())
                    })
                })
            })
            .collect();
        for h in handles {
            if let Err(e) = h.join().unwrap() {
                failures.push(format!("round {round}: {e}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
