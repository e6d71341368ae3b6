#!/usr/bin/env bash
# CrowdSec's verdicts on the labelled corpus (called by bench/logs-corpus.sh; usable alone):
# Debian's crowdsec 1.4.6 replays each log in time-machine mode (`-dsn file://… -type nginx|
# syslog`) with the parsers and scenarios its package ships (the offline hub under
# /usr/share/crowdsec/hub: collections crowdsecurity/nginx, base-http-scenarios, sshd, linux).
# Its alerts are read from its own SQLite database and scored like fail2ban's bans.
#
# Offline by construction: a private configuration in $WORK (nothing in /etc/crowdsec is used
# or changed), no Central API (`-no-capi`, no online_client), no hub update, Prometheus off; the
# local API listens on 127.0.0.1 only, and when this runs as root each replay runs in a network
# namespace of its own (`unshare -n`) where only loopback exists.
# One change from Debian's defaults: the `crowdsecurity/whitelists` parser (which drops every
# private address, 10.0.0.0/8 …) is left out, so CrowdSec judges the corpus's ordinary API
# client (10.0.0.5) by its traffic as fail2ban and rampart do.
#
# Install without its service or Central API registration (the package's postinst registers
# with api.crowdsec.net unless online_api_credentials.yaml already has content):
#   mkdir -p /etc/crowdsec && echo '# offline' > /etc/crowdsec/online_api_credentials.yaml
#   apt-get install -y crowdsec   # policy-rc.d denies the service start in containers
# Usage: bench/logs-crowdsec.sh CORPUS_DIR (the directory bench/logs-corpus.sh wrote).
set -euo pipefail
CORPUS="${1:?usage: bench/logs-crowdsec.sh CORPUS_DIR}"
if ! command -v crowdsec > /dev/null || [ ! -d /usr/share/crowdsec/hub ]; then
  echo "SKIP: crowdsec not installed (see the comment at the top of bench/logs-crowdsec.sh)"
  exit 0
