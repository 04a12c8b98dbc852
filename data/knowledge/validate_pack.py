#!/usr/bin/env python3
"""Checks the shipped knowledge pack, its guides and the retrieval query set.

Usage (from the repository root):  python3 data/knowledge/validate_pack.py [--root DIR] [-v]

Standard library only; runs with any python3 >= 3.8. Exit status 0 when everything holds,
1 when any check fails (every problem is printed as `file:line: message`), 2 on bad usage.

What it checks
- data/knowledge/pack/*.jsonl: every non-blank line parses as a JSON object; the required fields
  are present, of the right type and non-empty; no unknown fields; ids are unique and stable-looking
  ("pack-..."); root_cause is a taxonomy id; component is one of the known components;
  verification steps name a catalogued probe or `read_logs:` / `query_metrics:`; links are https
  URLs; `xid` is a list of ints, each of which is visible in one of the entry's own log lines.
- every log signature compiles as a Python regex, avoids syntax that ECMAScript (std::regex) would
  read differently, and matches (case-insensitively, line by line) at least one line of the entry's
  own raw_text or examples; every example line is matched by at least one signature of its entry.
- a signature that matches an example of an entry with a DIFFERENT root cause is reported (it would
  send the diagnosis agent the wrong way); pairs listed in ALLOWED_CROSS_MATCHES are accepted.
- metric conditions have balanced brackets and a comparison.
- every taxonomy category is covered by at least MIN_PER_CATEGORY entries.
- data/knowledge/guides/*.md: at least MIN_GUIDES guides, each with a level-1 title and at least
  two `##` sections with text under them.
- evals/knowledge/queries.jsonl: each line {"query": str, "expected": taxonomy id}, every category
  covered by at least MIN_QUERIES_PER_CATEGORY queries, no duplicate queries, and no query that
  contains a pack example or raw_text line that has variable parts (digits) verbatim: queries must
  not be copies of the pack (fixed error texts without digits may be quoted).
- data/taxonomy.json (the copy shipped for when ../shared is absent) has the same ids as
  ../shared/taxonomy.json when both exist.
"""
import argparse
import glob
import json
import os
import re
import sys

MIN_ENTRIES = 60
MIN_PER_CATEGORY = 2
MIN_GUIDES = 6
MIN_QUERIES = 60
MIN_QUERIES_PER_CATEGORY = 2

REQUIRED_STR = ["id", "title", "raw_text", "root_cause", "component", "mitigation", "source"]
REQUIRED_LIST = ["symptoms", "verification_steps", "links"]
OPTIONAL_LIST = ["log_signatures", "metric_conditions", "tags", "examples"]
OPTIONAL_OTHER = ["xid", "started_at_ms", "resolved_at_ms", "status"]
KNOWN_FIELDS = set(REQUIRED_STR + REQUIRED_LIST + OPTIONAL_LIST + OPTIONAL_OTHER)

COMPONENTS = {"gpu", "nvlink", "pcie", "ib", "host", "job", "storage", "network"}
PROBES = {
    "gpu.inventory", "gpu.health", "gpu.gemm", "gpu.hbm_bandwidth", "gpu.pcie_bandwidth", "gpu.sdc",
    "gpu.kernel_launch", "nccl.allreduce", "nccl.allgather", "nccl.reducescatter", "nccl.alltoall",
    "nccl.sendrecv", "nccl.p2p_matrix",
}
STEP_PREFIXES = ("read_logs:", "query_metrics:")

# Python-only or differently-read regex syntax that std::regex (ECMAScript) rejects or misreads.
NON_ECMA = [
    (re.compile(r"\(\?P"), "named group (?P...) is Python-only"),
    (re.compile(r"\(\?<[=!]"), "lookbehind is not ECMAScript (std::regex)"),
    (re.compile(r"\(\?<[A-Za-z]"), "named groups are not supported by std::regex"),
    (re.compile(r"\(\?[aiLmsux]"), "inline flags are not ECMAScript; matching is already case-insensitive"),
    (re.compile(r"\(\?#"), "regex comments are not ECMAScript"),
    (re.compile(r"\\[AZz]"), "\\A \\Z \\z are not ECMAScript; use ^ and $"),
    (re.compile(r"[*+?}]\+"), "possessive quantifiers are not ECMAScript"),
]

