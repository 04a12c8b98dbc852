#!/usr/bin/env python3
"""A webhook receiver for e2e tests: saves each POST body it gets, answers 200.

Usage: webhook_capture.py PORT_FILE OUT_DIR
Binds 127.0.0.1 on a free port, writes the port to PORT_FILE once listening, and writes the body of
the n-th POST (n from 1) to OUT_DIR/n.json (through a temp file and a rename, so a reader never
sees half a body). Python stdlib only; runs until killed.
"""
import http.server
import os
import sys

port_file, out_dir = sys.argv[1], sys.argv[2]
count = 0


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        count += 1
        tmp = os.path.join(out_dir, f".{count}.tmp")
        with open(tmp, "wb") as f:
            f.write(body)
        os.rename(tmp, os.path.join(out_dir, f"{count}.json"))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
