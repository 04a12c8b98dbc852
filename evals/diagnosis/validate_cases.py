#!/usr/bin/env python3
"""Checks the diagnosis case sets (stdlib only).

Usage: validate_cases.py [--taxonomy FILE] [--min-dev N] [--min-holdout N] [--min-holdout2 N]
                         [--min-holdout3 N] ... [--min-holdout15 N] [--min-realistic N] [--min-realistic2 N] [--min-realistic3 N] [--min-realistic4 N] [--min-realistic5 N] [--min-realistic6 N] [--min-realistic7 N] [--min-realistic8 N] [--min-realistic9 N] [--min-realistic10 N] [--min-realistic11 N] [--min-realistic12 N] [--min-realistic13 N] [--min-realistic14 N] [--min-realistic15 N] [--min-realistic16 N] [--min-realistic17 N] [--min-realistic18 N] [--min-realistic19 N] [--min-realistic20 N] [--min-realistic21 N] [--min-realistic22 N] [--min-realistic23 N] [--min-realistic24 N] [--min-realistic25 N] [--min-realistic26 N] [--min-realistic27 N] [--min-realistic28 N] [--min-realistic29 N] [--min-realistic30 N] [--min-realistic31 N] [--min-realistic32 N] [--min-realistic33 N] [--min-realistic34 N] [--min-realistic35 N] [--min-realistic36 N] [--min-realistic37 N] [--min-realistic38 N] [--min-realistic39 N] [--min-realistic40 N] [--min-realistic41 N] [--min-realistic42 N] [--min-realistic43 N] [--min-realistic44 N] [--min-realistic45 N] [--min-realistic46 N] [--min-realistic47 N] [--min-realistic48 N] [--min-realistic49 N] [--min-realistic50 N] [--min-realistic51 N] [--min-realistic52 N] [--min-realistic53 N] [--min-realistic54 N] [--min-realistic55 N] [--min-realistic56 N] [--min-realistic57 N] [--min-realistic58 N] [--min-realistic59 N] [--min-realistic60 N] [--min-realistic61 N] [--min-realistic62 N] [--min-realistic63 N] [--min-realistic64 N] [--min-realistic65 N] [--min-realistic66 N] [--min-realistic67 N] [--min-realistic68 N] [--min-realistic69 N] [DIR ...]
Default DIRs: every set of SET_MINIMUMS under evals/diagnosis/ (dev, holdout, holdout2, ...,
holdout15, realistic, realistic2, realistic3, realistic4, realistic5, realistic6, realistic7, realistic8, realistic9, realistic10, realistic11, realistic12, realistic13, realistic14, realistic15, realistic16, realistic17, realistic18, realistic19, realistic20, realistic21, realistic22, realistic23, realistic24, realistic25, realistic26, realistic27, realistic28, realistic29, realistic30, realistic31, realistic32, realistic33, realistic34, realistic35, realistic36, realistic37, realistic38, realistic39, realistic40, realistic41, realistic42, realistic43, realistic44, realistic45, realistic46, realistic47, realistic48, realistic49, realistic50, realistic51, realistic52, realistic53, realistic54, realistic55, realistic56, realistic57, realistic58, realistic59, realistic60, realistic61, realistic62, realistic63, realistic64, realistic65, realistic66, realistic67, realistic68, realistic69; relative to the repo root, the working directory of ctest). Each DIR must cover every
taxonomy category; a DIR named after a set (`dev`, `holdout`, `holdout2`, ...) must hold at least
that set's --min-<set> cases (defaults in SET_MINIMUMS), any other DIR at least one.
A case carries 20-400 log lines and at most 200 KiB, except in the sets of SET_LIMITS (realistic6:
whole-job logs of large jobs, up to 20,000 lines and 1 MiB a case).

Prints one line per problem as `FILE: path.to.field: what is wrong` and exits 1 if there is any,
else prints a per-directory summary and exits 0. Exit 2 for bad usage (missing directory or
taxonomy).
"""

import argparse
import json
import math
import os
import re
import sys

