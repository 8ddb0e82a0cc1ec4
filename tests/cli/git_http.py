#!/usr/bin/env python3
"""A git smart-HTTP server on 127.0.0.1 that asks for a token, for the tests
(git's own `git http-backend` behind a small HTTP front).

    git_http.py ROOT TOKEN PORTFILE

Serves the repositories under ROOT.  A request is answered only with
"Authorization: Basic base64(USER:TOKEN)" (any user, as GitHub takes
x-access-token and GitLab gitlab-ci-token); others get 401 with a Basic
challenge.  Every request is logged to stderr as "METHOD PATH STATUS", the
Authorization header never.  Writes the port to PORTFILE once listening.
"""
import base64
import http.server
import os
import socketserver
import subprocess
import sys

ROOT, TOKEN, PORTFILE = sys.argv[1], sys.argv[2], sys.argv[3]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def authorized(self):
        auth = self.headers.get("Authorization", "")
        if not auth.lower().startswith("basic "):
            return None
        try:
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        except ValueError:
            return None
        return user if password == TOKEN else None

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def reply(self, status, headers, data):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        sys.stderr.write("%s %s %d\n" % (self.command, self.path.split("?")[0], status))
        sys.stderr.flush()

    def handle_git(self):
        data = self.body() if self.command == "POST" else b""
        user = self.authorized()
        if user is None:
            self.reply(401, [("WWW-Authenticate", 'Basic realm="git"')], b"no\n")
            return
        path, _, query = self.path.partition("?")
        env = dict(os.environ, GIT_PROJECT_ROOT=ROOT, GIT_HTTP_EXPORT_ALL="1",
                   PATH_INFO=path, QUERY_STRING=query, REQUEST_METHOD=self.command,
                   CONTENT_TYPE=self.headers.get("Content-Type", ""),
                   CONTENT_LENGTH=str(len(data)), REMOTE_USER=user, REMOTE_ADDR="127.0.0.1")
        for k in ("Git-Protocol", "Content-Encoding"):
            if self.headers.get(k):
                env["HTTP_" + k.upper().replace("-", "_")] = self.headers[k]
        out = subprocess.run(["git", "http-backend"], input=data, env=env,
                             capture_output=True).stdout
        head, _, payload = out.partition(b"\r\n\r\n")
        status, headers = 200, []
        for line in head.decode().split("\r\n"):
            k, _, v = line.partition(":")
            if k.lower() == "status":
                status = int(v.split()[0])
            elif k:
                headers.append((k, v.strip()))
        self.reply(status, headers, payload)

    do_GET = do_POST = handle_git


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()
