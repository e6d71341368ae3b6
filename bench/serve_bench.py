#!/usr/bin/env python3
"""Status page benchmark for `rampart serve`: 1,000 monitors x 30 days of one-minute history.

Generates the history once per backend (raw observations, about 43 million rows, plus the
rollups `serve` keeps: minute buckets for the last two days, hours and days for all 30, the
monitors' states and outages), then starts `rampart serve` on SQLite and on PostgreSQL side by
side and measures, in one run, the public status page (`/`) and its JSON (`/status.json`):
p50/p99 latency over sequential keep-alive requests, and serve's resident memory.

Everything stays on 127.0.0.1: the monitors probe a local HTTP server this script starts.

Usage: bench/serve_bench.py [--monitors 1000] [--days 30] [--requests 200] [--pg-url URL]
(bench/serve.sh builds the release binary, starts a throwaway PostgreSQL and calls this.)
"""
import argparse, http.client, json, os, random, shutil, signal, sqlite3, statistics, subprocess, sys, tempfile, threading, time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

MIN = 60_000_000
HOUR = 60 * MIN
DAY = 24 * HOUR


def outages_for(m, minutes, rng):
    """A few outages per monitor: (start_minute, length_minutes)."""
    return [(rng.randrange(minutes - 20), rng.randrange(1, 12)) for _ in range(3)]


def rows(n_monitors, days, now_min, seed=7):
    """Yields per monitor: name, list of (minute_us, up, latency) and its outages (us)."""
    minutes = days * 24 * 60
    start = now_min - minutes
    for m in range(n_monitors):
        rng = random.Random(seed * 100_003 + m)
        down = set()
        outs = []
        for s, l in outages_for(m, minutes, rng):
            outs.append(((start + s) * MIN, (start + s + l) * MIN))
            down.update(range(s, s + l))
        base = 20 + (m % 50)
        yield f"mon-{m:04d}", start, minutes, down, base, outs


def latency(base, i):
    return base + ((i * 2654435761) % 97) / 4.0


def write_sqlite(path, n, days, now_min):
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("DROP INDEX IF EXISTS observations_by_monitor")
    raw = "INSERT INTO observations (monitor, agent, target, scheduled_us, started_us, outcome, status, total_ms) VALUES (?,?,?,?,?,?,?,?)"
    roll = "INSERT INTO rollups (grain, monitor, bucket_us, up, down, latency_count, latency_sum, latency_max) VALUES (?,?,?,?,?,?,?,?)"
    for name, start, minutes, down, base, outs in rows(n, days, now_min):
        batch, rb = [], []
        hours, dayb = {}, {}
        for i in range(minutes):
            t = (start + i) * MIN
            up = i not in down
            lat = latency(base, i) if up else None
            batch.append((name, "local", "http://127.0.0.1/", t, t, "up" if up else "down", 200 if up else None, lat))
            for grain, acc, size in (("hour", hours, HOUR), ("day", dayb, DAY)):
                b = t - t % size
                a = acc.setdefault(b, [0, 0, 0, 0.0, 0.0])
                if up:
                    a[0] += 1; a[2] += 1; a[3] += lat; a[4] = max(a[4], lat)
                else:
                    a[1] += 1
            if t >= (now_min - 2 * 24 * 60) * MIN:
                rb.append(("minute", name, t, int(up), int(not up), int(up), lat or 0.0, lat or 0.0))
        db.executemany(raw, batch)
        for grain, acc in (("hour", hours), ("day", dayb)):
            rb.extend((grain, name, b, a[0], a[1], a[2], a[3], a[4]) for b, a in acc.items())
        db.executemany(roll, rb)
        last = (start + minutes - 1) * MIN
        db.execute("INSERT INTO monitor_state VALUES (?,?,?,?,?)", (name, "up", outs[-1][1] if outs else start * MIN, last, latency(base, minutes - 1)))
        db.executemany("INSERT INTO outages (monitor, started_us, ended_us) VALUES (?,?,?)", [(name, s, e) for s, e in sorted(outs)])
    db.execute("CREATE INDEX observations_by_monitor ON observations (monitor, scheduled_us)")
    mx = db.execute("SELECT MAX(id) FROM observations").fetchone()[0]
    db.execute("INSERT INTO rollup_progress VALUES ('observations', ?) ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id", (mx,))
    db.commit()
    db.close()


