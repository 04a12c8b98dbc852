#!/usr/bin/env bash
# End-to-end: numbers and bytes no parser expects, in every place a case carries untrusted text
# (log lines, log source names, alert and metric labels, probe reasons, topology), must not cost
# the diagnosis (issue 7, "Bad input"). From tests/data/diagnose_garbage/{base.json,garbage.json}
# it builds one case per garbage entry on top of the base (a real Xid 79 on node-3/gpu5 behind
# NCCL timeouts), plus seeded binary junk, runs `vigil diagnose --case F --json` on each and
# checks: exit 0, a JSON diagnosis whose root cause is a taxonomy category or `unknown`, evidence
# with sources, and, where the garbage sits in a log source of its own and names no fault, the
# base's root cause still found. Bad fields of the case format itself (a 2026-99-99 startsAt, a
# 1e999 sample) stay exit 2 with the place named.
# Run by ctest from the repo root as: bash tests/diagnose_garbage_test.sh <build-dir>
set -u
BUILD="${1:-build}"
VIGIL="$BUILD/bin/vigil"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib/check.sh"
DATA=tests/data/diagnose_garbage

/usr/bin/python3 - "$VIGIL" "$DATA" "$TMP" <<'PY' || fail=$((fail + 1))
import concurrent.futures, copy, json, os, random, subprocess, sys
vigil, data, tmp = sys.argv[1:4]
base = json.load(open(data + "/base.json"))
g = json.load(open(data + "/garbage.json"))
os.makedirs(tmp + "/cases")
cases = []  # (name, path, keep: the base's root cause must stay)

def emit(name, case, keep):
    case = copy.deepcopy(case)
    case["id"] = name
    path = f"{tmp}/cases/{name}.json"
    with open(path, "w") as f:
        json.dump(case, f)
    cases.append((name, path, keep))

def with_log(source, lines):
    c = copy.deepcopy(base)
    c["logs"].append({"source": source, "lines": lines})
    return c

# A line naming a fault of its own may move the answer; the others must not.
faulty = ("Xid", "fallen off", "NCCL WARN", "OutOfMemory", "slow", " vs ", "max ", "missing ranks",
          "CollectiveFingerPrint", "expert", "loss", "Watchdog", "timeout", "last enqueued")
for i, line in enumerate(g["lines"]):
    emit(f"line-{i:02d}", with_log("node-4/rank29/stderr", [line]), not any(w in line for w in faulty))
    c = copy.deepcopy(base)  # the same line among the lines that hold the real evidence
    c["logs"][2]["lines"].insert(3, line)
    emit(f"inline-{i:02d}", c, False)
for i, b in enumerate(g["blocks"]):
    emit(f"block-{i}", with_log(b["source"], b["lines"]), False)
for i, s in enumerate(g["sources"]):
    emit(f"source-{i}", with_log(s, ["hello", "[Rank 7] Watchdog caught collective operation timeout: "
                                      "WorkNCCL(SeqNum=41873, OpType=ALLREDUCE) ran for 600012 milliseconds"]), False)
for i, labels in enumerate(g["alert_labels"]):
    c = copy.deepcopy(base)
    c["alert"]["labels"].update(labels)
    emit(f"alert-{i}", c, False)
for i, labels in enumerate(g["metric_labels"]):
    c = copy.deepcopy(base)
    c["metrics"][0]["labels"] = labels
    emit(f"metric-{i}", c, False)
for i, reason in enumerate(g["probe_reasons"]):
    c = copy.deepcopy(base)
    c["probes"]["gpu.inventory@node-3/gpu5"]["reason"] = reason
    emit(f"probe-{i}", c, False)
for i, topo in enumerate(g["topology"]):
    c = copy.deepcopy(base)
    c["topology"] = topo
    emit(f"topology-{i}", c, False)
# Binary junk without NUL (seeded): bytes 1-255 as code points, so the case file is valid JSON.
rng = random.Random(7)
junk = ["".join(chr(rng.randint(1, 255)) for _ in range(rng.randint(1, 300))) for _ in range(40)]
emit("junk-source", with_log("node-4/rank29/stderr", junk), True)
emit("junk-name", with_log("".join(chr(rng.randint(1, 255)) for _ in range(60)), junk[:5]), True)
c = copy.deepcopy(base)
c["logs"][2]["lines"][4:4] = junk[:10]
emit("junk-inline", c, False)
c = copy.deepcopy(base)  # everything at once
c["logs"].append({"source": g["sources"][0], "lines": g["lines"] + junk})
c["logs"] += g["blocks"]
emit("all", c, False)

def diagnose(path):
    p = subprocess.run([vigil, "--log-level", "error", "--data-dir", tmp + "/var", "diagnose", "--case", path,
                        "--json"], capture_output=True, text=True, errors="replace", timeout=120)
    return p.returncode, p.stdout, p.stderr

rc, out, err = diagnose(data + "/base.json")
want = json.loads(out)["root_cause"] if rc == 0 else None
if want != "gpu_fallen_off_bus":
    sys.exit(f"FAIL base case: rc={rc} root_cause {want!r}, want gpu_fallen_off_bus: {err[:300]}")
known = {c["id"] for c in json.load(open("../shared/taxonomy.json"))["categories"]} | {"unknown"}
failed = 0
with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
    results = list(pool.map(lambda c: diagnose(c[1]), cases))
for (name, _, keep), (rc, out, err) in zip(cases, results):
    problem = None
    if rc != 0:
        problem = f"rc={rc}: {err.strip()[:300]}"
    else:
        try:
            d = json.loads(out)
            missing = [k for k in ("root_cause", "component", "confidence", "evidence", "mitigation", "verification")
                       if k not in d]
            if missing:
                problem = f"no {missing}"
            elif d["root_cause"] not in known:
                problem = f"root_cause {d['root_cause']!r} is not a category"
            elif not all(e.get("source") for e in d["evidence"]):
                problem = "evidence without a source"
            elif keep and d["root_cause"] != want:
                problem = f"root_cause {d['root_cause']}, want the base's {want}"
        except ValueError as e:
            problem = f"output is not JSON ({e}): {out[:200]}"
    if problem:
        failed += 1
        print(f"FAIL {name}: {problem}")
print(f"{len(cases)} garbage cases, {len(cases) - failed} diagnosed, {failed} failed")
if len(cases) < 100:
    sys.exit(f"FAIL only {len(cases)} garbage cases were built")
sys.exit(1 if failed else 0)
PY
[ "$fail" = 0 ] && passed=$((passed + 1))

# The case format's own fields are validated, not guessed: exit 2 naming the place.
/usr/bin/python3 - "$DATA/base.json" "$TMP" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["alert"]["startsAt"] = "2026-99-99T12:00:00Z"
json.dump(c, open(sys.argv[2] + "/bad-start.json", "w"))
text = json.dumps(json.load(open(sys.argv[1])), indent=1)
open(sys.argv[2] + "/bad-number.json", "w").write(text.replace('"samples": [', '"samples": [[1e999, 1],', 1))
PY
V=("$VIGIL" --log-level error --data-dir "$TMP/var")
check "startsAt 2026-99-99" 2 'alert\.startsAt' -- "${V[@]}" diagnose --case "$TMP/bad-start.json" --json
check "sample 1e999" 2 "bad-number\.json: line [0-9]+, column [0-9]+: number overflow parsing '1e999'" -- \
  "${V[@]}" diagnose --case "$TMP/bad-number.json" --json

echo "diagnose_garbage_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
