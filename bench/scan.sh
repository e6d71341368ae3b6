#!/usr/bin/env bash
# bench/scan.sh — rampart's scans side by side with the reference tools, in one run, inside a
# network namespace this script creates (its loopback is private; nothing can leave it):
#   1. full 65,535-port connect scan of 127.0.0.1 with a handful of listeners: rampart vs
#      `nmap -sT -p- -n -Pn` — open ports, wall time, CPU time, peak memory;
#   2. the same with 1,000 ports silently dropped by iptables (filtered);
#   3. service naming of the open ports: rampart vs `nmap -sT -sV`;
#   4. web scans: rampart vs wapiti3 on sqlmap's vulnserver, rampart's demo service, the
#      vulnerable test shop crates/rampart-scan/tests/targets/vulnapp.py and MiniTwit (logged
#      in); for each the (class, parameter) pairs each tool found (bench/web_pairs.py), wall time
#      (median of BENCH_WEB_ROUNDS=3 alternating rounds) and requests, and a PASS/FAIL for
#      "rampart finds every pair wapiti finds, nothing on a trap" and for "rampart's total time is
#      at most half of wapiti's".
# `bench/scan.sh web` runs only section 4.
# Needs root (ip netns, iptables), nmap, nginx, sshd, redis-server, prometheus, jq, GNU time
# (/usr/bin/time), python3 — Debian packages in scripts/packages/scan.txt — and the PyPI targets
# (scripts/setup-web-targets.sh; wapiti3==3.2.3 goes into target/bench-venv).
# Prints a PASS or FAIL line for each target of issues 5 and 16 (same open ports, wall time no worse than
# nmap's, 1,000 filtered ports found and >= 1.5x faster, same service names and >= 5x faster than
# nmap -sV) and exits 1 when any target is missed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ "$(id -u)" = 0 ] || { echo "bench/scan.sh needs root (network namespace, iptables)" >&2; exit 2; }
for t in nmap nginx /usr/sbin/sshd redis-server prometheus jq iptables /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "missing: $t" >&2; exit 2; }
done
# BENCH_PROFILE=debug uses the debug build (when a release build is not at hand; the web scans
# are bound by rampart's 50 requests/s cap, not by its CPU).
profile=${BENCH_PROFILE:-release}
if [ "$profile" = release ]; then
  cargo build --release -q -p rampart-cli
  cargo build --release -q -p rampart-scan --example demo_server
else
  cargo build -q -p rampart-cli
  cargo build -q -p rampart-scan --example demo_server
fi
RAMPART="$root/target/$profile/rampart"
# BENCH_WEB_RATE=N runs the web scans at N requests/s instead of rampart's polite default (50/s):
# wapiti3 has no rate cap, so this compares the two scanners at full speed. Report both.
web_rate=()
[ -n "${BENCH_WEB_RATE:-}" ] && web_rate=(--rate "$BENCH_WEB_RATE")
DEMO="$root/target/$profile/examples/demo_server"
bash scripts/setup-web-targets.sh >/dev/null
venv="$root/target/test-venv"
bvenv="$root/target/bench-venv"
[ -x "$bvenv/bin/wapiti" ] || { python3 -m venv "$bvenv"; "$bvenv/bin/pip" install -q "wapiti3==3.2.3"; }
only=${1:-all}
# wapiti crashes on non-ASCII output under the C locale.
export LANG=C.UTF-8 LC_ALL=C.UTF-8

NS="rampart-bench-$$"
work=$(mktemp -d /tmp/rampart-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # `inns cmd &` records the pid of a subshell, not of the server it started: stop every
  # process living in the namespace (nginx workers, setpriv children, ...), by id.
  local left
  left=$(ip netns pids "$NS" 2>/dev/null || true)
  [ -z "$left" ] || { kill $left 2>/dev/null || true; sleep 1; }
  left=$(ip netns pids "$NS" 2>/dev/null || true)
  [ -z "$left" ] || kill -9 $left 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$NS"
inns() { ip netns exec "$NS" "$@"; }
inns ip link set lo up
asnobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }

