#!/usr/bin/env python3
"""Links that delete on GET, for rampart's `--safe` test: /items lists two items, each with a
link that deletes it (`/item/N/delete`, `/remove?id=N`), as many small applications do. GET
/stats says how many deletions happened; a `--safe` scan must cause none, and still crawl the
items themselves.

Usage: deletelinks.py PORT   (listens on 127.0.0.1 only)
"""
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATS = {"deleted": 0, "item_views": 0}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def reply(self, body, status=200):
        data = ("<!doctype html><html><head><title>items</title></head><body>%s</body></html>" % body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        parts = u.path.strip("/").split("/")
        if u.path == "/stats":
            with LOCK:
                return self.reply("deleted=%d item_views=%d" % (STATS["deleted"], STATS["item_views"]))
        if u.path in ("/", "/items"):
            return self.reply(
                '<ul><li><a href="/item/1">one</a> <a href="/item/1/delete">delete</a></li>'
                '<li><a href="/item/2?view=full">two</a> <a href="/remove?id=2">remove</a></li></ul>')
        if u.path == "/remove" or (len(parts) == 3 and parts[0] == "item" and parts[2] == "delete"):
            with LOCK:
                STATS["deleted"] += 1
            return self.reply("deleted")
        if len(parts) == 2 and parts[0] == "item":
            with LOCK:
                STATS["item_views"] += 1
            return self.reply("<p>item %s</p>" % parts[1].replace("<", "&lt;"))
        return self.reply("not found", 404)


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