# (signature entry id, example entry id) pairs where a cross-category match is expected and
# harmless, e.g. a generic Xid line format shared by two entries. Keep this list short.
ALLOWED_CROSS_MATCHES = {
    # botocore prints "Read timeout on endpoint URL" for a read and for a write alike; the storage
    # entry's own signature names the upload's URL (partNumber / uploadId) and wins on such a line
    # (RG20, agents/diagnosis_rg20_test.cc). A lookahead in the dataloader signature would avoid the
    # match, but a signature's text is indexed, and that one moved an alert-only eval row.
    ("pack-dataloader-remote-read-slow", "pack-storage-object-store-write-throttled"),
    # libfabric's completion-queue read prints fi_strerror(EIO), "Input/output error", under NCCL's
    # NET/OFI prefix; the reasoner reads no storage fault in a network transport's line
    # (agents/transport_line.h, PLC14, agents/diagnosis_plc14_test.cc).
    ("pack-storage-read-only", "pack-efa-libfabric-completion-error"),
}


class Problems:
    def __init__(self):
        self.items = []

    def add(self, where, msg):
        self.items.append("%s: %s" % (where, msg))


def rel(path, root):
    return os.path.relpath(path, root)


def load_taxonomy(root, problems):
    shared = os.path.normpath(os.path.join(root, "..", "shared", "taxonomy.json"))
    local = os.path.join(root, "data", "taxonomy.json")
    ids = None
    for path in (shared, local):
        if not os.path.exists(path):
            continue
        try:
            with open(path, encoding="utf-8") as f:
                tax = json.load(f)
            these = [c["id"] for c in tax["categories"]]
        except (OSError, ValueError, KeyError, TypeError) as e:
            problems.add(path, "cannot read taxonomy: %s" % e)
            continue
        if ids is None:
            ids = these
        elif set(these) != set(ids):
            problems.add(rel(local, root), "category ids differ from %s: only here %s, only there %s"
                         % (shared, sorted(set(these) - set(ids)), sorted(set(ids) - set(these))))
    if ids is None:
        problems.add(rel(local, root), "no taxonomy found (looked for %s and %s)" % (shared, local))
        ids = []
    return ids


def balanced(text):
    pairs = {")": "(", "]": "[", "}": "{"}
    stack = []
    in_quote = None
    for ch in text:
        if in_quote:
            if ch == in_quote:
                in_quote = None
            continue
        if ch in "\"'":
            in_quote = ch
        elif ch in "([{":
            stack.append(ch)
        elif ch in pairs:
            if not stack or stack.pop() != pairs[ch]:
                return False
    return not stack and in_quote is None


COMPARISON = re.compile(r"(==|!=|>=|<=|>|<)")


def check_entry(e, where, categories, problems):
    for k in e:
        if k not in KNOWN_FIELDS:
            problems.add(where, "unknown field '%s'" % k)
    for k in REQUIRED_STR:
        if k not in e:
            problems.add(where, "missing field '%s'" % k)
        elif not isinstance(e[k], str) or not e[k].strip():
            problems.add(where, "field '%s' must be a non-empty string" % k)
    for k in REQUIRED_LIST + OPTIONAL_LIST:
        if k not in e:
            if k in REQUIRED_LIST:
                problems.add(where, "missing field '%s'" % k)
            continue
        v = e[k]
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            problems.add(where, "field '%s' must be a list of non-empty strings" % k)
        elif k in REQUIRED_LIST and not v:
            problems.add(where, "field '%s' must not be empty" % k)
    if not e.get("log_signatures") and not e.get("metric_conditions"):
        problems.add(where, "needs at least one log signature or metric condition")
    if e.get("log_signatures") and not e.get("examples"):
        problems.add(where, "an entry with log signatures needs 'examples' (real log lines they match)")
    eid = e.get("id", "")
    if isinstance(eid, str) and not re.fullmatch(r"pack-[a-z0-9][a-z0-9-]*", eid):
        problems.add(where, "id '%s' must look like 'pack-<lowercase-words>'" % eid)
    if e.get("root_cause") not in categories:
        problems.add(where, "root_cause '%s' is not a taxonomy id" % e.get("root_cause"))
    if e.get("component") not in COMPONENTS:
        problems.add(where, "component '%s' is not one of %s" % (e.get("component"), sorted(COMPONENTS)))
    if e.get("source") != "pack:vigil":
        problems.add(where, "source must be 'pack:vigil'")
    for step in e.get("verification_steps", []) if isinstance(e.get("verification_steps"), list) else []:
        if not isinstance(step, str):
            continue
        if step in PROBES:
            continue
        if step.startswith(STEP_PREFIXES) and len(step.split(":", 1)[1].strip()) > 0:
            continue
        problems.add(where, "verification step '%s' is neither a catalogued probe nor read_logs:/query_metrics:" % step)
    for link in e.get("links", []) if isinstance(e.get("links"), list) else []:
        if isinstance(link, str) and not re.fullmatch(r"https://[^\s]+", link):
            problems.add(where, "link '%s' is not an https URL" % link)
    for cond in e.get("metric_conditions", []) if isinstance(e.get("metric_conditions"), list) else []:
        if not isinstance(cond, str):
            continue
        if not balanced(cond):
            problems.add(where, "metric condition has unbalanced brackets: %s" % cond)
        if not COMPARISON.search(cond):
            problems.add(where, "metric condition has no comparison: %s" % cond)
    if "xid" in e:
        xids = e["xid"]
        if not isinstance(xids, list) or not xids or not all(isinstance(x, int) and not isinstance(x, bool) for x in xids):
            problems.add(where, "xid must be a non-empty list of integers")
        else:
            text = "\n".join([e.get("raw_text", "")] + list(e.get("examples", [])))
            for x in xids:
                if not re.search(r"Xid\s*(\(PCI:[^)]*\))?:?\s*%d\b" % x, text, re.IGNORECASE):
                    problems.add(where, "xid %d does not appear as an Xid line in raw_text or examples" % x)


