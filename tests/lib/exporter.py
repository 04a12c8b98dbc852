# A Prometheus exporter stand-in for the end-to-end scripts (Python stdlib):
#   python3 tests/lib/exporter.py PORT SERIES_FILE VALUE_FILE
# serves GET /-/ready ("ok", what lib/prometheus.sh's start_ready waits for) and, at any other path,
# the exposition text in SERIES_FILE with every "{value}" replaced by VALUE_FILE's content (white
# space stripped). Both files are read again at every scrape: a script changes a series by writing
# VALUE_FILE (`echo 95 >"$TMP/value"`; read empty mid-write, the last value is served). Loopback
# only; no access log.
import sys

from exporter_http import serve

port, series_file, value_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
# The last value read: `echo 95 >FILE` truncates before it writes, and a scrape in between would
# read "" and serve a sample with no value (Prometheus fails the whole scrape and marks every
# series stale); an empty read serves the last value instead (review RV-RR).
last_value = ""


def body():
    global last_value
    value = open(value_file).read().strip() or last_value
    last_value = value
    return open(series_file).read().replace("{value}", value)


serve(port, body)
