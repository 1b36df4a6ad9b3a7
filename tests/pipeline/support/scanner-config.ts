/**
 * Readers for the scanners' configuration files, kept to the parts the repository's rules are about:
 * `.trivyignore` entries with their expiry and reason, and the tables and keys of `.gitleaks.toml`.
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

export interface TomlTable {
  /** Header without brackets, e.g. `extend` or `allowlists`. */
  readonly name: string;
  /** True for `[[array-of-tables]]`. */
  readonly repeated: boolean;
  /** Raw value text per key. */
  readonly values: Readonly<Record<string, string>>;
}

/** Splits a TOML file into its tables and their keys (values stay raw text, arrays may span lines). */
export function tomlTables(text: string): TomlTable[] {
  const tables: { name: string; repeated: boolean; values: Record<string, string> }[] = [
    { name: "", repeated: false, values: {} },
  ];
  let openKey: string | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (openKey) {
      const current = tables[tables.length - 1];
      current.values[openKey] += `\n${line}`;
      if (line.startsWith("]")) openKey = undefined;
      continue;
    }
    if (line === "" || line.startsWith("#")) continue;
    const header = /^(\[\[?)\s*([\w.-]+)\s*\]\]?$/.exec(line);
    if (header) {
      tables.push({ name: header[2], repeated: header[1] === "[[", values: {} });
      continue;
    }
    const assignment = /^([\w.-]+)\s*=\s*(.*)$/.exec(line);
    if (!assignment) throw new Error(`cannot read TOML line: ${line}`);
    const [, key, value] = assignment;
    tables[tables.length - 1].values[key] = value;
    if (value.startsWith("[") && !value.includes("]")) openKey = key;
  }
  return tables;
}

/** The strings of a TOML array value (`'''literal'''`, `'literal'` or `"basic"` strings). */
export function tomlStrings(value: string): string[] {
  return [...value.matchAll(/'''([^]*?)'''|'([^'\n]*)'|"((?:[^"\\\n]|\\.)*)"/g)].map(
    (match) => match[1] ?? match[2] ?? match[3],
  );
}