def write_postgres(url, n, days, now_min):
    """Streams COPY data into psql: the fastest load PostgreSQL offers."""
    def copy(table, cols, gen):
        p = subprocess.Popen(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", f"COPY {table} ({cols}) FROM STDIN"], stdin=subprocess.PIPE)
        w = p.stdin
        for line in gen:
            w.write(line.encode())
        w.close()
        if p.wait() != 0:
            sys.exit(f"COPY {table} failed")

    def psql(sql):
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql], check=True)

    psql("DROP INDEX IF EXISTS observations_by_monitor")
    state, outages, rollups = [], [], []

    def raw():
        for name, start, minutes, down, base, outs in rows(n, days, now_min):
            hours, dayb = {}, {}
            for i in range(minutes):
                t = (start + i) * MIN
                up = i not in down
                lat = latency(base, i) if up else None
                yield f"{name}\tlocal\thttp://127.0.0.1/\t{t}\t{t}\t{'up' if up else 'down'}\t{200 if up else chr(92) + 'N'}\t{lat if up else chr(92) + 'N'}\n"
                for grain, acc, size in (("hour", hours, HOUR), ("day", dayb, DAY)):
                    b = t - t % size
                    a = acc.setdefault(b, [0, 0, 0, 0.0, 0.0])
                    if up:
                        a[0] += 1; a[2] += 1; a[3] += lat; a[4] = max(a[4], lat)
                    else:
                        a[1] += 1
                if t >= (now_min - 2 * 24 * 60) * MIN:
                    rollups.append(f"minute\t{name}\t{t}\t{int(up)}\t{int(not up)}\t{int(up)}\t{lat or 0.0}\t{lat or 0.0}\n")
            for grain, acc in (("hour", hours), ("day", dayb)):
                rollups.extend(f"{grain}\t{name}\t{b}\t{a[0]}\t{a[1]}\t{a[2]}\t{a[3]}\t{a[4]}\n" for b, a in acc.items())
            last = (start + minutes - 1) * MIN
            state.append(f"{name}\tup\t{outs[-1][1] if outs else start * MIN}\t{last}\t{latency(base, minutes - 1)}\n")
            outages.extend(f"{name}\t{s}\t{e}\n" for s, e in sorted(outs))

    copy("observations", "monitor, agent, target, scheduled_us, started_us, outcome, status, total_ms", raw())
    copy("rollups", "grain, monitor, bucket_us, up, down, latency_count, latency_sum, latency_max", iter(rollups))
    copy("monitor_state", "monitor, outcome, since_us, last_us, latency_ms", iter(state))
    copy("outages", "monitor, started_us, ended_us", iter(outages))
    psql("CREATE INDEX observations_by_monitor ON observations (monitor, scheduled_us)")
    psql("INSERT INTO rollup_progress SELECT 'observations', MAX(id) FROM observations ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id")
    psql("VACUUM ANALYZE")


class Ok(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *a):
        pass


def project(dirpath, n, port):
    names = ", ".join(f'"mon-{m:04d}"' for m in range(n))
    mons = "".join(f'[[monitors]]\nname = "mon-{m:04d}"\nurl = "http://127.0.0.1:{port}/m{m}"\ninterval = "60s"\n' for m in range(n))
    sla = "".join(f'[[sla]]\nname = "99.5% mon-{m:04d}"\nmonitor = "mon-{m:04d}"\nuptime_percent = 99.5\n' for m in range(n))
    text = f'[project]\nname = "bench"\n[scope]\nhosts = ["127.0.0.1"]\n{mons}{sla}[serve]\npublic_monitors = [{names}]\n'
    path = os.path.join(dirpath, "rampart.toml")
    open(path, "w").write(text)
    return path