PROBES = {"gpu.inventory", "gpu.health", "gpu.gemm", "gpu.hbm_bandwidth", "gpu.pcie_bandwidth",
          "gpu.sdc", "gpu.kernel_launch", "nccl.allreduce", "nccl.allgather",
          "nccl.reducescatter", "nccl.alltoall", "nccl.sendrecv", "nccl.p2p_matrix",
          "node.kernel_log"}
# Target kinds follow probes/catalog.cc: per-GPU probes (gpu.inventory included) take
# "node/gpuN"; gpu.sdc (a vote among the GPUs of a node) and the NCCL probes take a node or "job".
GPU_PROBES = {p for p in PROBES if p.startswith("gpu.")} - {"gpu.sdc"}
STATUSES = {"pass", "fail", "error", "unavailable"}
MAX_CASE_BYTES = 200 * 1024
# The fields agents/case.cc ParseCase knows (RV9: it refuses any other), by where they sit.
CASE_FIELDS = {
    "": ("id", "alert", "logs", "metrics", "probes", "topology", "expected"),
    "alert": ("labels", "annotations", "startsAt", "endsAt", "status", "generatorURL", "fingerprint", "receiver",
              "alerts", "version", "groupKey", "truncatedAlerts", "groupLabels", "commonLabels",
              "commonAnnotations", "externalURL"),
    "logs": ("source", "lines"),
    "metrics": ("name", "labels", "samples"),
    "expected": ("root_cause", "component"),
}
MAX_CASE_LINES = 400
# Sets whose cases are whole `srun` outputs of jobs with hundreds of ranks: (max lines, max bytes).
SET_LIMITS = {"realistic6": (20000, 1024 * 1024)}
NODE = r"[A-Za-z][A-Za-z0-9_.-]*"
GPU_TARGET = re.compile(r"^%s/gpu\d+$" % NODE)
NODE_TARGET = re.compile(r"^%s$" % NODE)
# Components (the README's "Case format"): "job", a node, a GPU of a node, or a NIC of a node
# ("node-1/mlx5_0"; "node-1/ib3" where the HCA is named mlx5_ib3, as on Azure ND). A node's other parts
# (a local disk, a fan, a power supply) are named by the node.
COMPONENT = re.compile(r"^(job|%s(/(gpu\d+|mlx5_\d+|ib\d+))?)$" % NODE)
# A local disk named as a part ("node-1/nvme1n1", "node-1/sda"): said apart, with the place to use.
DISK_PART = re.compile(r"^(%s)/(nvme\d+(n\d+)?(p\d+)?|sd[a-z]+\d*|vd[a-z]+\d*|md\d+)$" % NODE)
# The NVLink switch side outside the job's nodes when no switch tray is named (NVS2): the rack's NVLink
# domain, "nvlink-domain:RACK", RACK the rack as the compute trays' hostnames spell it ("nvl72-r03" of
# "nvl72-r03-ct07"). A switch tray named by its hostname is a node-kind place listed in
# topology.switch_trays (not in topology.nodes: ranks are laid out over those).
# NVS3: a domain whose compute trays' names show no rack is named by its own identifier: nvidia-smi -q's
# ClusterUUID (8-4-4-4-12 hex digits) or NCCL's MNNVL "fabric UUID HI.LO" words.
DOMAIN_ID_RE = (r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|"
                r"[0-9a-fA-F]{1,16}\.[0-9a-fA-F]{1,16}")
DOMAIN_ID = re.compile(r"^(%s)$" % DOMAIN_ID_RE)
DOMAIN = re.compile(r"^nvlink-domain:(%s|%s)$" % (NODE, DOMAIN_ID_RE))
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def is_int(x):
    return isinstance(x, int) and not isinstance(x, bool)


def load_taxonomy(path):
    with open(path) as f:
        tax = json.load(f)
    return [c["id"] for c in tax["categories"]]


# "+05:30" with two-digit hours and minutes, "+0530", or hours alone ("UTC+1"); "+5:30" and "+05:3"
# are refused, as the reasoner refuses them (RG9).
TIMEZONE = re.compile(r"^(?:UTC|GMT)?(?:Z|([+-])(\d{4}|\d{2}:\d{2}|\d{1,2}))?$", re.IGNORECASE)


