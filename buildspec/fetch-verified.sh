#!/usr/bin/env bash
# Downloads a pinned release archive over HTTPS, refuses it unless its SHA-256 equals the pinned value,
# then unpacks it with the remaining arguments passed to tar (destination and members).
#
#   bash buildspec/fetch-verified.sh <url> <sha256> <tar arguments...>
#   bash buildspec/fetch-verified.sh "$TRIVY_URL" "$TRIVY_SHA256" -C /usr/local/bin trivy
#
# The pinned digests sit next to the versions in the buildspecs; bumping a version means downloading the
# new archive once, hashing it (sha256sum) and comparing with the vendor's published checksums file.
set -euo pipefail

if [[ $# -lt 3 ]]; then
  echo "usage: fetch-verified.sh <url> <sha256> <tar arguments...>" >&2
  exit 64
fi
url="$1"
expected_sha256="$2"
shift 2

if [[ ! "$expected_sha256" =~ ^[0-9a-f]{64}$ ]]; then
  echo "fetch-verified: '$expected_sha256' is not a SHA-256 digest" >&2
  exit 65
fi

archive="$(mktemp)"
trap 'rm -f "$archive"' EXIT

curl --fail --silent --show-error --location --proto '=https' --tlsv1.2 --retry 3 --output "$archive" "$url"
if ! echo "${expected_sha256}  ${archive}" | sha256sum --check --strict --quiet; then
  echo "fetch-verified: ${url} does not match the pinned SHA-256 ${expected_sha256}; refusing it" >&2
  exit 1
fi
tar -xzf "$archive" "$@"
