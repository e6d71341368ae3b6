#!/usr/bin/env python3
"""Reads nmap's XML output for bench/scan.sh.

  nmap_xml.py count NMAP.xml STATE          ports in STATE (listed or folded into <extraports>)
  nmap_xml.py compare NMAP.xml RAMPART.json service names side by side, one line per port

Service names are compared after one normalisation each way, both printed: nmap's `ssl/http`
(an HTTP service in a TLS tunnel) is rampart's `https`, and nmap's port-table names for HTTP
served on 8080/8000 (`http-proxy`, `http-alt`) are `http` when nmap's own probe matched HTTP.
"""
import json
import sys
import xml.etree.ElementTree as ET


def ports(xml):
    root = ET.parse(xml).getroot()
    return root.find("host").find("ports")


def count(xml, state):
    p = ports(xml)
    n = sum(int(e.get("count")) for e in p.iter("extraports") if e.get("state") == state)
    n += sum(1 for port in p.iter("port") if port.find("state").get("state") == state)
    print(n)


def nmap_name(port):
    svc = port.find("service")
    if svc is None:
        return "?", ""
    name = svc.get("name", "?")
    if svc.get("tunnel") == "ssl":
        name = "ssl/" + name
    product = " ".join(x for x in (svc.get("product"), svc.get("version")) if x)
    return name, product


def normal(name, product):
    if name == "ssl/http":
        return "https"
    if name in ("http-proxy", "http-alt") and product:
        return "http"
    return name


def compare(xml, rjson):
    r = {p["port"]: p for p in json.load(open(rjson))["ports"]}
    same = total = unnamed = 0
    print(f"{'port':<6} {'rampart':<10} {'nmap -sV':<12} rampart software / nmap product")
    for port in ports(xml).iter("port"):
        if port.find("state").get("state") != "open":
            continue
        num = int(port.get("portid"))
        name, product = nmap_name(port)
        mine = r.get(num, {})
        rs = mine.get("service", "?")
        rp = " ".join(str(x) for x in (mine.get("product"), mine.get("version")) if x)
        if name == "unknown":
            # nmap's table guess with nothing matched: no name to compare with.
            unnamed += 1
            note = "   (nmap could not name it)"
        else:
            total += 1
            ok = rs == normal(name, product)
            same += ok
            note = "" if ok else "   <- differs"
        print(f"{num:<6} {rs:<10} {name:<12} {rp or '-'} / {product or '-'}{note}")
    print(f"same service name on {same} of {total} ports nmap named ({unnamed} more that nmap left unknown)")
    print(f"SAME {same} TOTAL {total}")


if __name__ == "__main__":
    {"count": lambda: count(sys.argv[2], sys.argv[3]), "compare": lambda: compare(sys.argv[2], sys.argv[3])}[sys.argv[1]]()
