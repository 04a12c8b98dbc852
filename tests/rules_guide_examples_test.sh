#!/usr/bin/env bash
# The rule examples of the rules/ guide (rules/README.md) cannot rot: every fenced block tagged
# `rules` is checked with `vigil rules check` (exit 0, one "OK" for as many rules as it holds) and
# each of its rules must be, word for word (comments and spacing aside), the rule of that name in a
# bundled file (data/rules/*.rules, docs/examples/*.rules); the block tagged `rules-bad` must give,
# byte for byte, the output in the `text` block right after it (exit 2). At least 5 rules and one
# bad block must be there, so deleting the examples fails too.
# Usage: bash tests/rules_guide_examples_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
PY=/usr/bin/python3
GUIDE=rules/README.md

"$PY" - "$GUIDE" "$TMP" data/rules/*.rules docs/examples/*.rules <<'EOF' >"$TMP/extract.out" 2>&1
import re, sys
guide, out, bundled = sys.argv[1], sys.argv[2], sys.argv[3:]

def blocks(text):
    """(info string, body) of each fenced block."""
    return re.findall(r"^```([^\n`]*)\n(.*?)^```\s*$", text, re.S | re.M)

def rules_of(text):
    """name -> the rule's text without comments, blank lines or indentation."""
    found = {}
    for m in re.finditer(r"^rule\s+(\w+)\s*\{.*?^\}", text, re.S | re.M):
        lines = [re.sub(r"\s+", " ", l.split("#")[0] if not '"' in l else l).strip() for l in m.group(0).splitlines()]
        found[m.group(1)] = "\n".join(l for l in lines if l)
    return found

shipped = {}
for f in bundled:
    for name, body in rules_of(open(f, encoding="utf-8").read()).items():
        shipped.setdefault(name, []).append((f, body))

bs = blocks(open(guide, encoding="utf-8").read())
good = 0
for i, (info, body) in enumerate(bs):
    info = info.strip()
    if info == "rules":
        good += 1
        open(f"{out}/guide_{good}.rules", "w", encoding="utf-8").write(body)
        rs = rules_of(body)
        print(f"block {good}: {len(rs)} {' '.join(rs)}")
        for name, text in rs.items():
            if not any(text == t for _, t in shipped.get(name, [])):
                where = ", ".join(f for f, _ in shipped.get(name, [])) or "no bundled file"
                print(f"NOT-SHIPPED {name}: differs from the rule of that name in {where}")
    elif info == "rules-bad":
        if i + 1 >= len(bs) or bs[i + 1][0].strip() != "text":
            print("BAD-BLOCK: a `rules-bad` block must be followed by a `text` block with the expected output")
            continue
        open(f"{out}/bad.rules", "w", encoding="utf-8").write(body)
        open(f"{out}/bad.expected", "w", encoding="utf-8").write(bs[i + 1][1])
EOF
[ $? = 0 ] || { bad "extracting the guide's examples failed:"; cat "$TMP/extract.out"; }
if grep -E '^(NOT-SHIPPED|BAD-BLOCK)' "$TMP/extract.out"; then bad "a guide example is not a bundled rule (above)"; fi
rules=$(awk '/^block /{n += $3} END {print n + 0}' "$TMP/extract.out")
[ "$rules" -ge 5 ] || bad "the guide shows $rules rule(s) in \`rules\` blocks, want at least 5"
for f in "$TMP"/guide_*.rules; do
  [ -e "$f" ] || continue
  n=$(grep -c '^rule ' "$f")
  check "guide example $(basename "$f") compiles" 0 "$(basename "$f"): $n rule\\(s\\) OK" -- "$VIGIL" rules check "$f"
done
if [ -e "$TMP/bad.rules" ]; then
  out=$(cd "$TMP" && "$VIGIL" rules check bad.rules 2>&1); rc=$?
  [ "$rc" = 2 ] || bad "the guide's bad example: rc $rc, want 2"
  if [ "$out" != "$(cat "$TMP/bad.expected")" ]; then
    bad "the guide's bad example prints other than the guide shows:"
    diff <(cat "$TMP/bad.expected") <(echo "$out") | head -20
  else
    passed=$((passed + 1))
  fi
else
  bad "no \`rules-bad\` block (with its \`text\` output) in $GUIDE"
fi
echo "rules_guide_examples_test: $passed passed, $fail failed ($rules rule examples)"
[ "$fail" = 0 ]