def entry_lines(e):
    lines = []
    if isinstance(e.get("raw_text"), str):
        lines += [l for l in e["raw_text"].splitlines() if l.strip()]
    if isinstance(e.get("examples"), list):
        lines += [l for l in e["examples"] if isinstance(l, str)]
    return lines


def compile_signatures(e, where, problems):
    compiled = []
    sigs = e.get("log_signatures", [])
    if not isinstance(sigs, list):
        return compiled
    for sig in sigs:
        if not isinstance(sig, str):
            continue
        for pat, why in NON_ECMA:
            if pat.search(sig):
                problems.add(where, "signature %r: %s" % (sig, why))
        try:
            compiled.append((sig, re.compile(sig, re.IGNORECASE)))
        except re.error as err:
            problems.add(where, "signature %r does not compile: %s" % (sig, err))
    return compiled


def check_pack(root, categories, problems, verbose):
    pack_dir = os.path.join(root, "data", "knowledge", "pack")
    files = sorted(glob.glob(os.path.join(pack_dir, "*.jsonl")))
    if not files:
        problems.add(rel(pack_dir, root), "no *.jsonl files")
        return []
    entries = []  # (where, entry, compiled signatures)
    seen_ids = {}
    for path in files:
        with open(path, "rb") as f:
            raw = f.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            problems.add(rel(path, root), "not valid UTF-8: %s" % err)
            continue
        for n, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            where = "%s:%d" % (rel(path, root), n)
            try:
                e = json.loads(line)
            except ValueError as err:
                problems.add(where, "not valid JSON: %s" % err)
                continue
            if not isinstance(e, dict):
                problems.add(where, "line is not a JSON object")
                continue
            check_entry(e, where, categories, problems)
            eid = e.get("id")
            if isinstance(eid, str):
                if eid in seen_ids:
                    problems.add(where, "duplicate id '%s' (first at %s)" % (eid, seen_ids[eid]))
                else:
                    seen_ids[eid] = where
            compiled = compile_signatures(e, where, problems)
            lines = entry_lines(e)
            for sig, rx in compiled:
                if not any(rx.search(l) for l in lines):
                    problems.add(where, "signature %r matches no line of its raw_text or examples" % sig)
            if compiled:
                for ex in e.get("examples", []) if isinstance(e.get("examples"), list) else []:
                    if isinstance(ex, str) and not any(rx.search(ex) for _, rx in compiled):
                        problems.add(where, "example %r is matched by none of the entry's signatures" % ex)
            entries.append((where, e, compiled))

    # Signatures that fire on another category's example lines.
    for where, e, compiled in entries:
        for sig, rx in compiled:
            for where2, e2, _ in entries:
                if e2 is e or e2.get("root_cause") == e.get("root_cause"):
                    continue
                if (e.get("id"), e2.get("id")) in ALLOWED_CROSS_MATCHES:
                    continue
                for ex in e2.get("examples", []) if isinstance(e2.get("examples"), list) else []:
                    if isinstance(ex, str) and rx.search(ex):
                        problems.add(where, "signature %r (%s) also matches example of %s (%s, %s): %r"
                                     % (sig, e.get("root_cause"), e2.get("id"), e2.get("root_cause"), where2, ex))
                        break

    if len(entries) < MIN_ENTRIES:
        problems.add(rel(pack_dir, root), "only %d entries, need at least %d" % (len(entries), MIN_ENTRIES))
    counts = {c: 0 for c in categories}
    for _, e, _ in entries:
        if e.get("root_cause") in counts:
            counts[e["root_cause"]] += 1
    for c, n in counts.items():
        if n < MIN_PER_CATEGORY:
            problems.add(rel(pack_dir, root), "category '%s' has %d entries, need at least %d" % (c, n, MIN_PER_CATEGORY))
    if verbose:
        print("pack: %d entries in %d files" % (len(entries), len(files)))
        for c, n in sorted(counts.items()):
            print("  %-30s %d" % (c, n))
    return entries


