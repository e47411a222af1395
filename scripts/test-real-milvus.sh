#!/usr/bin/env bash
# Runs the suites that can target a real server (conformance, the end-to-end lifecycle, export) against a real
# Milvus started on loopback by scripts/real-milvus.sh, and always stops it again. One file at a
# time: the suites share the server and its small user and role limits.
set -uo pipefail
cd "$(dirname "$0")/.."
here=scripts/real-milvus.sh
results=${REAL_RESULTS:-.ci/out/real.json}
mkdir -p "$(dirname "$results")"

# The proxy's access log, for rbac usage (test/e2e/usage-real.test.ts). 2.3.5 buffers 10 KB and
# never flushes on its own (proxy.accessLog.cacheSize): 0 writes each line as it comes.
export REAL_MILVUS_EXTRA_CONFIG="${REAL_MILVUS_EXTRA_CONFIG:-} proxy.accessLog.enable=true proxy.accessLog.filename=access.log proxy.accessLog.localPath=logs proxy.accessLog.cacheSize=0"
bash "$here" start || { echo "real Milvus did not start; see the log above" >&2; exit 1; }
trap 'bash "$here" stop' EXIT
eval "$(bash "$here" env)"
export MILVUS_ADDRESS MILVUS_TOKEN MILVUS_ACCESS_LOG
npx vitest run test/conformance test/e2e/lifecycle.test.ts test/export/export.test.ts test/e2e/usage-real.test.ts test/e2e/presets-real.test.ts --no-file-parallelism --reporter=default --reporter=json --outputFile.json="$results"