# An IANA zone name's shape as core/tz_database.cc IsIanaZoneName reads it: segments of [A-Za-z0-9_+-]
# joined by '/', the first starting with a letter, at most 64 characters.
IANA_ZONE = re.compile(r"^[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*$")


def zoneinfo_dir():
    return os.environ.get("TZDIR") or "/usr/share/zoneinfo"


def valid_timezone(tz):
    """topology.timezone as the reasoner reads it (agents/builtin_reasoner.cc ReadDeclaredZone): a UTC
    offset (ParseZoneOffsetMin) or an IANA zone name the system's tz database holds (tzdata)."""
    if len(tz) <= 64 and IANA_ZONE.match(tz) and not TIMEZONE.match(tz):
        path = os.path.join(zoneinfo_dir(), tz)
        if os.path.isfile(path):
            with open(path, "rb") as f:
                return f.read(4) == b"TZif"
        return False
    m = TIMEZONE.match(tz)
    if not m or not tz:
        return False
    if m.group(1) is None:
        return True
    digits = m.group(2)
    if ":" in digits:
        h, mi = (int(x) for x in digits.split(":"))
    elif len(digits) == 4:
        h, mi = int(digits[:2]), int(digits[2:])
    else:
        h, mi = int(digits), 0
    return mi <= 59 and h * 60 + mi <= (14 if m.group(1) == "+" else 12) * 60


def unknown_fields(obj, known):
    """The keys of `obj` (a dict, else none) the case reader (agents/case.cc) refuses (RV9)."""
    return [k for k in obj if k not in known] if isinstance(obj, dict) else []


