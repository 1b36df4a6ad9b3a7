#!/usr/bin/env bash
# Copies stdin to stdout with &, < and > escaped, at most 60,000 characters, so tool output can sit in a
# comment's <pre> block: nothing in it can close the block or add markup (GitHub allows 65,536 characters
# per comment).
set -euo pipefail
head -c 60000 | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'
