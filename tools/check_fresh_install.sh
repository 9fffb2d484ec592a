#!/usr/bin/env bash
# Proves the packaging claim: build a wheel, install it with no extras into a fresh venv under a temporary
# folder, and run every README command on the bundled data from outside the checkout (so only what the
# wheel carries is used), plus user test files that use the pytest plugin and `apidrift_snapshot`.
# Each step must end with its expected exit code and print no traceback. Needs PyPI (for the build
# backend and the dependencies); too slow for every test run, hence a script (tests/unit/test_packaging.py
# checks the declared dependencies on every run).
#
#   tools/check_fresh_install.sh            # from anywhere; KEEP=1 keeps the temporary folder
set -uo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/apidrift-fresh.XXXXXX")"
SERVER_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
    [ "${KEEP:-0}" = 1 ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
FAILED=0
START=$(date +%s)

# expect CODE NAME COMMAND...: run it in $WORK/run, compare the exit code, refuse tracebacks.
expect() {
    local want="$1" name="$2"
    shift 2
    local out="$WORK/logs/$name"
    (cd "$WORK/run" && "$@") >"$out.out" 2>"$out.err"
    local got=$?
    if [ "$got" != "$want" ]; then
        echo "FAIL $name: exit $got, expected $want ($*)"
        tail -n 15 "$out.out" "$out.err"
        FAILED=1
    elif grep -q "Traceback" "$out.out" "$out.err"; then
        echo "FAIL $name: a traceback ($*)"
        tail -n 15 "$out.err"
        FAILED=1
    else
        echo "ok   $name (exit $got)"
    fi
}

mkdir -p "$WORK/dist" "$WORK/run" "$WORK/logs"
echo "== build the wheel"
# pip's notes go to a log: a broken build or install prints them.
"$PYTHON" -m pip wheel -q --no-deps "$REPO" -w "$WORK/dist" 2>"$WORK/logs/pip-wheel.err" \
    || { cat "$WORK/logs/pip-wheel.err"; echo "FAIL: the wheel does not build"; exit 1; }
WHEEL="$(ls "$WORK"/dist/apidrift_harness-*.whl)"
echo "== install $(basename "$WHEEL") with no extras into a fresh venv"
"$PYTHON" -m venv "$WORK/venv"
T0=$(date +%s)
"$WORK/venv/bin/pip" install -q "$WHEEL" 2>"$WORK/logs/pip-install.err" \
    || { cat "$WORK/logs/pip-install.err"; echo "FAIL: the wheel does not install"; exit 1; }
echo "   installed in $(( $(date +%s) - T0 )) s"
export PATH="$WORK/venv/bin:$PATH"
unset PYTHONPATH VIRTUAL_ENV
if "$WORK/venv/bin/python" -c "import openai" 2>/dev/null; then
    echo "FAIL: openai is installed without the openai extra"; FAILED=1
fi

echo "== the README's commands, on the bundled data"
VERSION="$(sed -n 's/^version = "\(.*\)"/\1/p' "$REPO/pyproject.toml")"
expect 0 version apidrift --version
grep -qx "apidrift $VERSION" "$WORK/logs/version.out" || { echo "FAIL version: $(cat "$WORK/logs/version.out")"; FAILED=1; }
expect 0 help apidrift --help
expect 0 contracts apidrift contracts
expect 0 check apidrift check
for f in report.json report.md report.html junit.xml; do
    [ -s "$WORK/run/reports/$f" ] || { echo "FAIL check: no reports/$f"; FAILED=1; }
done
cp -r "$REPO/recordings/openai-admin/2026-05-02" "$WORK/run/recs"
expect 1 check-against apidrift check --recordings recs --against 2026-04-30 --reports against
expect 1 diff apidrift diff 2026-04-30 2026-05-02
expect 1 diff-markdown apidrift diff 2026-04-30 2026-05-02 --format markdown -o diff.md
expect 1 diff-json apidrift diff 2026-04-30 2026-05-02 --format json --report-dir diff-reports
expect 1 diff-examples apidrift diff 2026-04-30 2026-05-02 --examples
grep -q "counterexample" "$WORK/logs/diff-examples.out" \
    || { echo "FAIL diff-examples: no counterexample shown"; FAILED=1; }
expect 0 report-html apidrift report reports/report.json --format html
expect 0 report-md apidrift report reports/report.json --format md
expect 0 report-junit apidrift report reports/report.json --format junit
cp -r "$REPO/examples/petstore" "$WORK/run/petstore"
expect 0 import-openapi apidrift import-openapi petstore/openapi/petstore-2025-01-15.yaml --version 2025-01-15 \
    --api petstore --scope / --out imported --recordings-out imported-recordings
expect 2 sdk-models-without-openai apidrift sdk-check models openai
grep -qx "error: module 'openai' is not installed (pip install 'apidrift\[openai\]')" \
    "$WORK/logs/sdk-models-without-openai.err" \
    || { echo "FAIL sdk-check models: $(cat "$WORK/logs/sdk-models-without-openai.err")"; FAILED=1; }
cat >"$WORK/run/projects_api.md" <<'EOF'
# projects_api

Method | HTTP request | Description
------------- | ------------- | -------------
[**ListProjects**](p.md) | **GET** /organization/projects | List.

# **ListProjects**
> ProjectListResponse ListProjects(limit, after, includeArchived)
EOF
expect 0 sdk-docs apidrift sdk-check docs projects_api.md --reports sdk
expect 0 fuzz apidrift fuzz --operation '*project*' --max-examples 3 --reports fuzz-reports

echo "== a simulated API, swept live"
PORT="$("$WORK/venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
(cd "$WORK/run" && exec apidrift serve --version 2026-05-02 --port "$PORT" >"$WORK/logs/serve.out" 2>&1) &
SERVER_PID=$!
for _ in $(seq 50); do
    "$WORK/venv/bin/python" -c "import httpx; httpx.get('http://127.0.0.1:$PORT/v1/organization/projects')" \
        2>/dev/null && break
    sleep 0.2
done
export OPENAI_ADMIN_KEY="sk-admin-REDACTED"
expect 0 check-live apidrift check --live --base-url "http://127.0.0.1:$PORT/v1" --record live --reports live-reports
expect 0 check-live-writes apidrift check --live --allow-writes --sandbox-project apidrift-sandbox \
    --base-url "http://127.0.0.1:$PORT/v1" --ledger ledger.jsonl --reports write-reports
expect 0 cleanup apidrift cleanup --ledger ledger.jsonl --base-url "http://127.0.0.1:$PORT/v1"
expect 0 fuzz-live apidrift fuzz --base-url "http://127.0.0.1:$PORT/v1" --operation 'list-*' --max-examples 3 \
    --no-reports
# An SDK's traffic through the validating proxy (against the older version: the usage rename), then
# the HAR it wrote checked again as a user's own capture.
PROXY_PORT="$("$WORK/venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
(sleep 3 && "$WORK/venv/bin/python" -c "
import httpx, time
for _ in range(50):
    try:
        httpx.get('http://127.0.0.1:$PROXY_PORT/__apidrift__/proxy/status'); break
    except httpx.HTTPError:
        time.sleep(0.2)
h = {'Authorization': 'Bearer sk-admin-REDACTED'}
httpx.get('http://127.0.0.1:$PROXY_PORT/v1/organization/costs', params={'start_time': 0}, headers=h)
httpx.get('http://127.0.0.1:$PROXY_PORT/v1/organization/invites', headers=h)
") >"$WORK/logs/proxy-client.out" 2>&1 &
expect 1 proxy apidrift proxy --upstream "http://127.0.0.1:$PORT" --port "$PROXY_PORT" --against 2026-04-30 \
    --max-exchanges 2 --reports proxy-reports
grep -q "looks like a rename" "$WORK/logs/proxy.out" || { echo "FAIL proxy: no rename reported"; FAILED=1; }
expect 1 check-har apidrift check --har proxy-reports/proxy.har --against 2026-04-30 --reports har-reports
unset OPENAI_ADMIN_KEY

echo "== pytest: a user's test files with the plugin's fixtures and apidrift_snapshot"
cat >"$WORK/run/test_user_shapes.py" <<'EOF'
from apidrift.testing.snapshots import operation_shape


def test_costs_shape(apidrift_snapshot, apidrift_contract):
    shape = operation_shape(apidrift_contract, "usage-costs")
    assert apidrift_snapshot(name=shape.name) == shape


def test_recordings(apidrift_recordings):
    assert apidrift_recordings.recordings and not apidrift_recordings.errors
EOF
expect 0 pytest-snapshot-write python -m pytest -q -p no:cacheprovider test_user_shapes.py --snapshot-update
[ -s "$WORK/run/snapshots/openai-admin/2026-05-02/usage-costs.shape.txt" ] \
    || { echo "FAIL pytest: no shape snapshot written"; FAILED=1; }
expect 0 pytest-snapshot-read python -m pytest -q -p no:cacheprovider test_user_shapes.py --apidrift-version 2026-05-02
expect 0 pytest-petstore python -m pytest -q -p no:cacheprovider petstore/test_petstore_contract.py \
    --apidrift-api petstore --apidrift-contracts petstore/contracts
expect 0 pytest-live python -m pytest -q -p no:cacheprovider petstore/test_petstore_contract.py \
    --apidrift-base-url "http://127.0.0.1:$PORT/v1" -k match_the_contract

echo "== $(( $(date +%s) - START )) s in all"
if [ "$FAILED" = 0 ]; then echo "fresh install: every command behaved"; else echo "fresh install: FAILED"; fi
exit "$FAILED"