def check_case(path, data, categories, errors, max_lines=MAX_CASE_LINES):
    def err(field, msg):
        errors.append("%s: %s: %s" % (path, field, msg))

    # Fields the case reader does not know are refused there; said here first, as there.
    if isinstance(data, dict):
        for k in unknown_fields(data, CASE_FIELDS[""]):
            err(k, "unknown field; known here: " + ", ".join(CASE_FIELDS[""]))
        for part in ("alert", "expected"):
            for k in unknown_fields(data.get(part), CASE_FIELDS[part]):
                err("%s.%s" % (part, k), "unknown field; known here: " + ", ".join(CASE_FIELDS[part]))
        for part in ("logs", "metrics"):
            for i, item in enumerate(data.get(part) if isinstance(data.get(part), list) else []):
                for k in unknown_fields(item, CASE_FIELDS[part]):
                    err("%s[%d].%s" % (part, i, k), "unknown field; known here: " + ", ".join(CASE_FIELDS[part]))

    if not isinstance(data, dict):
        err("(top)", "expected a JSON object")
        return None
    stem = os.path.splitext(os.path.basename(path))[0]
    if data.get("id") != stem:
        err("id", "is %r, expected the file name %r" % (data.get("id"), stem))
    for key in ("alert", "logs", "metrics", "probes", "expected"):
        if key not in data:
            err(key, "missing")
    alert = data.get("alert")
    if alert is not None:
        if not isinstance(alert, dict):
            err("alert", "expected an object")
        else:
            labels = alert.get("labels")
            if not isinstance(labels, dict) or not isinstance(labels.get("alertname"), str):
                err("alert.labels", "expected an object with a string alertname")
            elif not all(isinstance(v, str) for v in labels.values()):
                err("alert.labels", "values must be strings")
            ann = alert.get("annotations")
            if not isinstance(ann, dict) or not isinstance(ann.get("summary"), str):
                err("alert.annotations", "expected an object with a string summary")
            if not isinstance(alert.get("startsAt"), str) or not RFC3339.match(alert["startsAt"]):
                err("alert.startsAt", "expected an RFC 3339 time, got %r" % alert.get("startsAt"))
    logs = data.get("logs")
    total_lines = 0
    if logs is not None:
        if not isinstance(logs, list) or not logs:
            err("logs", "expected a non-empty array")
        else:
            for i, src in enumerate(logs):
                if not isinstance(src, dict) or not isinstance(src.get("source"), str) or not src["source"]:
                    err("logs[%d].source" % i, "expected a non-empty string")
                    continue
                lines = src.get("lines")
                if not isinstance(lines, list):
                    err("logs[%d].lines" % i, "expected an array")
                    continue
                for j, line in enumerate(lines):
                    if not isinstance(line, str):
                        err("logs[%d].lines[%d]" % (i, j), "expected a string")
                total_lines += len(lines)
            if not 20 <= total_lines <= max_lines:
                err("logs", "%d lines in all; cases carry 20-%d" % (total_lines, max_lines))
    metrics = data.get("metrics")
    if metrics is not None:
        if not isinstance(metrics, list):
            err("metrics", "expected an array")
        else:
            for i, m in enumerate(metrics):
                where = "metrics[%d]" % i
                if not isinstance(m, dict) or not isinstance(m.get("name"), str) or not m["name"]:
                    err(where + ".name", "expected a non-empty string")
                    continue
                if not isinstance(m.get("labels"), dict) or not all(
                        isinstance(v, str) for v in m["labels"].values()):
                    err(where + ".labels", "expected an object of strings")
                samples = m.get("samples")
                if not isinstance(samples, list) or not samples:
                    err(where + ".samples", "expected a non-empty array")
                    continue
                prev = None
                for j, s in enumerate(samples):
                    if not (isinstance(s, list) and len(s) == 2 and is_int(s[0]) and is_num(s[1])):
                        err("%s.samples[%d]" % (where, j), "expected [int unix_ms, finite number], got %r" % (s,))
                        break
                    if s[0] < 10 ** 12 or s[0] > 10 ** 13:
                        err("%s.samples[%d]" % (where, j), "timestamp %d is not unix milliseconds" % s[0])
                        break
                    if prev is not None and s[0] <= prev:
                        err("%s.samples[%d]" % (where, j), "timestamps not strictly increasing")
                        break
                    prev = s[0]
    probes = data.get("probes")
    if probes is not None:
        if not isinstance(probes, dict):
            err("probes", "expected an object")
        else:
            for key, r in probes.items():
                where = "probes[%r]" % key
                name, sep, target = key.partition("@")
                if not sep or not target:
                    err(where, "key must be \"probe@target\"")
                    continue
                if name not in PROBES:
                    err(where, "unknown probe %r" % name)
                if name in GPU_PROBES and not GPU_TARGET.match(target):
                    err(where, "GPU probe needs a \"node/gpuN\" target")
                elif name not in GPU_PROBES and target != "job" and not NODE_TARGET.match(target):
                    err(where, "target must be a node or \"job\"")
                if not isinstance(r, dict):
                    err(where, "expected an object")
                    continue
                if r.get("status") not in STATUSES:
                    err(where + ".status", "must be one of %s, got %r" % (sorted(STATUSES), r.get("status")))
                for field in ("probe", "target"):
                    if field in r and r[field] != (name if field == "probe" else target):
                        err(where + "." + field, "disagrees with the key")
                for field in ("metrics", "thresholds"):
                    v = r.get(field, {})
                    if not isinstance(v, dict) or not all(is_num(x) for x in v.values()):
                        err(where + "." + field, "expected an object of finite numbers")
                if not isinstance(r.get("reason", ""), str):
                    err(where + ".reason", "expected a string")
                d = r.get("duration_s")
                if not is_num(d) or d < 0:
                    err(where + ".duration_s", "expected a number >= 0")
    topo = data.get("topology")
    if isinstance(topo, dict) and "timezone" in topo:
        tz = topo["timezone"]
        if not isinstance(tz, str) or not valid_timezone(tz):
            err("topology.timezone", "%r is not a UTC offset (\"UTC\", \"Z\", \"+01:00\", \"-0500\", "
                "\"UTC+1\"; UTC-12 to UTC+14) or an IANA zone name in %s (\"Europe/Berlin\")"
                % (tz, zoneinfo_dir()))
    exp = data.get("expected")
    if exp is not None:
        if not isinstance(exp, dict):
            err("expected", "expected an object")
            return None
        rc = exp.get("root_cause")
        if rc not in categories:
            err("expected.root_cause", "%r is not a taxonomy category" % (rc,))
            rc = None
        comp = exp.get("component")
        if isinstance(comp, str) and DISK_PART.match(comp):
            err("expected.component", "%r names a local disk; a disk's fault is named by its node (%r)"
                % (comp, DISK_PART.match(comp).group(1)))
        elif isinstance(comp, str) and DOMAIN.match(comp):
            rack = DOMAIN.match(comp).group(1)
            topo = data.get("topology")
            nodes = topo.get("nodes") if isinstance(topo, dict) else None
            trays = [n for n in nodes or [] if isinstance(n, str) and re.match(re.escape(rack) + r"[-_]", n)]
            # NVS3: a domain named by its own identifier (a ClusterUUID, NCCL's fabric UUID words) that the
            # case prints, over two or more compute trays.
            rest = json.dumps({k: v for k, v in data.items() if k not in ("expected", "topology")}).lower()
            by_id = DOMAIN_ID.match(rack) and rack.lower() in rest and len(nodes or []) >= 2
            if len(trays) < 2 and not by_id:
                err("expected.component", "%r: rack %r is the name prefix of fewer than two compute trays in "
                    "topology.nodes, nor a domain identifier (ClusterUUID) the case prints" % (comp, rack))
        elif not isinstance(comp, str) or not COMPONENT.match(comp):
            err("expected.component", "%r is not job, a node, node/gpuN, node/nic or nvlink-domain:RACK" % (comp,))
        elif comp != "job":
            # The answer must be reachable from the evidence: its node is part of the job (or a switch
            # tray of its NVLink domain, topology.switch_trays) and is named somewhere outside `expected`.
            node = comp.split("/")[0]
            topo = data.get("topology")
            trays = topo.get("switch_trays", []) if isinstance(topo, dict) else []
            if not isinstance(trays, list) or not all(isinstance(t, str) and NODE_TARGET.match(t) for t in trays):
                err("topology.switch_trays", "expected a list of hostnames")
                trays = []
            if node in trays and "/" in comp:
                err("expected.component", "%r: a switch tray has no GPU or NIC of the job; name the tray %r" % (comp, node))
            if (isinstance(topo, dict) and isinstance(topo.get("nodes"), list) and node not in topo["nodes"]
                    and node not in trays):
                err("expected.component", "node %r is not in topology.nodes (nor topology.switch_trays)" % node)
            rest = {k: v for k, v in data.items() if k not in ("expected", "topology")}
            if node not in json.dumps(rest):
                err("expected.component", "node %r is never named in alert, logs, metrics or probes" % node)
        return rc
    return None


