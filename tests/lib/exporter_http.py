# The HTTP side of the exporter stand-ins (tests/lib/exporter.py, tests/lib/day_one_exporter.py):
#   serve(port, body)   answers GET /-/ready with "ok" (what lib/prometheus.sh's start_ready waits
# for) and any other path with body() (exposition text, a str) as Prometheus's text format, on
# loopback, without an access log; never returns.
import http.server


def serve(port, body):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            text = b"ok\n" if self.path == "/-/ready" else body().encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)

        def log_message(self, *args):
            pass

    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