# ---- targets -----------------------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=localhost \
  -keyout "$work/tls.key" -out "$work/tls.pem" 2>/dev/null
chmod 644 "$work/tls.key"
cat > "$work/nginx.conf" <<EOF
worker_processes 1; user nobody nogroup; pid $work/nginx.pid; error_log $work/nginx.err;
events { worker_connections 256; }
http { access_log off; server_tokens on; client_body_temp_path $work/b; proxy_temp_path $work/p;
  fastcgi_temp_path $work/f; uwsgi_temp_path $work/u; scgi_temp_path $work/s;
  server { listen 127.0.0.1:80; location / { return 200 '<html><title>Welcome to nginx!</title></html>'; } }
  server { listen 127.0.0.1:443 ssl; ssl_certificate $work/tls.pem; ssl_certificate_key $work/tls.key;
           location / { return 200 '<html><title>shop</title></html>'; } } }
EOF
inns nginx -c "$work/nginx.conf" -g 'daemon off;' & pids+=($!)
ssh-keygen -q -t ed25519 -N '' -f "$work/hostkey"; mkdir -p /run/sshd
printf 'ListenAddress 127.0.0.1\nPort 22\nHostKey %s\nPidFile %s/sshd.pid\nUsePAM no\n' "$work/hostkey" "$work" > "$work/sshd_config"
inns /usr/sbin/sshd -D -e -f "$work/sshd_config" 2>"$work/sshd.log" & pids+=($!)
inns setpriv --reuid=nobody --regid=nogroup --clear-groups redis-server --bind 127.0.0.1 --port 6379 --save '' --dir /tmp >/dev/null & pids+=($!)
mkdir -p "$work/prom"; chmod 777 "$work/prom"; printf 'global:\n  scrape_interval: 1m\n' > "$work/prom.yml"
inns setpriv --reuid=nobody --regid=nogroup --clear-groups prometheus --config.file="$work/prom.yml" \
  --storage.tsdb.path="$work/prom" --web.listen-address=127.0.0.1:9090 2>/dev/null & pids+=($!)
vuln=$("$venv/bin/python" -c 'import sqlmap,os;print(os.path.dirname(sqlmap.__file__))')/extra/vulnserver/vulnserver.py
# As root inside the namespace: the venv's python links into /root, which nobody cannot read.
inns env TMPDIR=/tmp "$venv/bin/python" "$vuln" 127.0.0.1 8440 >/dev/null 2>&1 & pids+=($!)
inns "$DEMO" 8080 > "$work/demo.out" 2>&1 & pids+=($!)
cp crates/rampart-scan/tests/targets/vulnapp.py "$work/vulnapp.py"
: > "$work/vulnapp-requests.log"; chmod 666 "$work/vulnapp-requests.log"
# As nobody: the shop runs shell commands on purpose (/ping).
inns setpriv --reuid=nobody --regid=nogroup --clear-groups env VULNAPP_LOG="$work/vulnapp-requests.log" \
  /usr/bin/python3 "$work/vulnapp.py" 8480 >/dev/null 2>&1 & pids+=($!)
mt="$root/target/web-targets"
printf 'DATABASE = "%s/minitwit.db"\n' "$work" > "$work/minitwit-settings.py"
( cd "$work" && FLASK_APP=minitwit.minitwit MINITWIT_SETTINGS="$work/minitwit-settings.py" "$mt/minitwit-venv/bin/flask" initdb >/dev/null 2>&1 )
inns env FLASK_APP=minitwit.minitwit MINITWIT_SETTINGS="$work/minitwit-settings.py" \
  "$mt/minitwit-venv/bin/flask" run --host 127.0.0.1 --port 5000 >/dev/null 2>>"$work/minitwit.log" & pids+=($!)
sleep 3
printf '[project]\nname = "bench"\n[scope]\nhosts = ["127.0.0.1"]\n[[hosts]]\naddress = "127.0.0.1"\nports = [22, 80, 443]\n' > "$work/rampart.toml"