def rss_kb(pid, key):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(key):
            return int(line.split()[1])
    return 0


def measure(rampart, proj, db, requests):
    p = subprocess.Popen([rampart, "--project", proj, "--database", db, "serve", "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        line = p.stdout.readline().decode()
        host, port = line.strip().rsplit("://", 1)[1].rstrip("/").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        out = {}
        for path in ["/", "/status.json"]:
            times, size = [], 0
            for i in range(requests + 5):
                t0 = time.perf_counter()
                conn.request("GET", path)
                r = conn.getresponse()
                body = r.read()
                dt = (time.perf_counter() - t0) * 1000
                if r.status != 200:
                    sys.exit(f"{path}: HTTP {r.status}")
                if i >= 5:  # the first requests warm caches
                    times.append(dt)
                size = len(body)
            times.sort()
            out[path] = {"p50_ms": round(statistics.median(times), 1), "p99_ms": round(times[int(len(times) * 0.99) - 1], 1), "max_ms": round(times[-1], 1), "bytes": size}
        if path == "/status.json":
            doc = json.loads(body)
            out["monitors_on_page"] = len(doc["monitors"])
        out["rss_mb"] = round(rss_kb(p.pid, "VmRSS") / 1024, 1)
        out["peak_rss_mb"] = round(rss_kb(p.pid, "VmHWM") / 1024, 1)
        return out
    finally:
        os.killpg(p.pid, signal.SIGTERM)
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rampart", default="target/release/rampart")
    ap.add_argument("--monitors", type=int, default=1000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "rampart-bench-serve"))
    ap.add_argument("--pg-url", default=os.environ.get("RAMPART_BENCH_PG"))
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    web = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    proj = project(a.work, a.monitors, web.server_address[1])
    now_min = int(time.time() // 60)
    tag = f"{a.monitors}x{a.days}d"
    results = {}
    sqlite_path = os.path.join(a.work, f"history-{tag}.db")
    if not os.path.exists(sqlite_path + ".done"):
        for f in [sqlite_path, sqlite_path + "-wal", sqlite_path + "-shm"]:
            if os.path.exists(f):
                os.remove(f)
        subprocess.run([a.rampart, "--database", f"sqlite://{sqlite_path}", "audit"], check=True, stdout=subprocess.DEVNULL)
        t0 = time.time()
        write_sqlite(sqlite_path, a.monitors, a.days, now_min)
        open(sqlite_path + ".done", "w").write(str(time.time() - t0))
        print(f"sqlite history written in {time.time() - t0:.0f} s", file=sys.stderr)
    n_obs = sqlite3.connect(sqlite_path).execute("SELECT MAX(id) FROM observations").fetchone()[0]
    results["sqlite"] = measure(a.rampart, proj, f"sqlite://{sqlite_path}", a.requests)
    if a.pg_url:
        base, _ = a.pg_url.rsplit("/", 1)
        dbname = f"bench_serve_{a.monitors}_{a.days}"
        exists = subprocess.run(["psql", "-tAq", a.pg_url, "-c", f"SELECT 1 FROM pg_database WHERE datname = '{dbname}'"], capture_output=True, text=True).stdout.strip() == "1"
        url = f"{base}/{dbname}"
        if not exists:
            subprocess.run(["psql", "-q", a.pg_url, "-c", f"CREATE DATABASE {dbname}"], check=True)
            subprocess.run([a.rampart, "--database", url, "audit"], check=True, stdout=subprocess.DEVNULL)
            t0 = time.time()
            write_postgres(url, a.monitors, a.days, now_min)
            print(f"postgres history written in {time.time() - t0:.0f} s", file=sys.stderr)
        results["postgres"] = measure(a.rampart, proj, url, a.requests)
    print(json.dumps({"monitors": a.monitors, "days": a.days, "observations": n_obs, "requests_per_page": a.requests, "results": results}, indent=2))
    web.shutdown()


if __name__ == "__main__":
    main()
