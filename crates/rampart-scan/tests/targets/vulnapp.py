#!/usr/bin/env python3
"""A small deliberately vulnerable web shop (Python stdlib only) for rampart's web-scan tests and
bench/scan.sh. It reproduces well-known bug patterns, each in a named parameter, and next to each
a false-positive trap that looks alike but is safe:

  vulnerable (class, parameter)                   trap (must give no finding)
  sqli        GET  /product  id   (numeric, boolean) GET  /item     id   (parameterised)
  sqli        GET  /user     name (string, error)    GET  /member   name (parameterised)
  sqli        POST /login    username (error)
  sqli        GET  /catalog  q    (UNION only: errors hidden, page changes every time)
                                                  GET  /shelf    q    (parameterised, reflected)
  sqli        GET  /stats    User-Agent header (error)  GET /welcome  User-Agent (parameterised, shown)
  sqli        GET  /prefs    cookie lang (boolean)      GET /style    cookie style (parameterised)
  sqli        POST /api/cart JSON item (error; sent by the script on /cart)
                                                  POST /api/wish JSON item (parameterised)
  sqli        GET  /news     cookie visitor (blind: time-based only; no error, no other page)
                                                  GET  /report   cookie profile (parameterised, but
                                                               slow for any unknown profile)
  sqli        GET  /api/items id (error in JSON; only named in the external /static/shop.js)
  sqli        POST /api/search JSON q (error; only in /static/shop.js)
                                                  GET  /api/tags name (parameterised; XHR in shop.js)
  xss         GET  /search   q    (HTML text)        GET  /find     q    (escaped)
  xss         GET  /greet    name (quoted attribute) GET  /hello    name (escaped attribute)
  stored xss  POST /guestbook comment (shown on /entries)    POST /notes note (escaped on /notes)
  traversal   GET  /view     file (relative, ../)    GET  /doc      page (basename only)
  traversal   GET  /download path (absolute, linked with /etc/passwd already)
  cmd inj.    GET  /ping     host (sh -c "echo ...") GET  /lookup   host (quoted)
  redirect    GET  /go       url                     GET  /next     url  (relative only)
  crlf        GET  /lang     set  (raw header value)  GET  /theme    set  (CR/LF removed)
  ssti        GET  /render   tpl  ({{ expr }} evaluated)
  xxe         POST /import   xml  (form field; external entities read files)
                                                  POST /api/quote body (DTDs refused, body echoed)
  xxe         POST /api/order body (XML sent by the script on /orders; internal entities expanded)
  jsonp       GET  /api/stock callback (any text)     GET  /api/price callback (name checked)
  code inj.   GET  /calc     expr (eval, blind)      GET  /compute  expr (slow whenever the value
                                                               mentions "sleep"; evaluates nothing)
  pickle      GET  /restore  state (pickle.loads, blind)
                                                  GET  /archive  state (slow for any value over
                                                               100 characters)
  sqli        GET  /comment  text (SQLite INSERT, string context, blind: errors swallowed, no sleep
                             function: only a heavy query shows it)
                                                  GET  /feedback text (the same INSERT, parameterised)
  sessions    POST /login sets a new `sid` (alice/wonderland); /account, /account/settings need it;
              /expire forgets the session on the server; /fixlogin keeps the pre-login `fsid`
              (session fixation)
Usage: vulnapp.py PORT   (listens on 127.0.0.1 only)
"""
import html
import io
import json
import re
import os
import pickle
import shlex
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import xml.sax
import xml.sax.handler
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = {"about.txt": "We sell garden gnomes since 1999.", "docs/readme.txt": "Read me first."}
DB = sqlite3.connect(":memory:", check_same_thread=False)
DB_LOCK = threading.Lock()
DB.executescript(
    """
    CREATE TABLE products(id INTEGER PRIMARY KEY, name TEXT, price REAL);
    INSERT INTO products VALUES (1,'Garden gnome',19.9),(2,'Bird house',34.5),(3,'Watering can',12);
    CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT, password TEXT, bio TEXT);
    INSERT INTO users VALUES (1,'alice','wonderland','Likes gnomes'),(2,'bob','builder','Builds houses');
    CREATE TABLE visits(agent TEXT);
    CREATE TABLE langs(code TEXT, label TEXT);
    INSERT INTO langs VALUES ('en','English'),('de','Deutsch');
    """
)
# The news site's visitor table lives in a database of its own that knows MySQL's SLEEP(), as a
# MySQL-backed page would: its injection can only be seen by timing. A lock of its own, so a
# sleeping query holds up no other page.
# /report's profiles sit in another one, so that neither page ever waits for the other.
NEWS_DB = {
    "/news": (sqlite3.connect(":memory:", check_same_thread=False), threading.Lock()),
    "/report": (sqlite3.connect(":memory:", check_same_thread=False), threading.Lock()),
}
NEWS_DB["/news"][0].create_function("sleep", 1, lambda s: (time.sleep(min(max(float(s or 0), 0), 5)), 0)[1])
NEWS_DB["/news"][0].execute("CREATE TABLE visitors(token TEXT PRIMARY KEY, visits INTEGER)")
NEWS_DB["/report"][0].execute("CREATE TABLE profiles(token TEXT PRIMARY KEY, report TEXT)")
SHOP_JS = """// The shop's front-end: the endpoints below are named nowhere else.
function loadItem(id) {
  return fetch('/api/items?id=' + encodeURIComponent(id)).then(r => r.json());
}
function search(q) {
  return fetch('/api/search', {method: 'POST', headers: {'Content-Type': 'application/json'},
               body: JSON.stringify({q: q, limit: 10})}).then(r => r.json());
}
function tags(name) {
  var xhr = new XMLHttpRequest();
  xhr.open('GET', '/api/tags?name=garden');
  xhr.send();
}
loadItem(1);
"""
LOG = os.environ.get("VULNAPP_LOG")
LOG_LOCK = threading.Lock()
SESSIONS = set()
GUESTBOOK = []
NOTES = []


