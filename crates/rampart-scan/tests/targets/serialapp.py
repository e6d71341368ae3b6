#!/usr/bin/env python3
"""A web app on a server that answers one request at a time (http.server.HTTPServer, no threads,
like Flask's development server before 1.0), for rampart's web-scan tests. One parameter is
injectable, blind: GET /run job reaches a shell whose output is thrown away, so only the time a
`sleep` takes shows it. While that sleep holds the server, every other request waits: eight
innocent parameters around it must not be reported for the delay another request caused.

Usage: serialapp.py PORT   (listens on 127.0.0.1 only)
"""
import html
import subprocess
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

INNOCENT = [("/a", "id", "1"), ("/b", "q", "hello"), ("/c", "page", "2"), ("/d", "name", "alice"),
            ("/e", "sort", "asc"), ("/f", "lang", "en"), ("/g", "n", "10"), ("/h", "tag", "news")]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def reply(self, body):
        data = ("<!doctype html><html><head><title>serial</title></head><body>%s</body></html>" % body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        if u.path == "/":
            links = ['<a href="/run?job=backup">run</a>']
            links += ['<a href="%s?%s=%s">%s</a>' % (p, k, v, p) for p, k, v in INNOCENT]
            return self.reply("<ul><li>%s</li></ul>" % "</li><li>".join(links))
        if u.path == "/run":
            # Blind: the shell's output goes nowhere; the answer never changes.
            subprocess.run("echo " + q.get("job", "") + " >/dev/null", shell=True, timeout=10)
            return self.reply("<p>job queued</p>")
        for p, k, _ in INNOCENT:
            if u.path == p:
                return self.reply("<p>%s = %s</p>" % (k, html.escape(q.get(k, ""))))
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()


if __name__ == "__main__":
    HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
