#!/usr/bin/env bash
# Keeps one comment per heading on a pull request: updates the comment this workflow's bot wrote that
# starts with <heading>, or creates it. pulumi/actions finds its own comment the same way (its heading,
# `#### :tropical_drink: \`preview\` on <project>/<stack>`), so a failure notice written here with that
# heading is replaced by the next successful preview instead of piling up.
#
#   .github/scripts/pr-comment.sh <pull request number> <heading> <body file>
#
# GH_TOKEN (pull-requests: write) and GITHUB_REPOSITORY come from the job. The body file must start with
# the heading.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: pr-comment.sh <pull request number> <heading> <body file>" >&2
  exit 64
fi
pr="$1"
heading="$2"
body_file="$3"
if [[ ! "$pr" =~ ^[1-9][0-9]*$ ]]; then
  echo "pr-comment: '$pr' is not a pull request number" >&2
  exit 65
fi
if [[ "$(head -n 1 "$body_file")" != "$heading" ]]; then
  echo "pr-comment: $body_file does not start with its heading" >&2
  exit 65
fi

# Only the bot's own comments: a person's comment quoting the heading is never overwritten.
existing="$(HEADING="$heading" gh api --paginate "repos/${GITHUB_REPOSITORY}/issues/${pr}/comments" \
  --jq '.[] | select(.user.login == "github-actions[bot]" and (.body | startswith(env.HEADING))) | .id' |
  head -n 1)"
if [[ -n "$existing" ]]; then
  gh api --method PATCH "repos/${GITHUB_REPOSITORY}/issues/comments/${existing}" -F "body=@${body_file}" >/dev/null
  echo "pr-comment: updated comment ${existing} on #${pr}"
else
  gh api --method POST "repos/${GITHUB_REPOSITORY}/issues/${pr}/comments" -F "body=@${body_file}" >/dev/null
  echo "pr-comment: commented on #${pr}"
fi