def xml_text(data, external):
    """The text of an XML document. `external`: the parser reads external entities (file:// URLs
    included) — the XXE bug; internal entities are expanded either way, as expat does."""

    class Text(xml.sax.handler.ContentHandler):
        def __init__(self):
            super().__init__()
            self.parts = []

        def characters(self, content):
            self.parts.append(content)

    handler = Text()
    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_external_ges, external)
    parser.setContentHandler(handler)
    parser.parse(io.BytesIO(data.encode("utf-8")))
    return "".join(handler.parts)


def bounded_sleep(seconds):
    time.sleep(min(max(float(seconds or 0), 0), 5))


class TimeOnly:
    """The `time` module as /calc's eval and /restore's unpickler see it: sleep (bounded), nothing
    else — the bug pattern is reproduced without handing out a real code runner on 127.0.0.1."""

    sleep = staticmethod(bounded_sleep)


def only_time(name, *args, **kwargs):
    if name != "time":
        raise ImportError(name)
    return TimeOnly


class SleepOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == ("time", "sleep"):
            return bounded_sleep
        raise pickle.UnpicklingError("%s.%s not allowed" % (module, name))


def page(title, body):
    return (
        "<!doctype html><html><head><title>%s</title></head><body><h1>%s</h1>%s"
        '<p><a href="/">home</a></p></body></html>' % (title, title, body)
    )


