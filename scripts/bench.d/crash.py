#!/usr/bin/env python3
"""Kill -9 while staff save: is any acknowledged save lost, is the database intact?

A measurement, not a test (docs/reliability.md): it starts `hyoka serve --demo`
on a named database, lets several editors save their sheets in a loop (each
save writes a fresh token into a narrative field), kills the server with
SIGKILL at a random moment, restarts it, and checks that the last save each
editor was told succeeded (HTTP 303 after POST) is on the sheet's page (or a
later save that was sent but cut off after its commit). On
SQLite it also runs `PRAGMA integrity_check` after every kill.

    python3 scripts/bench.d/crash.py --hyoka target/release/hyoka \
        [--database sqlite:///tmp/crash.db | postgres://…] [--cycles 20]

Only the standard library: urllib with a cookie jar, html.parser for forms.
"""

import argparse
import http.cookiejar
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser


class FormParser(HTMLParser):
    """The fields of the form with id `form_id`, as a browser would send them."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.action = form_id, False, None
        self.fields, self.textarea, self.select = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside, self.action = True, a.get("action")
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append([a["name"], a.get("value", "")])
        elif tag == "textarea" and a.get("name"):
            self.textarea = [a["name"], ""]
            self.fields.append(self.textarea)
        elif tag == "select" and a.get("name"):
            self.select = [a["name"], None]
            self.fields.append(self.select)
        elif tag == "option" and self.select is not None:
            if self.select[1] is None or "selected" in a:
                self.select[1] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select is not None:
            self.select[1] = self.select[1] or ""
            self.select = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body)
        try:
            with self.opener.open(req, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    def form(self, path, form_id):
        status, html = self.request(path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status}")
        p = FormParser(form_id)
        p.feed(html)
        if p.action is None:
            raise RuntimeError(f"no form #{form_id} on {path}")
        return p.action, p.fields

    def sign_in(self, login, password):
        _, html = self.request("/login")
        token = re.search(r'name="_csrf" value="([^"]+)"', html)
        fields = {"login": login, "password": password, "_csrf": token.group(1) if token else ""}
        status, _ = self.request("/login", fields)
        if status not in (302, 303):
            raise RuntimeError(f"sign-in of {login}: {status}")


class Server:
    def __init__(self, hyoka, database, port):
        self.cmd = [hyoka, "--database", database, "serve", "--demo", "--bind", f"127.0.0.1:{port}"]
        self.base = f"http://127.0.0.1:{port}"
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        deadline = time.time() + 600
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.base + "/login", timeout=2).read()
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        raise RuntimeError("the server did not come up")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hyoka", required=True)
    ap.add_argument("--database", default="sqlite:///tmp/hyoka-crash.db")
    ap.add_argument("--cycles", type=int, default=20)
    ap.add_argument("--port", type=int, default=18089)
    args = ap.parse_args()
    if args.database.startswith("sqlite://"):
        path = args.database[len("sqlite://"):]
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    server = Server(args.hyoka, args.database, args.port)
    server.start()
    # The demo prints each account with its password the first time.
    time.sleep(1)
    os.set_blocking(server.proc.stdout.fileno(), False)
    out = server.proc.stdout.read() or ""
    accounts = dict(re.findall(r"^\s+(\S+-editor)\s+(\S+)\s", out, re.M))
    if not accounts:
        sys.exit("no editor accounts in the demo's output:\n" + out[:2000])

    # Each editor: its first editable sheet and a narrative field in it.
    editors = []
    for login, password in sorted(accounts.items()):
        c = Client(server.base)
        c.sign_in(login, password)
        _, home = c.request("/staff")
        for href in re.findall(r'href="(/m/\d+/sheets/\d+/\d+)"', home):
            try:
                action, fields = c.form(href + "/edit", "sheet-form")
            except RuntimeError:
                continue
            names = [n for n, _ in fields if re.match(r"^n\.", n)]
            if names:
                editors.append({"login": login, "password": password, "client": c, "sheet": href,
                                "field": names[0], "acked": None, "after": [], "saves": 0, "refused": 0, "errors": 0})
                break
    if not editors:
        sys.exit("no editable sheet with a narrative field found")

    stop = threading.Event()

    def writer(e):
        n = 0
        while not stop.is_set():
            n += 1
            token = f"crash-{e['login']}-{n}-{random.randrange(10**9)}"
            try:
                action, fields = e["client"].form(e["sheet"] + "/edit", "sheet-form")
                data = [(k, token if k == e["field"] else v) for k, v in fields]
                # Sent but not yet answered: the kill may land after the
                # commit and before the answer, so it may be what is stored.
                e["after"].append(token)
                status, _ = e["client"].request(action, data)
            except Exception:  # the server is down: try again
                e["errors"] += 1
                time.sleep(0.05)
                continue
            if status in (302, 303):
                e["acked"], e["after"], e["saves"] = token, [], e["saves"] + 1
            elif status in (401, 403):
                try:
                    e["client"].sign_in(e["login"], e["password"])
                except Exception:
                    time.sleep(0.05)
            else:
                e["refused"] += 1

    lost, corrupt = 0, 0
    for cycle in range(1, args.cycles + 1):
        stop.clear()
        threads = [threading.Thread(target=writer, args=(e,)) for e in editors]
        for t in threads:
            t.start()
        time.sleep(random.uniform(0.5, 2.5))
        server.kill()
        stop.set()
        for t in threads:
            t.join()
        if args.database.startswith("sqlite://"):
            db = sqlite3.connect(args.database[len("sqlite://"):])
            ok = db.execute("PRAGMA integrity_check").fetchone()[0]
            db.close()
            if ok != "ok":
                corrupt += 1
                print(f"cycle {cycle}: integrity_check: {ok}")
        server.start()
        for e in editors:
            if e["acked"] is None:
                continue
            e["client"].sign_in(e["login"], e["password"])
            status, page = e["client"].request(e["sheet"])
            # The acknowledged save, or a later one the kill cut off after
            # its commit, must be there.
            if not any(t in page for t in [e["acked"], *e["after"]]):
                lost += 1
                print(f"cycle {cycle}: LOST {e['login']} {e['acked']} (status {status})")
        saves = sum(e["saves"] for e in editors)
        print(f"cycle {cycle}/{args.cycles}: {saves} acknowledged saves so far, lost {lost}, corrupt {corrupt}")
    server.kill()
    refused = sum(e["refused"] for e in editors)
    print(f"RESULT cycles={args.cycles} editors={len(editors)} acknowledged_saves={sum(e['saves'] for e in editors)} "
          f"refused={refused} lost={lost} corrupt={corrupt}")
    sys.exit(1 if lost or corrupt else 0)


if __name__ == "__main__":
    main()
