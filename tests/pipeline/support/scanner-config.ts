/**
 * The rule for `.trivyignore` that Trivy itself does not enforce: every entry has a reason and an expiry.
 * (What the scanners do with their configuration is tested by running them: scanners.test.ts.)
 */

export interface TrivyIgnoreEntry {
  readonly line: number;
  readonly id: string;
  readonly expires?: string;
  readonly reason?: string;
}

/** Entries of a `.trivyignore`: one finding id per line, optionally `exp:YYYY-MM-DD`; `#` starts a comment. */
export function trivyIgnoreEntries(text: string): TrivyIgnoreEntry[] {
  const lines = text.split("\n");
  const entries: TrivyIgnoreEntry[] = [];
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const [id, ...options] = line.split(/\s+/);
    const expires = options.find((option) => option.startsWith("exp:"))?.slice("exp:".length);
    const previous = lines[index - 1]?.trim() ?? "";
    const reason = /^#\s*reason:\s*(\S.*)$/.exec(previous)?.[1];
    entries.push({ line: index + 1, id, expires, reason });
  });
  return entries;
}

/** What is wrong with each entry: no reason right above it, no expiry, or an expiry that is not a date. */
export function trivyIgnoreProblems(text: string): string[] {
  return trivyIgnoreEntries(text).flatMap((entry) => {
    const problems: string[] = [];
    if (!entry.reason)
      problems.push(`line ${entry.line} (${entry.id}) has no "# reason: ..." comment right above it`);
    if (!entry.expires) problems.push(`line ${entry.line} (${entry.id}) has no exp:YYYY-MM-DD expiry`);
    else if (
      !/^\d{4}-\d{2}-\d{2}$/.test(entry.expires) ||
      Number.isNaN(Date.parse(`${entry.expires}T00:00:00Z`))
    ) {
      problems.push(`line ${entry.line} (${entry.id}) expires on "${entry.expires}", which is not a date`);
    }
    return problems;
  });
}