INDEX = page(
    "Gnome shop",
    """<ul>
<li><a href="/product?id=1">Garden gnome</a> <a href="/item?id=2">Bird house (safe)</a></li>
<li><a href="/user?name=alice">alice</a> <a href="/member?name=bob">bob (safe)</a></li>
<li><a href="/catalog?q=gnome">catalog</a> <a href="/shelf?q=gnome">shelf (safe)</a></li>
<li><a href="/stats">visitor stats</a> <a href="/welcome">welcome (safe)</a></li>
<li><a href="/prefs">preferences</a> <a href="/style">style (safe)</a> <a href="/cart">cart</a></li>
<li><a href="/search?q=gnome">search</a> <a href="/find?q=gnome">find (safe)</a></li>
<li><a href="/greet?name=visitor">greet</a> <a href="/hello?name=visitor">hello (safe)</a></li>
<li><a href="/view?file=about.txt">about</a> <a href="/doc?page=about.txt">doc (safe)</a></li>
<li><a href="/download?path=/etc/passwd">download the users list</a></li>
<li><a href="/ping?host=localhost">ping</a> <a href="/lookup?host=localhost">lookup (safe)</a></li>
<li><a href="/go?url=/">go home</a> <a href="/next?url=/">next (safe)</a></li>
<li><a href="/lang?set=en">English</a> <a href="/theme?set=dark">dark theme (safe)</a></li>
<li><a href="/render?tpl=Hello">render</a></li>
<li><a href="/import">import an order (XML)</a> <a href="/orders">orders</a></li>
<li><a href="/api/stock?callback=show">stock (JSONP)</a> <a href="/api/price?callback=show">price (JSONP, safe)</a></li>
<li><a href="/guestbook">guestbook</a> <a href="/entries">entries</a> <a href="/notes">notes (safe)</a></li>
<li><a href="/login">login</a> <a href="/account">my account</a></li>
<li><a href="/news">news</a> <a href="/report">my report (safe)</a> <a href="/shop">shop (script)</a></li>
<li><a href="/calc?expr=6*7">calculator</a> <a href="/compute?expr=6*7">compute (safe)</a></li>
<li><a href="/restore?state=N.">restore</a> <a href="/archive?state=e30=">archive (safe)</a></li>
<li><a href="/comment?text=hello">comment</a> <a href="/feedback?text=hello">feedback (safe)</a></li>
</ul>""",
)


