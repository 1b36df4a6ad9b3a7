#!/usr/bin/env bash
# Posts the offline previews of a fork's "Pull request" run (RUN_ID) on its pull request, one comment per
# stack, each saying that the run had no cloud credentials and no secrets. Run by
# pull-request-comment.yml; GH_TOKEN, GITHUB_REPOSITORY, RUN_ID, RUN_URL and HEAD_SHA come from the job.
#
# The artifacts were written by code the fork controls, so everything in them is data: the stack name and
# exit status must look like one, the pull request number is accepted only if that pull request's head
# commit is the one the run tested, and the output is HTML-escaped into a <pre> block.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

downloads="$(mktemp -d)"
trap 'rm -rf "$downloads"' EXIT
gh run download "$RUN_ID" --repo "$GITHUB_REPOSITORY" --pattern 'offline-preview-*' --dir "$downloads"

for dir in "$downloads"/offline-preview-*/; do
  stack="$(head -n 1 "$dir/stack")"
  status="$(head -n 1 "$dir/status")"
  pr="$(head -n 1 "$dir/pull-request")"
  if [[ ! "$stack" =~ ^[a-z][a-z0-9-]{0,30}$ || ! "$status" =~ ^[0-9]{1,3}$ || ! "$pr" =~ ^[1-9][0-9]{0,9}$ ]]; then
    echo "fork-preview-comments: $dir does not hold a stack, an exit status and a pull request number" >&2
    exit 1
  fi
  head="$(gh api "repos/${GITHUB_REPOSITORY}/pulls/${pr}" --jq '.head.sha')"
  if [[ "$head" != "$HEAD_SHA" ]]; then
    echo "fork-preview-comments: #${pr} is at ${head}, not at the tested ${HEAD_SHA}; not commenting" >&2
    exit 1
  fi
  case "$status" in
    0) verdict="no mandatory policy violation" ;;
    1) verdict="**failed: at least one mandatory policy violation**" ;;
    *) verdict="**failed: the preview could not run** (exit ${status})" ;;
  esac
  heading="#### Offline preview of shop-infra/${stack} (pull request from a fork)"
  {
    echo "$heading"
    echo
    echo "This pull request comes from a fork, so its run got no cloud credentials and no secrets:"
    echo "\`pulumi preview\` against the real state of ${stack} did not run. Only the offline preview did"
    echo "(the program under mocks with the policy pack, \`npm run preview:offline -- --stack ${stack}\`):"
    echo "${verdict} ([run](${RUN_URL}), commit \`${HEAD_SHA:0:12}\`). A maintainer can preview it for real"
    echo "by pushing the branch to this repository."
    echo
    echo "<details>"
    echo "<summary>Offline preview</summary>"
    echo "<pre>"
    "$here/escape-html.sh" <"$dir/output.txt"
    echo "</pre>"
    echo "</details>"
  } >"$downloads/comment.md"
  "$here/pr-comment.sh" "$pr" "$heading" "$downloads/comment.md"
done
