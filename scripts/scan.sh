#!/usr/bin/env bash
# `npm run scan`: the repository's security scanners, offline, with the versions tools/versions.json pins
# (`npm run tools` installs them into .tools/bin). Each step is labelled and timed; every step runs even
# after one fails, so one CI run names every finding, and the script exits 1 if any step found something.
#
#   scripts/scan.sh [--only step,step] [directory]
#
# The directory defaults to the repository; the pipeline tests (tests/pipeline/scanners.test.ts) scan
# copies with planted findings, step by step, so they test exactly what CI runs. Steps: semgrep-tests,
# semgrep, gitleaks-history, gitleaks-tree, trivy-dockerfile, trivy-fs, shellcheck.
#
# SCAN_REPORTS_DIR=<dir> also writes each scanner's SARIF report there (the CodeBuild build does).
# What is never scanned: installed or generated content (.tools/, node_modules/, dist/, coverage/, .data/),
# listed once here and passed to each scanner in its own way.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
only=""
if [[ "${1:-}" == "--only" ]]; then
  only=",${2:?--only needs a comma-separated list of steps},"
  shift 2
fi
target="$(cd "${1:-$root}" && pwd)"
export PATH="$root/.tools/bin:$PATH"
reports="${SCAN_REPORTS_DIR:-}"
[[ -z "$reports" ]] || mkdir -p "$reports"

excluded=(.tools node_modules dist coverage .data)

for tool in semgrep gitleaks trivy shellcheck; do
  command -v "$tool" >/dev/null || {
    echo "scan: $tool is not installed; run npm run tools" >&2
    exit 1
  }
done

# Offline: no version check, no metrics, no registry rules (only --config .semgrep.yml), no Trivy check or
# database download, no telemetry.
export SEMGREP_ENABLE_VERSION_CHECK=0 SEMGREP_SEND_METRICS=off
export TRIVY_DISABLE_TELEMETRY=true TRIVY_NO_PROGRESS=true
trivy_offline=(--skip-check-update --skip-version-check --disable-telemetry --quiet)
trivy_fs_offline=(--skip-db-update --skip-java-db-update --offline-scan)

# SARIF output flags for one scanner, when reports are wanted.
sarif() {
  [[ -z "$reports" ]] || case "$1" in
    semgrep) echo "--sarif-output=$reports/semgrep.sarif" ;;
    shellcheck) ;;
    gitleaks-*) echo "--report-format sarif --report-path $reports/$1.sarif" ;;
    trivy-*) echo "--format sarif --output $reports/$1.sarif" ;;
  esac
}

semgrep_tests() {
  # `semgrep --test` pairs a rule file with a test file of the same name, so each test runs on its own.
  local rule_test
  for rule_test in "$target"/.semgrep/tests/*.ts; do
    semgrep --test --metrics=off --disable-version-check --config "$target/.semgrep.yml" "$rule_test" || return 1
  done
}

semgrep_scan() {
  # --no-git-ignore: untracked files are scanned too (a secret fails before it is committed); what is left
  # out is .semgrepignore's list. --error: any finding fails the step.
  # shellcheck disable=SC2046 # sarif prints flags to split
  (cd "$target" && semgrep scan --config .semgrep.yml --error --metrics=off --disable-version-check \
    --no-git-ignore --quiet $(sarif semgrep) .)
}

gitleaks_history() {
  if ! git -C "$target" rev-parse --git-dir >/dev/null 2>&1; then
    echo "(not a git repository: no history to scan)"
    return 0
  fi
  # shellcheck disable=SC2046
  gitleaks git --config "$target/.gitleaks.toml" --redact --no-banner --verbose --exit-code 1 \
    $(sarif gitleaks-history) "$target"
}

gitleaks_tree() {
  # The excluded folders are allowlisted by path in .gitleaks.toml (gitleaks dir has no exclude flag).
  # shellcheck disable=SC2046
  (cd "$target" && gitleaks dir --config .gitleaks.toml --redact --no-banner --verbose --exit-code 1 \
    $(sarif gitleaks-tree) .)
}

trivy_skip_dirs() {
  local dir
  for dir in "${excluded[@]}" .git; do printf -- '--skip-dirs %s ' "$target/$dir"; done
}

trivy_dockerfile() {
  # The built-in Dockerfile checks (root user, unpinned base, ...) at every severity.
  # shellcheck disable=SC2046
  trivy config "${trivy_offline[@]}" --exit-code 1 --ignorefile "$target/.trivyignore" \
    --misconfig-scanners dockerfile $(sarif trivy-dockerfile) "$target/Dockerfile"
}

trivy_tree() {
  # Misconfigurations (Dockerfile, YAML, JSON the checks know) and secrets; vulnerabilities need a database
  # that no registry serves, so `trivy fs --scanners vuln` runs in the pipeline only (buildspec/build.yml).
  # shellcheck disable=SC2046
  trivy fs "${trivy_offline[@]}" "${trivy_fs_offline[@]}" --exit-code 1 --ignorefile "$target/.trivyignore" \
    --scanners misconfig,secret $(trivy_skip_dirs) $(sarif trivy-fs) "$target"
}

shell_scripts() {
  # Every file that is a shell script: a .sh name or a sh/bash shebang, outside the excluded folders.
  local prune=() dir file
  for dir in "${excluded[@]}" .git; do prune+=(-path "./$dir" -prune -o); done
  (cd "$target" && find . "${prune[@]}" -type f -print) | sort | while read -r file; do
    if [[ "$file" == *.sh ]] || head -n 1 "$target/$file" | grep -Eq '^#!.*\b(ba|da|k)?sh\b'; then
      echo "${file#./}"
    fi
  done
}

shellcheck_scripts() {
  local scripts
  mapfile -t scripts < <(shell_scripts)
  echo "${#scripts[@]} scripts: ${scripts[*]}"
  (cd "$target" && shellcheck --external-sources "${scripts[@]}")
}

failed=()
ran=0
step() {
  local id="$1" label="$2" started=$SECONDS
  shift 2
  [[ -z "$only" || "$only" == *",$id,"* ]] || return 0
  ran=$((ran + 1))
  echo "==> scan: $label"
  if "$@"; then
    echo "==> scan: $label: ok ($((SECONDS - started)) s)"
  else
    echo "==> scan: $label: FAILED ($((SECONDS - started)) s)"
    failed+=("$label")
  fi
}

step semgrep-tests "semgrep rule tests (.semgrep/tests)" semgrep_tests
step semgrep "semgrep (.semgrep.yml)" semgrep_scan
step gitleaks-history "gitleaks (git history)" gitleaks_history
step gitleaks-tree "gitleaks (working tree)" gitleaks_tree
step trivy-dockerfile "trivy config (Dockerfile)" trivy_dockerfile
step trivy-fs "trivy fs (misconfig, secret)" trivy_tree
step shellcheck "shellcheck (shell scripts)" shellcheck_scripts
step workflows "actionlint, zizmor (.github/workflows)" "$root/scripts/lint-workflows.sh" "$target"

if ((ran == 0)); then
  echo "scan: no step matches --only ${only//,/ }" >&2
  exit 2
fi

if ((${#failed[@]} > 0)); then
  printf '==> scan: %d step(s) found problems:\n' "${#failed[@]}"
  printf '      %s\n' "${failed[@]}"
  exit 1
fi
echo "==> scan: every step passed"