timed() { # timed NAME CMD... -> prints "wall user+sys maxrss_kb" into $work/NAME.time
  local name=$1; shift
  # /usr/bin/time runs programs, not shell functions: spell `inns` out.
  [ "$1" = inns ] && { shift; set -- ip netns exec "$NS" "$@"; }
  /usr/bin/time -f "%e %U %S %M" -o "$work/$name.time" "$@" > "$work/$name.out" 2>"$work/$name.err" || true
}
wall() { awk '{print $1}' "$work/$1.time"; }
cpu() { awk '{printf "%.2f", $2+$3}' "$work/$1.time"; }
mem() { awk '{printf "%.0f", $4/1024}' "$work/$1.time"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a>0) printf "%.2f", b/a; else print "inf" }'; }
nmap_open() { grep -oE 'portid="[0-9]+"><state state="open"' "$1" | grep -oE '[0-9]+' | sort -n | tr '\n' ' '; }
fails=0
verdict() { # verdict OK(1|0) WHAT -> a PASS or FAIL line; FAILs are counted for the exit code
  if [ "$1" = 1 ]; then echo "PASS: $2"; else echo "FAIL: $2"; fails=$((fails+1)); fi
}
at_least() { awk -v a="$1" -v b="$2" 'BEGIN{ print (a+0 >= b+0) ? 1 : 0 }'; }
faster_by() { # faster_by RAMPART_WALL NMAP_WALL FACTOR -> 1 when nmap took FACTOR times as long
  awk -v r="$1" -v n="$2" -v f="$3" 'BEGIN{ print (r+0 > 0 && n/r >= f) ? 1 : 0 }'
}

if [ "$only" != web ]; then
echo "== 1. full connect scan of 127.0.0.1 (65,535 ports) inside namespace $NS"
# Five alternating rounds, medians compared: one full scan takes about a second, so a single run
# measures the machine's other work as much as the scanner.
ROUNDS=${BENCH_ROUNDS:-5}
for i in $(seq "$ROUNDS"); do
  timed "r_full_$i" inns "$RAMPART" -p "$work/rampart.toml" scan ports 127.0.0.1 --ports 1-65535 --no-banners -f json -o "$work/r_full_$i.json"
  timed "n_full_$i" inns nmap -sT -p- -n -Pn 127.0.0.1 -oX "$work/n_full_$i.xml"
done
median() { # median NAME FIELD(1 wall, 2 user, 3 sys, 4 rss) -> median over the rounds
  for i in $(seq "$ROUNDS"); do awk -v f="$2" '{print $f}' "$work/$1_$i.time"; done | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'
}
for t in r n; do
  printf '%s %s %s %s\n' "$(median ${t}_full 1)" "$(median ${t}_full 2)" "$(median ${t}_full 3)" "$(median ${t}_full 4)" > "$work/${t}_full.time"
done
diff_rounds=0
for i in $(seq "$ROUNDS"); do
  ro=$(jq -r '[.ports[]|select(.state=="open").port]|join(" ")' "$work/r_full_$i.json")
  no=$(nmap_open "$work/n_full_$i.xml" | sed 's/ $//')
  echo "round $i: rampart $(awk '{print $1}' "$work/r_full_$i.time")s, nmap $(awk '{print $1}' "$work/n_full_$i.time")s$([ "$ro" = "$no" ] || echo ", OPEN PORTS DIFFER: $ro / $no")"
  [ "$ro" = "$no" ] || diff_rounds=$((diff_rounds+1))