fi
HUB=/usr/share/crowdsec/hub
CS="$CORPUS/crowdsec"
rm -rf "$CS"
mkdir -p "$CS/etc/parsers" "$CS/etc/scenarios" "$CS/etc/postoverflows" "$CS/data"
cp -r /etc/crowdsec/patterns "$CS/etc/"
cp /usr/share/crowdsec/data/* "$CS/data/"
# http-path-traversal-probing reads `http_path_traversal.txt`, which the hub would download from
# sec-lists' `web/path_traversal.txt`; Debian ships that list under its source name only. Without
# it the scenario's filter fails on every HTTP line and CrowdSec drops the line for every
# scenario (no HTTP alert at all).
[ -f "$CS/data/http_path_traversal.txt" ] || cp "$CS/data/path_traversal.txt" "$CS/data/http_path_traversal.txt"
# The items Debian enables on installation (its postinst's list), minus the whitelists.
for p in s00-raw/crowdsecurity/syslog-logs s01-parse/crowdsecurity/nginx-logs \
  s01-parse/crowdsecurity/sshd-logs s02-enrich/crowdsecurity/dateparse-enrich \
  s02-enrich/crowdsecurity/http-logs; do
  mkdir -p "$CS/etc/parsers/$(dirname "$(dirname "$p")")"
  ln -s "$HUB/parsers/$p.yaml" "$CS/etc/parsers/$(dirname "$(dirname "$p")")/$(basename "$p").yaml"
done
# Every scenario Debian enables on installation (its postinst's list).
for s in crowdsecurity/apache_log4j2_cve-2021-44228 crowdsecurity/CVE-2022-26134 \
  crowdsecurity/CVE-2022-35914 crowdsecurity/CVE-2022-37042 crowdsecurity/CVE-2022-40684 \
  crowdsecurity/CVE-2022-41082 crowdsecurity/CVE-2022-41697 crowdsecurity/CVE-2022-42889 \
  crowdsecurity/CVE-2022-44877 crowdsecurity/CVE-2022-46169 \
  crowdsecurity/f5-big-ip-cve-2020-5902 crowdsecurity/fortinet-cve-2018-13379 \
  crowdsecurity/grafana-cve-2021-43798 crowdsecurity/http-backdoors-attempts \
  crowdsecurity/http-bad-user-agent crowdsecurity/http-crawl-non_statics \
  crowdsecurity/http-cve-2021-41773 crowdsecurity/http-cve-2021-42013 \
  crowdsecurity/http-generic-bf crowdsecurity/http-open-proxy \
  crowdsecurity/http-path-traversal-probing crowdsecurity/http-probing \
  crowdsecurity/http-sensitive-files crowdsecurity/http-sqli-probing \
  crowdsecurity/http-xss-probing crowdsecurity/jira_cve-2021-26086 \
  crowdsecurity/nginx-req-limit-exceeded crowdsecurity/pulse-secure-sslvpn-cve-2019-11510 \
  crowdsecurity/spring4shell_cve-2022-22965 crowdsecurity/ssh-bf crowdsecurity/ssh-slow-bf \
  crowdsecurity/thinkphp-cve-2018-20062 crowdsecurity/vmware-cve-2022-22954 \
  crowdsecurity/vmware-vcenter-vmsa-2021-0027 ltsich/http-w00tw00t; do
  ln -s "$HUB/scenarios/$s.yaml" "$CS/etc/scenarios/$(basename "$s").yaml"
done
cat > "$CS/etc/profiles.yaml" <<'EOF'
name: default_ip_remediation
filters:
 - Alert.Remediation == true && Alert.GetScope() == "Ip"
decisions:
 - type: ban
   duration: 4h
on_success: break
EOF
echo "simulation: off" > "$CS/etc/simulation.yaml"
: > "$CS/etc/acquis.yaml"
PORT="${CROWDSEC_PORT:-18089}"
NETNS=()
if [ "$(id -u)" = 0 ] && unshare -n true 2> /dev/null; then NETNS=(unshare -n); fi

for log in "$CORPUS"/*.log; do
  name=$(basename "$log" .log)
  if grep -q "sshd\[" "$log"; then type=syslog; else type=nginx; fi
  run="$CS/$name"
  mkdir -p "$run"
  cat > "$run/config.yaml" <<EOF
common:
  daemonize: false
  log_media: stdout
  log_level: info
  working_dir: .
config_paths:
  config_dir: $CS/etc/
  data_dir: $CS/data/
  simulation_path: $CS/etc/simulation.yaml
  hub_dir: $HUB/
  index_path: $HUB/.index.json
  notification_dir: $CS/etc/notifications/
  plugin_dir: /usr/lib/crowdsec/plugins/
crowdsec_service:
  acquisition_path: $CS/etc/acquis.yaml
  parser_routines: 1
cscli:
  output: human
db_config:
  log_level: info
  type: sqlite
  db_path: $run/crowdsec.db
plugin_config:
  user: nobody
  group: nogroup
api:
  client:
    insecure_skip_verify: false
    credentials_path: $run/credentials.yaml
  server:
    log_level: info
    listen_uri: 127.0.0.1:$PORT
    profiles_path: $CS/etc/profiles.yaml
    trusted_ips:
      - 127.0.0.1
prometheus:
  enabled: false
EOF
  cscli -c "$run/config.yaml" machines add replay --password "replay-$RANDOM-$RANDOM" \
    -f "$run/credentials.yaml" --force > "$run/cscli.log" 2>&1
  if [ ${#NETNS[@]} -gt 0 ]; then
    timeout 600 unshare -n sh -c 'ip link set lo up && exec "$@"' sh \
      crowdsec -c "$run/config.yaml" -dsn "file://$log" -type "$type" -no-capi > "$run/crowdsec.log" 2>&1 || true
  else
    timeout 600 crowdsec -c "$run/config.yaml" -dsn "file://$log" -type "$type" -no-capi > "$run/crowdsec.log" 2>&1 || true
  fi
done

python3 - "$CORPUS" "$CS" "${#NETNS[@]}" <<'PY'
import glob, json, os, sqlite3, sys
corpus, cs, netns = sys.argv[1], sys.argv[2], sys.argv[3] != "0"
print("## CrowdSec 1.4.6 (Debian's offline hub, replay mode" + (", own network namespace)" if netns else ")"))
print("| log | episodes | episodes with an alerted client | alerted clients | alerts | scenarios that fired | ordinary or unlabelled clients alerted |")
print("|---|---|---|---|---|---|---|")
for exp_path in sorted(glob.glob(os.path.join(corpus, '*.expected.json'))):
    name = os.path.basename(exp_path)[:-len('.expected.json')]
    expected = json.load(open(exp_path))['expected']
    labelled = {c for e in expected for c in e['clients']}
    db = os.path.join(cs, name, 'crowdsec.db')
    rows = []
    if os.path.exists(db):
        con = sqlite3.connect(db)
        rows = con.execute("select scenario, source_value from alerts where source_scope = 'Ip'").fetchall()
    alerted = {ip for _, ip in rows}
    scen = sorted({s.split('/')[-1] for s, _ in rows})
    found = sum(1 for e in expected if set(e['clients']) & alerted)
    wrong = sorted(alerted - labelled)
    print(f"| {name} | {len(expected)} | {found} | {len(alerted)} | {len(rows)} | {', '.join(scen) or '—'} | {len(wrong)}{' (' + ', '.join(wrong[:4]) + ('…' if len(wrong) > 4 else '') + ')' if wrong else ''} |")
PY
