#!/usr/bin/env python3
"""rampart monitor vs prometheus-blackbox-exporter, side by side in one run.

Both probe the same local nginx (127.0.0.1, private prefix) at the same rate with a fresh
connection per probe. Measured over a steady-state window (after warm-up):

- CPU seconds per probe: (utime + stime of the prober during the window) / (requests nginx logged
  during the window). blackbox_exporter is driven by Prometheus (its normal deployment); its CPU is
  reported alone and with Prometheus's, since rampart does its own scheduling and storage.
- lateness p99 of rampart (actual start - scheduled start, from its own store).
- memory: rampart's peak RSS with 1 monitor and with N monitors.

Only loopback traffic; every process is started here and stopped at the end.
"""
import json
import os
import resource
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

RATE = int(os.environ.get("BENCH_RATE", "1000"))  # probes per second = monitors at 1 s
SECONDS = int(os.environ.get("BENCH_SECONDS", "40"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "12"))
# How blackbox_exporter is driven: "rampart" (a second rampart process requests /probe at the
# fixed rate, a light and steady driver) or "prometheus" (its usual deployment: Prometheus scrapes
# /probe for each target every second).
DRIVER = os.environ.get("BENCH_DRIVER", "rampart")
NGINX = "/usr/sbin/nginx"
BLACKBOX = "/usr/bin/prometheus-blackbox-exporter"
PROMETHEUS = "/usr/bin/prometheus"
TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listening on 127.0.0.1:{port}")


def cpu_secs(pid):
    """utime + stime of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def lines(path):
    try:
        with open(path, "rb") as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


def start_nginx(tmp):
    port = free_port()
    conf = os.path.join(tmp, "nginx.conf")
    log = os.path.join(tmp, "access.log")
    os.makedirs(os.path.join(tmp, "t"), exist_ok=True)
    with open(conf, "w") as f:
        f.write(f"""worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 16384; }}
http {{
  access_log {log};
  client_body_temp_path {tmp}/t; proxy_temp_path {tmp}/t; fastcgi_temp_path {tmp}/t;
  uwsgi_temp_path {tmp}/t; scgi_temp_path {tmp}/t;
  server {{ listen 127.0.0.1:{port} backlog=4096; location / {{ return 200 "ok\\n"; }} }}
}}
""")
    p = subprocess.Popen([NGINX, "-p", tmp, "-c", conf, "-e", f"{tmp}/error.log", "-g", "daemon off;"])
    wait_port(port)
    return p, port, log


def window(pids, log, warmup, seconds, sample_rss=None):
    """Samples CPU of `pids` and nginx's request count over [warmup, seconds)."""
    time.sleep(warmup)
    c0 = [cpu_secs(p) for p in pids]
    n0, t0 = lines(log), time.time()
    peak = 0.0
    end = time.time() + (seconds - warmup - 3)
    while time.time() < end:
        time.sleep(0.5)
        if sample_rss:
            peak = max(peak, rss_mb(sample_rss))
    c1 = [cpu_secs(p) for p in pids]
    n1, t1 = lines(log), time.time()
    return [b - a for a, b in zip(c0, c1)], n1 - n0, t1 - t0, peak


def project(path, port, monitors, db):
    with open(path, "w") as f:
        f.write(f'[project]\nname = "bench"\ndatabase = "{db}"\n[scope]\nhosts = ["127.0.0.1"]\n')
        for i in range(monitors):
            f.write(f'[[monitors]]\nname = "m{i}"\nurl = "http://127.0.0.1:{port}/?m={i}"\n'
                    f'interval = "1s"\ntimeout = "1s"\nstatus = [200]\n')


