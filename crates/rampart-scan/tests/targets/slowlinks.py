#!/usr/bin/env python3
"""A small site whose pages answer at very different speeds, for rampart's crawl-order test. The
start page links to /p0 … /p9; /pN answers after (9 - N) × 60 ms, so they finish in the reverse
of their link order, and each links to its own /pN/more. A crawl of several pages at a time gets
the answers in whatever order the server gives them; the scan's pages must come out in the order
a crawl of one page at a time would have fetched them.

Usage: slowlinks.py PORT   (listens on 127.0.0.1 only)
"""
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

N = 10


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/":
            links = "".join('<a href="/p%d">page %d</a> ' % (i, i) for i in range(N))
        elif path.startswith("/p") and path[2:].isdigit() and int(path[2:]) < N:
            time.sleep((N - 1 - int(path[2:])) * 0.06)
            links = '<a href="%s/more">more</a>' % path
        elif path.startswith("/p") and path.endswith("/more"):
            links = "the end"
        else:
            self.send_error(404)
            return
        body = ("<!doctype html><html><head><title>slow links</title></head><body>%s</body></html>"
                % links).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
