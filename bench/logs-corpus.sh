#!/usr/bin/env bash
# Precision and recall on the labelled corpus: rampart's incidents against each log's expected
# episodes, and fail2ban's bans on the same files side by side. Offline: fail2ban-regex reads
# the files (`--raw --usedns=no`: no DNS lookup), and its jails' defaults from Debian's
# /etc/fail2ban/jail.conf (maxretry, findtime, bantime) turn the matched lines into bans.
# Then CrowdSec's alerts on the same files (bench/logs-crowdsec.sh: Debian's crowdsec replaying
# each file offline with the scenarios its package ships).
# Usage: bench/logs-corpus.sh. Needs fail2ban and crowdsec (Debian); each is skipped if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${RAMPART_BENCH_DIR:-${TMPDIR:-/tmp}/rampart-bench-corpus}"
mkdir -p "$WORK"
cargo build --release -q -p rampart-logs --example corpus_table
echo "## rampart"
target/release/examples/corpus_table "$WORK"
echo
if ! command -v fail2ban-regex > /dev/null; then
  echo "SKIP: fail2ban not installed (apt-get install fail2ban)"
  bench/logs-crowdsec.sh "$WORK"
  exit 0
fi
# The filters that read access logs or sshd lines: nginx-botsearch (404s for admin/CMS paths),
# apache-badbots (known bad user agents), nginx-bad-request (malformed requests), sshd.
for log in "$WORK"/*.log; do
  name=$(basename "$log" .log)
  if grep -q "sshd\[" "$log"; then filters="sshd"; else filters="nginx-botsearch apache-badbots nginx-bad-request"; fi
  for f in $filters; do
    fail2ban-regex --raw --usedns=no -o row "$log" "$f" > "$WORK/$name.f2b.$f" 2>/dev/null || true
  done
done
python3 - "$WORK" <<'PY'
import configparser, glob, json, os, re, sys
work = sys.argv[1]
jail = configparser.RawConfigParser(strict=False)
jail.read('/etc/fail2ban/jail.conf')
def secs(v):
    m = re.fullmatch(r'(\d+)([smhd]?)', v.strip())
    return int(m.group(1)) * {'': 1, 's': 1, 'm': 60, 'h': 3600, 'd': 86400}[m.group(2)]
def opt(j, k):
    return jail.get(j, k) if jail.has_section(j) and jail.has_option(j, k) else jail.get('DEFAULT', k)
print("## fail2ban (Debian jail defaults)")
print("| log | episodes | filters | episodes with a banned client | banned clients | bans | ordinary or unlabelled clients banned |")
print("|---|---|---|---|---|---|---|")
for exp_path in sorted(glob.glob(os.path.join(work, '*.expected.json'))):
    name = os.path.basename(exp_path)[:-len('.expected.json')]
    meta = json.load(open(exp_path))
    expected = meta['expected']
    labelled = {c for e in expected for c in e['clients']}
    banned, bans, used = set(), 0, []
    for out in sorted(glob.glob(os.path.join(work, name + '.f2b.*'))):
        f = out.rsplit('.', 1)[1]
        used.append(f)
        maxretry, findtime, bantime = int(opt(f, 'maxretry')), secs(opt(f, 'findtime')), secs(opt(f, 'bantime'))
        hits = {}
        for line in open(out):
            m = re.match(r"^\['([^']+)',\s+([\d.]+)", line)
            if m:
                hits.setdefault(m.group(1), []).append(float(m.group(2)))
        for ip, ts in hits.items():
            ts.sort()
            window, until = [], -1
            for t in ts:
                if t < until:
                    continue
                window = [x for x in window if t - x < findtime] + [t]
                if len(window) >= maxretry:
                    bans += 1
                    banned.add(ip)
                    until, window = t + bantime, []
    found = sum(1 for e in expected if set(e['clients']) & banned)
    # Episodes without clients (a 5xx onset, a secret in a URL) cannot be found by a ban.
    wrong = sorted(banned - labelled)
    print(f"| {name} | {len(expected)} | {', '.join(used)} | {found} | {len(banned)} | {bans} | {len(wrong)}{' (' + ', '.join(wrong[:4]) + ('…' if len(wrong) > 4 else '') + ')' if wrong else ''} |")
PY
echo
bench/logs-crowdsec.sh "$WORK"