def run_rampart(rampart, tmp, port, log, monitors, seconds, warmup):
    d = tempfile.mkdtemp(dir=tmp)
    db = os.path.join(d, "rampart.db")
    project(os.path.join(d, "rampart.toml"), port, monitors, db)
    p = subprocess.Popen([rampart, "monitor", "-q", "--duration", f"{seconds}s"], cwd=d,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(0.3)
    cpu, probes, span, peak = window([p.pid], log, warmup, seconds, sample_rss=p.pid)
    _, err = p.communicate()
    if p.returncode != 0:
        raise SystemExit(f"rampart failed: {err.decode()}")
    con = sqlite3.connect(db)
    rows = con.execute("SELECT started_us - scheduled_us, total_ms, outcome, scheduled_us FROM observations").fetchall()
    con.close()
    t0 = min(r[3] for r in rows)
    late_all = sorted(r[0] / 1000.0 for r in rows)
    # Lateness over the same steady window as the CPU figure (start-up excluded), and overall.
    late = sorted(r[0] / 1000.0 for r in rows if r[3] >= t0 + warmup * 1_000_000)
    per_second = {}
    for r in rows:
        sec = (r[3] - t0) // 1_000_000
        per_second[sec] = max(per_second.get(sec, 0.0), r[0] / 1000.0)
    lat = sorted(r[1] for r in rows if r[1] is not None)
    failed = sum(1 for r in rows if r[2] != "up")
    pct = lambda v, q: v[min(len(v) - 1, max(0, int(-(-q * len(v) // 1)) - 1))] if v else float("nan")
    return {
        "cpu_s": cpu[0], "probes": probes, "span_s": span, "peak_rss_mb": peak,
        "stored": len(rows), "failed": failed,
        "lateness_p50_ms": pct(late, 0.50), "lateness_p99_ms": pct(late, 0.99), "lateness_max_ms": late[-1] if late else 0,
        "latency_p50_ms": pct(lat, 0.50), "latency_p99_ms": pct(lat, 0.99),
        "lateness_all_p99_ms": pct(late_all, 0.99),
        "lateness_max_per_second_ms": [round(per_second[k], 1) for k in sorted(per_second)],
    }


def run_blackbox(tmp, port, log, monitors, seconds, warmup, rampart=None):
    bb_port, prom_port = free_port(), free_port()
    bb_conf = os.path.join(tmp, "blackbox.yml")
    with open(bb_conf, "w") as f:
        f.write("modules:\n  http_2xx:\n    prober: http\n    timeout: 1s\n"
                "    http:\n      preferred_ip_protocol: ip4\n      valid_status_codes: [200]\n")
    prom_conf = os.path.join(tmp, "prometheus.yml")
    targets = ",".join(f'"http://127.0.0.1:{port}/?m={i}"' for i in range(monitors))
    with open(prom_conf, "w") as f:
        f.write(f"""global: {{scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1m}}
scrape_configs:
  - job_name: blackbox
    metrics_path: /probe
    params: {{module: [http_2xx]}}
    static_configs: [{{targets: [{targets}]}}]
    relabel_configs:
      - {{source_labels: [__address__], target_label: __param_target}}
      - {{source_labels: [__param_target], target_label: instance}}
      - {{target_label: __address__, replacement: "127.0.0.1:{bb_port}"}}
""")
    bb = subprocess.Popen([BLACKBOX, f"--config.file={bb_conf}", f"--web.listen-address=127.0.0.1:{bb_port}"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(bb_port)
    if DRIVER == "rampart":
        d = tempfile.mkdtemp(dir=tmp)
        with open(os.path.join(d, "rampart.toml"), "w") as f:
            f.write(f'[project]\nname = "driver"\ndatabase = "{d}/driver.db"\n[scope]\nhosts = ["127.0.0.1"]\n')
            for i in range(monitors):
                f.write(f'[[monitors]]\nname = "bb{i}"\n'
                        f'url = "http://127.0.0.1:{bb_port}/probe?module=http_2xx&target=http%3A%2F%2F127.0.0.1%3A{port}%2F%3Fm%3D{i}"\n'
                        f'interval = "1s"\ntimeout = "1s"\nbody_contains = "probe_success 1"\n')
        drv = subprocess.Popen([rampart, "monitor", "-q", "--duration", f"{seconds}s"], cwd=d,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            cpu, probes, span, peak = window([bb.pid], log, warmup, seconds, sample_rss=bb.pid)
        finally:
            drv.wait()
            bb.terminate()
            bb.wait()
        con = sqlite3.connect(f"{d}/driver.db")
        ok, n = con.execute("SELECT SUM(outcome = 'up'), COUNT(*) FROM observations").fetchone()
        con.close()
        return {"driver": "rampart", "cpu_s": cpu[0], "prometheus_cpu_s": 0.0, "probes": probes, "span_s": span,
                "peak_rss_mb": peak, "driver_view": {"requests": n, "probe_success": ok}}
    prom = subprocess.Popen([PROMETHEUS, f"--config.file={prom_conf}", f"--storage.tsdb.path={tmp}/prom",
                             f"--web.listen-address=127.0.0.1:{prom_port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    diag = {}
    try:
        cpu, probes, span, peak = window([bb.pid, prom.pid], log, warmup, seconds, sample_rss=bb.pid)
        import urllib.parse
        import urllib.request
        for key, q in [("targets_up", "count(up == 1)"), ("targets_down", "count(up == 0)"),
                       ("probe_success", "sum(probe_success)"),
                       ("scrape_duration_avg_s", "avg(scrape_duration_seconds)"),
                       ("probe_duration_avg_s", "avg(probe_duration_seconds)")]:
            try:
                url = f"http://127.0.0.1:{prom_port}/api/v1/query?" + urllib.parse.urlencode({"query": q})
                res = json.load(urllib.request.urlopen(url, timeout=5))["data"]["result"]
                diag[key] = float(res[0]["value"][1]) if res else 0.0
            except Exception as e:  # diagnostics only
                diag[key] = str(e)
    finally:
        for p in (prom, bb):
            p.terminate()
            p.wait()
    return {"driver": "prometheus", "cpu_s": cpu[0], "prometheus_cpu_s": cpu[1], "probes": probes, "span_s": span, "peak_rss_mb": peak,
            "prometheus_view": diag}


def main():
    rampart = sys.argv[1]
    for tool in (NGINX, BLACKBOX, PROMETHEUS):
        if not os.path.exists(tool):
            print(f"SKIP: {tool} not installed")
            return
    with tempfile.TemporaryDirectory() as tmp:
        nginx, port, log = start_nginx(tmp)
        try:
            print(f"# {RATE} probes/s for {SECONDS} s each (steady window after {WARMUP} s), nginx on 127.0.0.1:{port}; "
                  f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
            r = run_rampart(rampart, tmp, port, log, RATE, SECONDS, WARMUP)
            b = run_blackbox(tmp, port, log, RATE, SECONDS, WARMUP, rampart)
            one = run_rampart(rampart, tmp, port, log, 1, 12, 4)
        finally:
            nginx.terminate()
            nginx.wait()
    r_per = r["cpu_s"] / max(r["probes"], 1)
    b_per = b["cpu_s"] / max(b["probes"], 1)
    bp_per = (b["cpu_s"] + b["prometheus_cpu_s"]) / max(b["probes"], 1)
    out = {
        "rate_per_s": RATE,
        "load_average_at_end": os.getloadavg(),
        "cpus": os.cpu_count(),
        "rampart": r,
        "blackbox": b,
        "rampart_1_monitor_peak_rss_mb": one["peak_rss_mb"],
        "cpu_us_per_probe": {"rampart": r_per * 1e6, "blackbox_exporter": b_per * 1e6,
                             "blackbox_exporter_plus_prometheus": bp_per * 1e6},
        "ratio_rampart_over_blackbox": r_per / b_per if b_per else None,
        "ratio_rampart_over_blackbox_plus_prometheus": r_per / bp_per if bp_per else None,
        "memory_per_1000_monitors_mb": (r["peak_rss_mb"] - one["peak_rss_mb"]) * 1000 / max(RATE - 1, 1),
    }
    print(json.dumps(out, indent=2))
    extra = f" (+Prometheus {bp_per*1e6:.1f} us)" if b["driver"] == "prometheus" else ""
    print(f"\nCPU per probe: rampart {r_per*1e6:.1f} us, blackbox_exporter {b_per*1e6:.1f} us{extra} "
          f"-> ratio {out['ratio_rampart_over_blackbox']:.3f} (target <= 0.333); blackbox driven by {b['driver']}")
    print(f"rampart probes/s achieved {r['probes']/r['span_s']:.0f}, blackbox {b['probes']/b['span_s']:.0f}")
    print(f"rampart lateness p50 {r['lateness_p50_ms']:.2f} ms, p99 {r['lateness_p99_ms']:.2f} ms, "
          f"max {r['lateness_max_ms']:.2f} ms (target p99 < 5 ms); {r['failed']} failed probes")
    print(f"memory: rampart peak RSS {r['peak_rss_mb']:.1f} MB with {RATE} monitors, "
          f"{one['peak_rss_mb']:.1f} MB with 1 -> {out['memory_per_1000_monitors_mb']:.1f} MB per 1,000 monitors; "
          f"blackbox_exporter {b['peak_rss_mb']:.1f} MB")


if __name__ == "__main__":
    main()
