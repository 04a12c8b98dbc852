#!/usr/bin/env python3
"""A scripted OpenAI-compatible /v1/chat/completions server for end-to-end tests (stdlib only).

Usage: fake_openai_server.py SCRIPT.json PORT_FILE REQUEST_LOG
  SCRIPT.json  a JSON list; each item is the assistant's content (a string) for the next request,
               or {"status": 500, "body": {...}} for an error answer, or {"stall": SECONDS} to hold
               the request that long without a byte of answer (the client's cancel / timeout
               checks; the server answers nothing else meanwhile), then HTTP 500. After the list,
               HTTP 500.
               A request with "stream": true gets the content as server-sent events.
  PORT_FILE    written with the port once listening (the OS picks a free loopback port).
  REQUEST_LOG  every request body and its headers are appended as one JSON line.
Stops on SIGTERM.
"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

script = json.load(open(sys.argv[1]))
port_file, request_log = sys.argv[2], sys.argv[3]
count = 0


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def do_POST(self):
        global count
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8", "replace")
        with open(request_log, "a") as log:
            log.write(json.dumps({"path": self.path, "headers": dict(self.headers), "body": body}) + "\n")
        if count < len(script):
            item = script[count]
        else:
            item = {"status": 500, "body": {"error": {"message": "script exhausted"}}}
        count += 1
        if isinstance(item, dict) and "stall" in item:
            time.sleep(float(item["stall"]))
            item = {"status": 500, "body": {"error": {"message": "stalled"}}}
        if isinstance(item, str) and json.loads(body or "{}").get("stream"):
            # SSE as OpenAI streams it: the content in two deltas, the finish reason, a usage chunk
            # (the client asks for it with stream_options), then [DONE].
            half = len(item) // 2
            chunks = [{"choices": [{"index": 0, "delta": {"role": "assistant", "content": item[:half]}}]},
                      {"choices": [{"index": 0, "delta": {"content": item[half:]}}]},
                      {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
                      {"choices": [], "usage": {"prompt_tokens": 1000, "completion_tokens": 100}}]
            data = "".join("data: %s\n\n" % json.dumps(c) for c in chunks) + "data: [DONE]\n\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Content-Length", str(len(data.encode())))
            self.end_headers()
            self.wfile.write(data.encode())
            return
        if isinstance(item, str):
            status = 200
            answer = {"id": "chatcmpl-%d" % count, "object": "chat.completion", "model": "fake",
                      "choices": [{"index": 0, "message": {"role": "assistant", "content": item},
                                   "finish_reason": "stop"}],
                      "usage": {"prompt_tokens": 1000, "completion_tokens": 100}}
        else:
            status, answer = item["status"], item["body"]
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


server = HTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os  # noqa: E402
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
