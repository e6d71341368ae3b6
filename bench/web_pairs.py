#!/usr/bin/env python3
"""Compares the (class, parameter) pairs of a rampart `scan web -f json` report and a wapiti3
JSON report of the same application.

Usage: web_pairs.py RAMPART.json WAPITI.json [TRAP_PATH ...]
Prints every pair with the tools that found it, then one summary line:
  pairs: wapiti N, rampart M, wapiti-only K, on traps T
Exit 0 when rampart found every pair wapiti found and nothing on a trap path, else 1.
A pair is (class, METHOD /path, parameter); paths are compared without the query.
"""
import json
import re
import sys
from urllib.parse import urlsplit

RAMPART = {
    "RA-WEB-SQLI": "sqli",
    "RA-WEB-XSS-REFLECTED": "xss",
    "RA-WEB-XSS-STORED": "stored-xss",
    "RA-WEB-PATH-TRAVERSAL": "path-traversal",
    "RA-WEB-COMMAND-INJECTION": "command-injection",
    "RA-WEB-OPEN-REDIRECT": "open-redirect",
    "RA-WEB-CRLF-INJECTION": "crlf",
    "RA-WEB-SSTI": "ssti",
    "RA-WEB-JSONP": "jsonp",
    "RA-WEB-XXE": "xxe",
}
WAPITI = {
    "SQL Injection": "sqli",
    "Blind SQL Injection": "sqli",
    "Cross Site Scripting": "xss",
    "Reflected Cross Site Scripting": "xss",
    "Stored Cross Site Scripting": "stored-xss",
    "Path Traversal": "path-traversal",
    "Command execution": "command-injection",
    "Open Redirect": "open-redirect",
    "CRLF Injection": "crlf",
    "Server Side Request Forgery": "ssrf",
    "XML External Entity": "xxe",
}


def rampart_pairs(path):
    out = set()
    for f in json.load(open(path)).get("findings", []):
        cls = RAMPART.get(f["rule"])
        if not cls:
            continue
        m = re.search(r"parameter (\S+) of (\S+) (\S+?)[,\s(]|parameter (\S+) of (\S+) (\S+)$", f["title"])
        if not m:
            continue
        g = [x for x in m.groups() if x is not None]
        out.add((cls, "%s %s" % (g[1], g[2]), g[0]))
    return out


def wapiti_pairs(path):
    out = set()
    try:
        vulns = json.load(open(path)).get("vulnerabilities", {})
    except (OSError, ValueError):
        return out
    for name, items in vulns.items():
        cls = WAPITI.get(name)
        if not cls:
            continue
        for v in items:
            param = v.get("parameter") or ""
            info = v.get("info", "")
            if cls == "xss" and "stored" in info.lower():
                cls_ = "stored-xss"
            else:
                cls_ = cls
            # wapiti names a stored XSS by the page it was found on; the form it was injected
            # through is in `info` ("... injected in the parameter X of Y").
            path_ = urlsplit(v.get("path", "")).path or "/"
            if cls_ == "stored-xss":
                m = re.search(r"injected[^/]*?(/\S*)", info)
                if m:
                    path_ = urlsplit(m.group(1).rstrip(".,")).path
            out.add((cls_, "%s %s" % (v.get("method", "GET"), path_), param))
    return out


def main():
    r = rampart_pairs(sys.argv[1])
    w = wapiti_pairs(sys.argv[2])
    traps = sys.argv[3:]
    on_trap = {p for p in r | w if any(p[1].split(" ", 1)[1] == t for t in traps)}
    # A wapiti pair counts as found when rampart has the same class and parameter on the same
    # path (methods can differ in name only: wapiti says POST for forms too).
    def found(p):
        return any(q[0] == p[0] and q[2] == p[2] and q[1].split(" ", 1)[1] == p[1].split(" ", 1)[1] for q in r)
    for p in sorted(r | w):
        who = []
        if p in w or any(p[0] == q[0] and p[2] == q[2] and p[1].split(" ", 1)[1] == q[1].split(" ", 1)[1] for q in w):
            who.append("wapiti")
        if p in r:
            who.append("rampart")
        trap = "  <- TRAP" if p in on_trap else ""
        print("  %-18s %-24s %-12s %s%s" % (p[0], p[1], p[2], "+".join(who), trap))
    missed = [p for p in w if not found(p)]
    r_trap = [p for p in r if p in on_trap]
    w_trap = [p for p in w if p in on_trap]
    print("pairs: wapiti %d, rampart %d, wapiti-only %d, on traps: rampart %d, wapiti %d"
          % (len(w), len(r), len(missed), len(r_trap), len(w_trap)))
    for p in missed:
        print("  MISSED by rampart: %s %s %s" % p)
    sys.exit(0 if not missed and not r_trap else 1)


if __name__ == "__main__":
    main()