def check_guides(root, problems, verbose):
    guide_dir = os.path.join(root, "data", "knowledge", "guides")
    files = sorted(glob.glob(os.path.join(guide_dir, "*.md")))
    if len(files) < MIN_GUIDES:
        problems.add(rel(guide_dir, root), "%d guides, need at least %d" % (len(files), MIN_GUIDES))
    for path in files:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        where = rel(path, root)
        if not lines or not lines[0].startswith("# "):
            problems.add(where + ":1", "first line must be a '# Title'")
        sections = []  # [line number, heading, body line count]
        in_code = False
        for n, line in enumerate(lines, 1):
            if line.startswith("```"):
                in_code = not in_code
            if not in_code and line.startswith("## "):
                sections.append([n, line, 0])
            elif sections and line.strip():
                sections[-1][2] += 1
        if len(sections) < 2:
            problems.add(where, "needs at least two '## ' sections (the importer splits on headings)")
        for n, heading, body in sections:
            if body == 0:
                problems.add("%s:%d" % (where, n), "section %r has no text" % heading)
    if verbose:
        print("guides: %d files" % len(files))


def check_queries(root, categories, entries, problems, verbose):
    path = os.path.join(root, "evals", "knowledge", "queries.jsonl")
    if not os.path.exists(path):
        problems.add(rel(path, root), "missing")
        return
    pack_lines = set()
    for _, e, _ in entries:
        for l in entry_lines(e):
            l = l.strip()
            # Lines without any digit are fixed error texts (no pid, address, count): a real
            # query may legitimately quote them whole. Lines with variable parts may not be copied.
            if len(l) >= 40 and re.search(r"\d", l):
                pack_lines.add(l)
    counts = {c: 0 for c in categories}
    seen = {}
    total = 0
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = "%s:%d" % (rel(path, root), n)
            try:
                q = json.loads(line)
            except ValueError as err:
                problems.add(where, "not valid JSON: %s" % err)
                continue
            if not isinstance(q, dict) or set(q) - {"query", "expected", "note"}:
                problems.add(where, "must be an object with 'query', 'expected' (and optional 'note')")
                continue
            text, exp = q.get("query"), q.get("expected")
            if not isinstance(text, str) or not text.strip():
                problems.add(where, "'query' must be a non-empty string")
                continue
            if exp not in categories:
                problems.add(where, "expected '%s' is not a taxonomy id" % exp)
                continue
            if text in seen:
                problems.add(where, "duplicate query (first at line %d)" % seen[text])
            seen[text] = n
            for pl in pack_lines:
                if pl in text:
                    problems.add(where, "query copies a pack line verbatim: %r" % pl)
                    break
            counts[exp] += 1
            total += 1
    if total < MIN_QUERIES:
        problems.add(rel(path, root), "only %d queries, need at least %d" % (total, MIN_QUERIES))
    for c, k in counts.items():
        if k < MIN_QUERIES_PER_CATEGORY:
            problems.add(rel(path, root), "category '%s' has %d queries, need at least %d" % (c, k, MIN_QUERIES_PER_CATEGORY))
    if verbose:
        print("queries: %d" % total)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                    help="repository root (default: two folders above this script)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print counts per category")
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    if not os.path.isdir(os.path.join(root, "data", "knowledge")):
        print("validate_pack: %s has no data/knowledge folder" % root, file=sys.stderr)
        return 2
    problems = Problems()
    categories = load_taxonomy(root, problems)
    entries = check_pack(root, categories, problems, args.verbose)
    check_guides(root, problems, args.verbose)
    check_queries(root, categories, entries, problems, args.verbose)
    for p in problems.items:
        print(p)
    if problems.items:
        print("validate_pack: %d problem(s)" % len(problems.items), file=sys.stderr)
        return 1
    print("validate_pack: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