done
cp "$work/r_full_1.json" "$work/r_full.json"; cp "$work/n_full_1.xml" "$work/n_full.xml"
r_open=$(jq -r '[.ports[]|select(.state=="open").port]|join(" ")' "$work/r_full.json")
n_open=$(nmap_open "$work/n_full.xml" | sed 's/ $//')
echo "medians of $ROUNDS rounds:"
printf '%-8s wall %6ss  cpu %6ss  mem %5s MiB  open: %s\n' rampart "$(wall r_full)" "$(cpu r_full)" "$(mem r_full)" "$r_open"
printf '%-8s wall %6ss  cpu %6ss  mem %5s MiB  open: %s\n' nmap "$(wall n_full)" "$(cpu n_full)" "$(mem n_full)" "$n_open"
[ "$r_open" = "$n_open" ] && echo "open ports identical" || echo "OPEN PORTS DIFFER"
echo "nmap/rampart wall-time ratio: $(ratio "$(wall r_full)" "$(wall n_full)")x"
verdict "$([ -n "$r_open" ] && [ "$r_open" = "$n_open" ] && [ "$diff_rounds" = 0 ] && echo 1 || echo 0)" \
  "full scan: same open ports as nmap in every round ($r_open)"
verdict "$(at_least "$(wall n_full)" "$(wall r_full)")" \
  "full scan: wall time $(wall r_full)s <= nmap's $(wall n_full)s"

echo; echo "== 2. the same with 1,000 ports (30000-30999) dropped by iptables"
inns iptables -A INPUT -p tcp --dport 30000:30999 -j DROP
timed r_drop inns "$RAMPART" -p "$work/rampart.toml" scan ports 127.0.0.1 --ports 1-65535 --no-banners -f json -o "$work/r_drop.json"
timed n_drop inns nmap -sT -p- -n -Pn 127.0.0.1 -oX "$work/n_drop.xml"
r_filt=$(jq '.filtered' "$work/r_drop.json")
n_filt=$(python3 "$root/bench/nmap_xml.py" count "$work/n_drop.xml" filtered)
r_open=$(jq -r '[.ports[]|select(.state=="open").port]|join(" ")' "$work/r_drop.json")
n_open=$(nmap_open "$work/n_drop.xml" | sed 's/ $//')
printf '%-8s wall %6ss  cpu %6ss  mem %5s MiB  filtered %s  open: %s\n' rampart "$(wall r_drop)" "$(cpu r_drop)" "$(mem r_drop)" "$r_filt" "$r_open"
printf '%-8s wall %6ss  cpu %6ss  mem %5s MiB  filtered %s  open: %s\n' nmap "$(wall n_drop)" "$(cpu n_drop)" "$(mem n_drop)" "$n_filt" "$n_open"
echo "nmap/rampart wall-time ratio: $(ratio "$(wall r_drop)" "$(wall n_drop)")x (target >= 1.5)"
verdict "$([ "$r_filt" = 1000 ] && echo 1 || echo 0)" "filtered scan: rampart reports $r_filt of the 1,000 dropped ports filtered"
verdict "$([ -n "$r_open" ] && [ "$r_open" = "$n_open" ] && echo 1 || echo 0)" \
  "filtered scan: same open ports as nmap ($r_open)"
verdict "$(faster_by "$(wall r_drop)" "$(wall n_drop)" 1.5)" \
  "filtered scan: >= 1.5x faster than nmap ($(wall r_drop)s vs $(wall n_drop)s)"
inns iptables -F INPUT

echo; echo "== 3. service naming of the open ports"
list=$(echo "$n_open" | tr ' ' ',')
timed r_sv inns "$RAMPART" -p "$work/rampart.toml" scan ports 127.0.0.1 --ports "$list" -f json -o "$work/r_sv.json"
timed n_sv inns nmap -sT -sV -p "$list" -n -Pn 127.0.0.1 -oX "$work/n_sv.xml"
python3 "$root/bench/nmap_xml.py" compare "$work/n_sv.xml" "$work/r_sv.json" | tee "$work/compare.txt"
read -r same total < <(awk '/^SAME/ {print $2, $4}' "$work/compare.txt")
printf '%-8s wall %6ss  cpu %6ss\n' rampart "$(wall r_sv)" "$(cpu r_sv)"
printf '%-8s wall %6ss  cpu %6ss\n' nmap "$(wall n_sv)" "$(cpu n_sv)"
echo "nmap/rampart wall-time ratio: $(ratio "$(wall r_sv)" "$(wall n_sv)")x (target >= 5)"
verdict "$([ "$total" -gt 0 ] && [ "$same" = "$total" ] && echo 1 || echo 0)" \
  "service naming: same service names as nmap -sV on $same of $total ports"