# The committed case sets, in order, and the fewest cases each must hold (--min-<set> overrides).
SET_MINIMUMS = {"dev": 66, "holdout": 24, "holdout2": 48, "holdout3": 50, "holdout4": 50,
                "holdout5": 50, "holdout6": 50, "holdout7": 50, "holdout8": 50,
                "holdout9": 50, "holdout10": 50, "holdout11": 50, "holdout12": 50,
                "holdout13": 50, "holdout14": 50, "holdout15": 50, "realistic": 24,
                "realistic2": 24, "realistic3": 24, "realistic4": 24,
                "realistic5": 24, "realistic6": 24, "realistic7": 24,
                "realistic8": 24, "realistic9": 24, "realistic10": 24,
                "realistic11": 24, "realistic12": 24, "realistic13": 24,
                "realistic14": 24, "realistic15": 24, "realistic16": 24,
                "realistic17": 24, "realistic18": 24, "realistic19": 24,
                "realistic20": 24, "realistic21": 24,
                "realistic22": 24, "realistic23": 24, "realistic24": 24,
                "realistic25": 24, "realistic26": 24,
                "realistic27": 24, "realistic28": 24,
                "realistic29": 24, "realistic30": 24,
                "realistic31": 24, "realistic32": 24,
                "realistic33": 24, "realistic34": 24,
                "realistic35": 24, "realistic36": 24,
                "realistic37": 24, "realistic38": 24,
                "realistic39": 24, "realistic40": 24,
                "realistic41": 24, "realistic42": 24,
                "realistic43": 24,
                "realistic44": 24,
                "realistic45": 24,
                "realistic46": 24,
                "realistic47": 24,
                "realistic48": 24,
                "realistic49": 24,
                "realistic50": 24,
                "realistic51": 24,
                "realistic52": 24,
                "realistic53": 24,
                "realistic54": 24,
                "realistic55": 24,
                "realistic56": 24,
                "realistic57": 24,
                "realistic58": 24,
                "realistic59": 24,
                "realistic60": 24,
                "realistic61": 24,
                "realistic62": 24,
                "realistic63": 24,
                "realistic64": 24,
                "realistic65": 24,
                "realistic66": 24,
                "realistic67": 24,
                "realistic68": 24,
                "realistic69": 24}


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--taxonomy", default=None)
    for name, minimum in SET_MINIMUMS.items():
        ap.add_argument("--min-" + name, type=int, default=minimum)
    ap.add_argument("dirs", nargs="*")
    args = ap.parse_args(argv)
    tax_path = args.taxonomy
    if tax_path is None:
        for cand in ("../shared/taxonomy.json", "data/taxonomy.json"):
            if os.path.exists(cand):
                tax_path = cand
                break
    if tax_path is None or not os.path.exists(tax_path):
        print("validate_cases: taxonomy not found (tried ../shared/taxonomy.json, data/taxonomy.json); "
              "pass --taxonomy FILE", file=sys.stderr)
        return 2
    try:
        categories = load_taxonomy(tax_path)
    except (OSError, ValueError, KeyError, TypeError) as e:
        print("validate_cases: %s: not a taxonomy: %s" % (tax_path, e), file=sys.stderr)
        return 2
    dirs = args.dirs or ["evals/diagnosis/" + name for name in SET_MINIMUMS]
    errors = []
    summary = []
    all_ids = {}
    for d in dirs:
        if not os.path.isdir(d):
            print("validate_cases: %s: no such directory" % d, file=sys.stderr)
            return 2
        files = sorted(f for f in os.listdir(d) if f.endswith(".json"))
        base = os.path.basename(os.path.normpath(d))
        max_lines, max_bytes = SET_LIMITS.get(base, (MAX_CASE_LINES, MAX_CASE_BYTES))
        covered = {}
        for f in files:
            path = os.path.join(d, f)
            size = os.path.getsize(path)
            if size > max_bytes:
                errors.append("%s: (file): %d bytes, over the %d byte budget" % (path, size, max_bytes))
            try:
                with open(path) as fh:
                    data = json.load(fh)
            except ValueError as e:
                errors.append("%s:%s: invalid JSON: %s" % (path, getattr(e, "lineno", "?"), e))
                continue
            rc = check_case(path, data, categories, errors, max_lines)
            if isinstance(data, dict) and isinstance(data.get("id"), str):
                if data["id"] in all_ids:
                    errors.append("%s: id: %r also used by %s" % (path, data["id"], all_ids[data["id"]]))
                all_ids[data["id"]] = path
            if rc:
                covered.setdefault(rc, []).append(f)
        missing = [c for c in categories if c not in covered]
        if missing:
            errors.append("%s: categories without a case: %s" % (d, ", ".join(missing)))
        minimum = getattr(args, "min_" + base) if base in SET_MINIMUMS else 1
        if len(files) < minimum:
            errors.append("%s: %d cases, need at least %d" % (d, len(files), minimum))
        summary.append("%s: %d cases, %d/%d categories" % (d, len(files), len(covered), len(categories)))
    for e in errors:
        print(e)
    for s in summary:
        print(s)
    if errors:
        print("validate_cases: %d problem(s)" % len(errors))
        return 1
    print("validate_cases: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
