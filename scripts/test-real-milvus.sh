#!/usr/bin/env bash
# Runs the suites that can target a real server (conformance, the end-to-end lifecycle, export) against a real
# Milvus started on loopback by scripts/real-milvus.sh, and always stops it again. One file at a
# time: the suites share the server and its small user and role limits.
set -uo pipefail
cd "$(dirname "$0")/.."
here=scripts/real-milvus.sh
results=${REAL_RESULTS:-.ci/out/real.json}
mkdir -p "$(dirname "$results")"

bash "$here" start || { echo "real Milvus did not start; see the log above" >&2; exit 1; }
trap 'bash "$here" stop' EXIT
eval "$(bash "$here" env)"
export MILVUS_ADDRESS MILVUS_TOKEN
npx vitest run test/conformance test/e2e/lifecycle.test.ts test/export/export.test.ts --no-file-parallelism --reporter=default --reporter=json --outputFile.json="$results"
