#!/usr/bin/env bash
# DAST: Schemathesis against a running API, from the OpenAPI document the API itself serves
# (/openapi.json, built from the same schemas that validate requests). One set of settings for every
# place it runs: the deploy workflow against dev (before prod may start), buildspec/deploy.yml against
# dev, and locally against `npm start`. The version is tools/versions.json's (`npm run tools`).
#
#   scripts/dast.sh <base url> [report directory]     (default reports/dast; JUnit XML in it)
#
# Exits non-zero on any failed check: a 5xx, or a response that breaks the document (status code, content
# type, headers, body schema). The rate limit keeps the run under the API's own throttles, so what fails
# is the API, not the fuzzer being throttled.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: dast.sh <base url> [report directory]" >&2
  exit 64
fi
base="${1%/}"
reports="${2:-reports/dast}"
if [[ ! "$base" =~ ^https?://[^[:space:]]+$ ]]; then
  echo "dast: '$base' is not an http(s) URL" >&2
  exit 64
fi
mkdir -p "$reports"

st run "$base/openapi.json" --url "$base" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --max-examples 25 --seed 15 \
  --rate-limit 10/s --request-timeout 10 --wait-for-schema 60 \
  --report junit --report-dir "$reports" --report-junit-path junit.xml
