#!/usr/bin/env bash
# Checks the shipped knowledge pack (data/knowledge/pack), its guides and the retrieval query set
# (evals/knowledge/queries.jsonl) with data/knowledge/validate_pack.py; see that script for the list
# of checks. Run by ctest from the repository root as: bash tests/knowledge_pack_test.sh <build-dir>
# (the build dir is not needed: this test reads data files only).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
command -v "$PY" >/dev/null || PY=/usr/bin/python3
exec "$PY" data/knowledge/validate_pack.py -v