verdict "$(faster_by "$(wall r_sv)" "$(wall n_sv)" 5)" \
  "service naming: >= 5x faster than nmap -sV ($(wall r_sv)s vs $(wall n_sv)s)"

fi # sections 1-3

echo; echo "== 4. web scans: rampart vs wapiti3 $("$bvenv/bin/wapiti" --version 2>/dev/null | tail -1)"
# wapiti's default modules plus crlf and csrf; ssrf needs wapiti's Internet endpoint (nothing
# leaves this namespace), so it is left out.
WAPITI_MODULES=cookieflags,csp,exec,file,http_headers,permanentxss,redirect,sql,upload,xss,crlf,csrf
r_total=0; w_total=0
# BENCH_WEB_ROUNDS=N: rounds per application (default 3; each runs rampart, then wapiti3).
WEB_ROUNDS=${BENCH_WEB_ROUNDS:-3}
web() { # web NAME URL SEED [TRAP_PATHS] [-- extra rampart args -- extra wapiti args]
  local name=$1 url=$2 seed=$3 traps=${4:-}
  shift 4 || shift $#
  local rargs=() wargs=() side=r
  for a in "$@"; do
    if [ "$a" = -- ]; then [ "$side" = r ] && side=w || side=x; continue; fi
    [ "$side" = r ] && rargs+=("$a") || wargs+=("$a")
  done
  # Alternating rounds, medians compared (both tools' times move with the machine's load,
  # wapiti3's most: it is CPU-bound); the first round's reports give the pairs.
  local w_req="n/a" i same=1
  for i in $(seq "$WEB_ROUNDS"); do
    truncate -s 0 "$work/vulnapp-requests.log" "$work/minitwit.log"
    timed "r_${name}_$i" inns env RAMPART_TEST_PASSWORD=Rampart-Bench-7 "$RAMPART" -p "$work/rampart.toml" scan web "$url" --seed "$seed" "${web_rate[@]}" "${rargs[@]}" -f json -o "$work/r_${name}_$i.json"
    truncate -s 0 "$work/vulnapp-requests.log" "$work/minitwit.log"
    timed "w_${name}_$i" inns timeout 900 "$bvenv/bin/wapiti" -u "$url" -s "${url%/}$seed" --flush-session --scope folder \
      -m "$WAPITI_MODULES" "${wargs[@]}" -f json -o "$work/w_${name}_$i.json"
    if [ "$i" = 1 ]; then
      case $name in
        vulnapp) w_req=$(wc -l < "$work/vulnapp-requests.log") ;;
        minitwit) w_req=$(grep -c '"[A-Z]* /' "$work/minitwit.log" || true) ;;
      esac
    elif ! diff -q <(jq -c '[.findings[]|[.rule,.title]]' "$work/r_${name}_1.json") \
                   <(jq -c '[.findings[]|[.rule,.title]]' "$work/r_${name}_$i.json") >/dev/null; then
      same=0
    fi
  done
  cp "$work/r_${name}_1.json" "$work/r_$name.json"
  cp "$work/w_${name}_1.json" "$work/w_$name.json" 2>/dev/null || true
  local t
  for t in r w; do
    for i in $(seq "$WEB_ROUNDS"); do cat "$work/${t}_${name}_$i.time"; done |
      sort -g | awk '{a[NR]=$0} END{print a[int((NR+1)/2)]}' > "$work/${t}_$name.time"
  done
  local r_req; r_req=$(jq .requests "$work/r_$name.json")
  echo "-- $name ($url, extra entry point $seed)"
  echo "wall times of the $WEB_ROUNDS rounds: rampart $(for i in $(seq "$WEB_ROUNDS"); do printf '%ss ' "$(wall "r_${name}_$i")"; done)| wapiti $(for i in $(seq "$WEB_ROUNDS"); do printf '%ss ' "$(wall "w_${name}_$i")"; done)(medians below)"
  [ "$same" = 1 ] && echo "rampart's findings were the same in every round" \
    || echo "rampart's findings differed between rounds (the applications keep what earlier rounds stored)"
  printf '%-8s wall %6ss  cpu %6ss  requests %s\n' rampart "$(wall "r_$name")" "$(cpu "r_$name")" "$(jq .requests "$work/r_$name.json")"
  printf '%-8s wall %6ss  cpu %6ss\n' wapiti "$(wall "w_$name")" "$(cpu "w_$name")"
  echo "rampart findings:"; jq -r '.findings|group_by(.rule)[]|"  \(.[0].rule) x\(length): \(map(.target|sub("^https?://[^/]+";""))|unique|join(", "))"' "$work/r_$name.json"
  echo "wapiti findings:"; jq -r '.vulnerabilities|to_entries[]|select(.value|length>0)|"  \(.key) x\(.value|length): \(.value|map(.path)|unique|join(", "))"' "$work/w_$name.json" 2>/dev/null || echo "  (no report)"
  if jq -e '.. | strings | select(test("/test/"))' "$work/w_$name.json" >/dev/null 2>&1; then echo "wapiti mentions /test/"; else echo "wapiti does not mention /test/"; fi
  echo "wapiti/rampart wall-time ratio: $(ratio "$(wall "r_$name")" "$(wall "w_$name")")x"
  echo "requests: rampart $r_req, wapiti $w_req"
  echo "(class, parameter) pairs:"
  local ok=1
  # shellcheck disable=SC2086
  python3 "$root/bench/web_pairs.py" "$work/r_$name.json" "$work/w_$name.json" $traps || ok=0
  verdict "$ok" "$name: rampart finds every (class, parameter) pair wapiti finds, none on a trap"
  r_total=$(awk -v a="$r_total" -v b="$(wall "r_$name")" 'BEGIN{print a+b}')
  w_total=$(awk -v a="$w_total" -v b="$(wall "w_$name")" 'BEGIN{print a+b}')
}
web vulnserver "http://127.0.0.1:8440/" "/echo?q=1" "/fp"
web demo "http://127.0.0.1:8080/" "/api/msgs?user=alice" ""
web vulnapp "http://127.0.0.1:8480/" "/" "/item /shelf /welcome /style /api/wish /api/quote /member /find /hello /notes /doc /lookup /next /theme /api/price /report /api/tags"
# MiniTwit logged in: rampart registers the user and logs in; wapiti logs in with the same user.
web minitwit "http://127.0.0.1:5000/" "/public" "" \
  --login-path /login --register-path /register --username rampart-bench --password-env RAMPART_TEST_PASSWORD -- \
  --form-url "http://127.0.0.1:5000/login" --form-user rampart-bench --form-password Rampart-Bench-7 -x "http://127.0.0.1:5000/logout"
has() { jq -e --arg r "$1" --arg t "$2" '[.findings[]|select(.rule==$r and (.title|contains($t)))]|length>0' "$work/r_minitwit.json" >/dev/null; }
verdict "$(has RA-WEB-CSRF-MISSING /add_message && echo 1 || echo 0)" "minitwit (logged in): the posting form's missing CSRF token is reported"
verdict "$(has RA-WEB-SESSION-DEFAULT-KEY "development key" && echo 1 || echo 0)" "minitwit: the session key 'development key' is reported"
echo "total web wall time (sum of the medians of $WEB_ROUNDS rounds): rampart ${r_total}s, wapiti ${w_total}s"
verdict "$(faster_by "$r_total" "$w_total" 2)" "web: rampart's total time is at most half of wapiti's (${r_total}s vs ${w_total}s)"
echo; echo "raw outputs: $work"
echo; if [ "$fails" = 0 ]; then echo "all targets met"; else echo "$fails target(s) missed"; exit 1; fi