class Handler(BaseHTTPRequestHandler):
    server_version = "GnomeShop/1.0"
    protocol_version = "HTTP/1.0"

    def log_message(self, fmt, *args):
        pass

    def log_request(self, code="-", size="-"):
        # One line per request when VULNAPP_LOG names a file: bench/scan.sh counts requests.
        if LOG:
            with LOG_LOCK, open(LOG, "a") as f:
                # The cookie of the time-based pages too: tests check what reached them.
                extra = ""
                if self.path in ("/news", "/report") and self.headers.get("Cookie"):
                    extra = " cookie=" + self.headers.get("Cookie")[:200]
                f.write("%s %s%s\n" % (self.command, self.path[:200], extra))

    def reply(self, status, body, headers=()):
        data = body.encode("utf-8", "replace")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def json(self, status, obj):
        return self.raw(status, "application/json", json.dumps(obj).encode())

    def raw(self, status, ctype, data):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def news(self, path):
        """/news counts visits by the `visitor` cookie, spliced into SQL (errors swallowed, the
        count never shown: blind). /report looks the `profile` cookie up parameterised, and
        builds a new report — slowly — for a profile it does not know."""
        cname, table = ("visitor", "visitors") if path == "/news" else ("profile", "profiles")
        token = self.cookie(cname)
        headers = []
        db, lock = NEWS_DB[path]
        with lock:
            if token is None:
                token = os.urandom(8).hex()
                db.execute("INSERT INTO %s VALUES (?, 0)" % table, (token,))
                headers.append(("Set-Cookie", "%s=%s; HttpOnly" % (cname, token)))
        if path == "/news":
            try:
                with lock:
                    db.execute("SELECT visits FROM visitors WHERE token = '%s'" % token).fetchall()
            except sqlite3.Error:
                pass
            body = "<p>Gnome of the month: the reading gnome.</p>"
        else:
            with lock:
                known = db.execute("SELECT report FROM profiles WHERE token = ?", (token,)).fetchall()
            if not known:
                time.sleep(2.2)
            body = "<p>Your report is ready.</p>"
        return self.reply(200, page(path[1:].title(), body), headers)

    def query(self):
        u = urllib.parse.urlsplit(self.path)
        return u.path, {k: v[0] for k, v in urllib.parse.parse_qs(u.query, keep_blank_values=True).items()}

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(n, 65536)).decode("utf-8", "replace")

    def form(self, raw):
        return {k: v[0] for k, v in urllib.parse.parse_qs(raw, keep_blank_values=True).items()}

    def cookie(self, name):
        for part in (self.headers.get("Cookie") or "").split(";"):
            k, _, v = part.strip().partition("=")
            if k == name:
                return v
        return None

    def session(self):
        for part in (self.headers.get("Cookie") or "").split(";"):
            k, _, v = part.strip().partition("=")
            if k == "sid" and v in SESSIONS:
                return v
        return None

    def sql(self, q, args=()):
        with DB_LOCK:
            return DB.execute(q, args).fetchall()

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path, q = self.query()
        try:
            self.route_get(path, q)
        except sqlite3.Error as e:
            # The classic leak: the database error in the page.
            self.reply(500, page("Error", "<pre>sqlite3.OperationalError: %s</pre>" % html.escape(str(e))))

    def route_get(self, path, q):
        if path == "/":
            return self.reply(200, INDEX)
        if path == "/product":
            # Numeric context, no quotes: boolean-based; errors are hidden.
            try:
                rows = self.sql("SELECT name, price FROM products WHERE id = " + q.get("id", "1"))
            except sqlite3.Error:
                return self.reply(200, page("Product", "<p>No such product.</p>"))
            if not rows:
                return self.reply(200, page("Product", "<p>No such product.</p>"))
            return self.reply(200, page("Product", "".join("<p>%s costs %.2f</p>" % r for r in rows)))
        if path == "/item":
            try:
                rows = self.sql("SELECT name, price FROM products WHERE id = ?", (int(q.get("id", "1")),))
            except ValueError:
                rows = []
            body = "".join("<p>%s costs %.2f</p>" % r for r in rows) or "<p>No such product.</p>"
            return self.reply(200, page("Item", body))
        if path == "/user":
            rows = self.sql("SELECT name, bio FROM users WHERE name = '%s'" % q.get("name", ""))
            return self.reply(200, page("User", "".join("<p>%s: %s</p>" % r for r in rows) or "<p>nobody</p>"))
        if path == "/member":
            rows = self.sql("SELECT name, bio FROM users WHERE name = ?", (q.get("name", ""),))
            body = "".join("<p>%s: %s</p>" % tuple(map(html.escape, r)) for r in rows) or "<p>nobody</p>"
            return self.reply(200, page("Member", body))
        if path in ("/catalog", "/shelf"):
            # A "recently viewed" list that changes on every answer: boolean comparisons cannot
            # work, errors are hidden; only a UNION shows the catalog query is injectable.
            recent = "".join("<li>%s</li>" % os.urandom(4).hex() for _ in range(6))
            term = q.get("q", "")
            try:
                if path == "/catalog":
                    rows = self.sql("SELECT name, price FROM products WHERE name LIKE '%%%s%%'" % term)
                else:
                    rows = self.sql("SELECT name, price FROM products WHERE name LIKE ?", ("%" + term + "%",))
            except sqlite3.Error:
                rows = []
            found = "".join("<p>%s: %s</p>" % (html.escape(str(n)), html.escape(str(p))) for n, p in rows)
            return self.reply(
                200,
                page(
                    path[1:].title(),
                    "<p>Results for %s</p>%s<ul>%s</ul>" % (html.escape(term), found or "<p>none</p>", recent),
                ),
            )
        if path == "/import":
            return self.reply(
                200,
                page(
                    "Import",
                    '<form method="post" action="/import"><textarea name="xml">'
                    "&lt;order&gt;&lt;item&gt;gnome&lt;/item&gt;&lt;/order&gt;</textarea>"
                    '<input type="submit" value="Import"></form>',
                ),
            )
        if path == "/orders":
            return self.reply(
                200,
                page(
                    "Orders",
                    """<button onclick="order()">order</button><button onclick="quote()">quote</button>
<script>
function order() {
  fetch("/api/order", {method: "POST", headers: {"Content-Type": "application/xml"},
        body: "<order><item>gnome</item></order>"});
}
function quote() {
  fetch("/api/quote", {method: "POST", headers: {"Content-Type": "application/xml"},
        body: "<quote><item>gnome</item></quote>"});
}
</script>""",
                ),
            )
        if path == "/stats":
            # Counts visits by browser: the User-Agent goes into SQL as text (errors leak).
            agent = self.headers.get("User-Agent", "")
            n = self.sql("SELECT COUNT(*) FROM visits WHERE agent = '%s'" % agent)[0][0]
            return self.reply(200, page("Stats", "<p>%d earlier visits with your browser</p>" % n))
        if path == "/welcome":
            agent = self.headers.get("User-Agent", "")
            n = self.sql("SELECT COUNT(*) FROM visits WHERE agent = ?", (agent,))[0][0]
            return self.reply(200, page("Welcome", "<p>You use %s (%d visits)</p>" % (html.escape(agent), n)))
        if path in ("/prefs", "/style"):
            # /prefs: the language cookie goes into SQL as text, errors hidden (boolean-based);
            # /style: the style cookie is looked up parameterised.
            cname, default = ("lang", "en") if path == "/prefs" else ("style", "plain")
            value = self.cookie(cname)
            headers = [] if value is not None else [("Set-Cookie", "%s=%s" % (cname, default))]
            value = value or default
            try:
                if path == "/prefs":
                    rows = self.sql("SELECT label FROM langs WHERE code = '%s'" % value)
                else:
                    rows = self.sql("SELECT label FROM langs WHERE code = ?", (value,))
            except sqlite3.Error:
                rows = []
            if rows:
                body = "<p>Your language: %s</p><p>Prices in EUR, sizes in cm, shipping to Europe.</p>" % html.escape(rows[0][0])
            else:
                body = "<p>Choose a language:</p><ul><li>English (en)</li><li>Deutsch (de)</li></ul>"

            return self.reply(200, page(path[1:].title(), body), headers)
        if path == "/cart":
            return self.reply(
                200,
                page(
                    "Cart",
                    """<button onclick="add()">add</button><button onclick="wish()">wish</button>
<script>
function add() {
  fetch("/api/cart", {method: "POST", headers: {"Content-Type": "application/json"},
        body: JSON.stringify({item: "Garden gnome", qty: 1})});
}
function wish() {
  fetch("/api/wish", {method: "POST", headers: {"Content-Type": "application/json"},
        body: JSON.stringify({item: "Garden gnome"})});
}
</script>""",
                ),
            )
        if path in ("/news", "/report"):
            return self.news(path)
        if path == "/shop":
            return self.reply(200, page("Shop", '<div id="items"></div><script src="/static/shop.js"></script>'))
        if path == "/static/shop.js":
            return self.raw(200, "application/javascript", SHOP_JS.encode())
        if path in ("/api/items", "/api/tags"):
            try:
                if path == "/api/items":
                    rows = self.sql("SELECT name, price FROM products WHERE id = " + q.get("id", "1"))
                else:
                    rows = self.sql("SELECT name, price FROM products WHERE name LIKE ?", ("%" + q.get("name", "") + "%",))
            except sqlite3.Error as e:
                return self.json(500, {"error": "sqlite3.OperationalError: %s" % e})
            return self.json(200, {"items": [list(r) for r in rows]})
        if path == "/calc":
            # Code injection: the expression is evaluated (builtins cut down to chr and a time
            # module that can only sleep); errors hidden, the result escaped: blind.
            try:
                val = eval(q.get("expr", ""), {"__builtins__": {"__import__": only_time, "chr": chr}}, {})
            except Exception:
                val = "cannot compute"
            return self.reply(200, page("Calc", "<p>%s</p>" % html.escape(str(val))))
        if path == "/compute":
            # The trap: a tarpit that stalls any value mentioning sleep; evaluates nothing.
            expr = q.get("expr", "")
            if "sleep" in expr.lower():
                time.sleep(2.2)
            return self.reply(200, page("Compute", "<p>%d characters received</p>" % len(expr)))
        if path == "/restore":
            # Deserialization: the state is unpickled (only time.sleep can be named).
            try:
                SleepOnlyUnpickler(io.BytesIO(q.get("state", "").encode("utf-8"))).load()
                msg = "state restored"
            except Exception:
                msg = "state could not be restored"
            return self.reply(200, page("Restore", "<p>%s</p>" % msg))
        if path == "/archive":
            # The trap: slow for any long value (it "compresses" it), safe otherwise.
            state = q.get("state", "")
            if len(state) > 100:
                time.sleep(2.2)
            return self.reply(200, page("Archive", "<p>%d characters archived</p>" % len(state)))
        if path in ("/comment", "/feedback"):
            # /comment splices the text into an INSERT (a fresh SQLite database per request, as
            # vulnpy's routes do); errors are swallowed and SQLite has no sleep: only a heavy
            # query shows it. /feedback binds the text.
            text = q.get("text", "")
            db = sqlite3.connect(":memory:")
            try:
                db.execute("CREATE TABLE comments(text TEXT, stars INTEGER)")
                if path == "/comment":
                    db.execute("INSERT INTO comments VALUES ('%s', 1)" % text)
                else:
                    db.execute("INSERT INTO comments VALUES (?, 1)", (text,))
            except sqlite3.Error:
                pass
            finally:
                db.close()
            return self.reply(200, page(path[1:].title(), "<p>Thank you for your %s.</p>" % path[1:]))
        if path == "/search":
            return self.reply(200, page("Search", "<p>Results for %s: none</p>" % q.get("q", "")))
        if path == "/find":
            return self.reply(200, page("Find", "<p>Results for %s: none</p>" % html.escape(q.get("q", ""))))
        if path == "/greet":
            return self.reply(200, page("Greet", '<input name="who" value="%s">' % q.get("name", "")))
        if path == "/hello":
            v = html.escape(q.get("name", ""), quote=True)
            return self.reply(200, page("Hello", '<input name="who" value="%s"><!-- %s -->' % (v, v)))
        if path == "/view":
            name = q.get("file", "about.txt")
            if name in FILES:
                return self.reply(200, page("View", "<pre>%s</pre>" % FILES[name]))
            try:
                with open(os.path.join("/usr/share", name), errors="replace") as f:
                    return self.reply(200, page("View", "<pre>%s</pre>" % html.escape(f.read(4096))))
            except OSError:
                return self.reply(404, page("View", "<p>no such file</p>"))
        if path == "/download":
            try:
                with open(q.get("path", ""), errors="replace") as f:
                    return self.reply(200, f.read(4096), [("Content-Disposition", "attachment")])
            except OSError:
                return self.reply(404, page("Download", "<p>no such file</p>"))
        if path == "/doc":
            name = os.path.basename(q.get("page", "about.txt"))
            return self.reply(200, page("Doc", "<pre>%s</pre>" % html.escape(FILES.get(name, "no such page"))))
        if path == "/ping":
            out = subprocess.run(
                "echo pinging " + q.get("host", ""), shell=True, capture_output=True, text=True, timeout=5
            ).stdout
            return self.reply(200, page("Ping", "<pre>%s</pre>" % html.escape(out)))
        if path == "/lookup":
            out = subprocess.run(
                "echo looking up " + shlex.quote(q.get("host", "")), shell=True, capture_output=True, text=True, timeout=5
            ).stdout
            return self.reply(200, page("Lookup", "<pre>%s</pre>" % html.escape(out)))
        if path == "/go":
            return self.reply(302, page("Moved", "<p>moved</p>"), [("Location", q.get("url", "/"))])
        if path == "/next":
            u = q.get("url", "/")
            if not u.startswith("/") or u.startswith("//") or "\r" in u or "\n" in u:
                u = "/"
            return self.reply(302, page("Moved", "<p>moved</p>"), [("Location", u)])
        if path == "/lang":
            return self.reply(200, page("Language", "<p>language set</p>"), [("Content-Language", q.get("set", "en"))])
        if path == "/theme":
            v = q.get("set", "dark").replace("\r", "").replace("\n", "")
            return self.reply(200, page("Theme", "<p>theme set</p>"), [("X-Theme", urllib.parse.quote(v))])
        if path == "/render":
            tpl = q.get("tpl", "")
            out = []
            rest = tpl
            while "{{" in rest and "}}" in rest.split("{{", 1)[1]:
                before, after = rest.split("{{", 1)
                expr, rest = after.split("}}", 1)
                try:
                    val = str(eval(expr, {"__builtins__": {}}, {}))  # the template-injection bug
                except Exception:
                    val = ""
                out.append(html.escape(before) + html.escape(val))
            out.append(html.escape(rest))
            return self.reply(200, page("Render", "<p>%s</p>" % "".join(out)))
        if path in ("/api/stock", "/api/price"):
            cb = q.get("callback", "show")
            if path == "/api/price" and not re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$.]{0,63}", cb):
                cb = "show"
            data = ('%s({"gnomes": 12});' % cb).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/javascript")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        if path == "/guestbook":
            return self.reply(
                200,
                page(
                    "Guestbook",
                    '<form method="post" action="/guestbook"><input name="author" value="">'
                    '<textarea name="comment"></textarea><input type="submit" value="Sign"></form>',
                ),
            )
        if path == "/entries":
            return self.reply(200, page("Entries", "".join("<div class=entry>%s</div>" % c for c in GUESTBOOK[-50:])))
        if path == "/notes":
            body = '<form method="post" action="/notes"><input name="note" value=""><input type="submit" value="Add"></form>'
            body += "".join("<div class=note>%s</div>" % html.escape(n) for n in NOTES[-50:])
            return self.reply(200, page("Notes", body))
        if path in ("/account", "/account/settings", "/expire"):
            # Pages of a logged-in user; /expire ends the session on the server side only (as a
            # timeout would), so the next account page redirects to /login.
            if self.session() is None:
                return self.reply(302, page("Login needed", "<p>log in</p>"), [("Location", "/login")])
            if path == "/expire":
                SESSIONS.discard(self.session())
                return self.reply(200, page("Expired", '<a href="/account/settings">settings</a>'))
            if path == "/account":
                return self.reply(200, page("Account", '<a href="/expire">expire</a>'))
            return self.reply(
                200,
                page(
                    "Settings",
                    '<form method="post" action="/account/settings"><textarea name="bio"></textarea>'
                    '<input type="submit" value="Save"></form>',
                ),
            )
        if path == "/fixlogin":
            # Session fixation: the identifier handed out before the login stays the session.
            headers = []
            if "fsid=" not in (self.headers.get("Cookie") or ""):
                headers.append(("Set-Cookie", "fsid=%s; HttpOnly" % os.urandom(12).hex()))
            return self.reply(
                200,
                page(
                    "Login (old)",
                    '<form method="post" action="/fixlogin"><input name="username">'
                    '<input type="password" name="password"><input type="submit" value="Log in"></form>',
                ),
                headers,
            )
        if path == "/login":
            return self.reply(
                200,
                page(
                    "Login",
                    '<form method="post" action="/login"><input name="username">'
                    '<input type="password" name="password"><input type="submit" value="Log in"></form>',
                ),
            )
        return self.reply(404, page("Not found", "<p>no such page</p>"))

    def do_POST(self):
        path, _ = self.query()
        raw = self.body()
        f = self.form(raw)
        try:
            if path in ("/import", "/api/order"):
                # /import reads external entities (the XXE bug); /api/order only expands
                # internal ones (DTDs on: billion laughs).
                data = f.get("xml", "") if path == "/import" else raw
                try:
                    text = xml_text(data, external=path == "/import")
                except Exception as e:
                    return self.reply(400, page("Import", "<p>bad XML: %s</p>" % html.escape(str(e))))
                return self.reply(200, page("Imported", "<pre>%s</pre>" % html.escape(text)))
            if path == "/api/search":
                try:
                    data = json.loads(raw or "{}")
                    rows = self.sql("SELECT name, price FROM products WHERE name LIKE '%%%s%%'" % data.get("q", ""))
                except ValueError:
                    return self.json(400, {"error": "bad JSON"})
                except sqlite3.Error as e:
                    return self.json(500, {"error": "sqlite3.OperationalError: %s" % e})
                return self.json(200, {"items": [list(r) for r in rows]})
            if path in ("/api/cart", "/api/wish"):
                try:
                    data = json.loads(raw or "{}")
                except ValueError:
                    return self.reply(400, page("Cart", "<p>bad JSON</p>"))
                item = str(data.get("item", ""))
                if path == "/api/cart":
                    rows = self.sql("SELECT name, price FROM products WHERE name = '%s'" % item)
                else:
                    rows = self.sql("SELECT name, price FROM products WHERE name = ?", (item,))
                return self.reply(200, json.dumps({"found": [list(r) for r in rows]}))
            if path == "/api/quote":
                # The safe way: no DTD accepted at all; the document is echoed, escaped.
                if "<!DOCTYPE" in raw.upper() or "<!ENTITY" in raw.upper():
                    return self.reply(400, page("Quote", "<p>DTDs are not accepted: %s</p>" % html.escape(raw)))
                return self.reply(200, page("Quote", "<pre>%s</pre>" % html.escape(raw)))
            if path == "/guestbook":
                GUESTBOOK.append("<b>%s</b>: %s" % (html.escape(f.get("author", "")), f.get("comment", "")))
                del GUESTBOOK[:-200]
                return self.reply(303, page("Thanks", "<p>thanks</p>"), [("Location", "/entries")])
            if path == "/fixlogin":
                ok = self.sql(
                    "SELECT name FROM users WHERE name = ? AND password = ?", (f.get("username", ""), f.get("password", ""))
                )
                if ok:
                    return self.reply(303, page("Welcome", "<p>welcome</p>"), [("Location", "/")])
                return self.reply(200, page("Login (old)", "<p>wrong user name or password</p>"))
            if path == "/account/settings":
                return self.reply(303, page("Saved", "<p>saved</p>"), [("Location", "/account")])
            if path == "/notes":
                NOTES.append(f.get("note", ""))
                del NOTES[:-200]
                return self.reply(303, page("Thanks", "<p>thanks</p>"), [("Location", "/notes")])
            if path == "/login":
                rows = self.sql(
                    "SELECT name FROM users WHERE name = '%s' AND password = '%s'"
                    % (f.get("username", ""), f.get("password", ""))
                )
                if rows:
                    sid = os.urandom(12).hex()
                    SESSIONS.add(sid)
                    return self.reply(
                        303, page("Welcome", "<p>welcome back</p>"), [("Location", "/account"), ("Set-Cookie", "sid=%s; HttpOnly" % sid)]
                    )
                return self.reply(200, page("Login", "<p>wrong user name or password</p>"))
        except sqlite3.Error as e:
            return self.reply(500, page("Error", "<pre>sqlite3.OperationalError: %s</pre>" % html.escape(str(e))))
        return self.reply(404, page("Not found", "<p>no such page</p>"))


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8480
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
