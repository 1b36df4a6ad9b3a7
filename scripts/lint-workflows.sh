#!/usr/bin/env bash
# The GitHub Actions workflows' own checks, offline, with the versions tools/versions.json pins:
# actionlint (syntax, expressions, and shellcheck on every `run:` block) and zizmor (template injection,
# unpinned actions, excessive permissions, dangerous triggers, credential persistence, ...). Either one's
# finding fails. `npm run scan` runs it; tests/pipeline/workflow-lint.test.ts runs it on planted copies.
#
#   scripts/lint-workflows.sh [directory]   (default: the repository; its .github/workflows is checked)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$(cd "${1:-$root}" && pwd)"
export PATH="$root/.tools/bin:$PATH"

for tool in actionlint zizmor shellcheck; do
  command -v "$tool" >/dev/null || {
    echo "lint-workflows: $tool is not installed; run npm run tools" >&2
    exit 1
  }
done
if [[ ! -d "$target/.github/workflows" ]]; then
  echo "(no .github/workflows in $target)"
  exit 0
fi

status=0
shopt -s nullglob
workflows=("$target"/.github/workflows/*.yml "$target"/.github/workflows/*.yaml)
# Files named explicitly: without them actionlint looks for a Git project and, outside one, checks nothing.
(cd "$target" && actionlint -shellcheck shellcheck "${workflows[@]}") || status=1
# --offline: no GitHub API (the audits that need it, such as impostor commits, are left out).
zizmor --offline --no-progress "$target/.github/workflows" || status=1
exit "$status"
