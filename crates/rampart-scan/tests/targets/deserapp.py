#!/usr/bin/env python3
"""Loading what the client sends, for rampart's web-scan tests (needs PyYAML: run it with the test
venv's python). Every form's field is empty, as in vulnerable-app collections such as Contrast
Security's vulnpy: the scanner fills the field in to submit the form, and must still see that
an object may travel there.

  GET /yaml/load?user_input=        yaml.load(v, Loader=yaml.UnsafeLoader)  vulnerable
  GET /unpickle/load?user_input=    pickle.loads(v)                          vulnerable
  GET /yaml-safe/load?user_input=   yaml.safe_load(v)                        trap
  GET /json/load?user_input=        json.loads(v)                            trap

Usage: deserapp.py PORT   (listens on 127.0.0.1 only)
"""
import html
import json
import pickle
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import yaml

LOADERS = {
    "/yaml/load": lambda v: yaml.load(v, Loader=yaml.UnsafeLoader),
    "/unpickle/load": lambda v: pickle.loads(v.encode("latin-1")),
    "/yaml-safe/load": yaml.safe_load,
    "/json/load": json.loads,
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def reply(self, body, status=200):
        data = ("<!doctype html><html><head><title>loader</title></head><body>%s</body></html>" % body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True))
        if u.path == "/":
            links = ['<a href="%s">%s</a>' % (p[: -len("/load")], p) for p in LOADERS]
            return self.reply("<ul><li>%s</li></ul>" % "</li><li>".join(links))
        if u.path + "/load" in LOADERS:
            return self.reply(
                '<form action="%s/load" method="get"><input type="text" name="user_input" value="">'
                '<input type="submit" value="Load"></form>' % u.path)
        load = LOADERS.get(u.path)
        if load is None:
            return self.reply("not found", 404)
        try:
            loaded = load(q.get("user_input", ""))
            return self.reply("<p>loaded: %s</p>" % html.escape(repr(loaded)[:200]))
        except Exception as e:  # the apps this imitates swallow the error and answer 200
            return self.reply("<p>could not load: %s</p>" % html.escape(type(e).__name__))


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
