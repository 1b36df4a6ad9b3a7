/**
 * Just enough of Docker's file formats to check them offline: Dockerfile instructions grouped by stage
 * (continuation lines joined, comments kept apart) and .dockerignore matching with Docker's rules (`*` and
 * `?` stay within a path segment, `**` spans segments, a pattern also matches everything below a matching
 * directory, `!` re-includes, the last matching pattern wins).
 */

export interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

export interface Stage {
  /** The FROM line's image reference, e.g. `public.ecr.aws/lambda/nodejs:22@${LAMBDA_BASE_DIGEST}`. */
  readonly image: string;
  /** `AS <name>`, when given. */
  readonly name?: string;
  readonly instructions: readonly Instruction[];
}

export interface ParsedDockerfile {
  /** Instructions before the first FROM (global ARGs). */
  readonly preamble: readonly Instruction[];
  readonly stages: readonly Stage[];
  readonly comments: readonly string[];
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const comments: string[] = [];
  const logical: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#")) {
      comments.push(line.replace(/^#\s?/, ""));
      continue;
    }
    if (line === "" && pending === "") continue;
    pending += (pending ? " " : "") + line.replace(/\\$/, "").trim();
    if (!line.endsWith("\\")) {
      if (pending !== "") logical.push(pending);
      pending = "";
    }
  }

  const preamble: Instruction[] = [];
  const stages: { image: string; name?: string; instructions: Instruction[] }[] = [];
  for (const line of logical) {
    const [keyword, ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(" ") };
    if (instruction.keyword === "FROM") {
      const [image, as, name] = rest;
      stages.push({ image, name: as?.toUpperCase() === "AS" ? name : undefined, instructions: [] });
    } else if (stages.length === 0) {
      preamble.push(instruction);
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return { preamble, stages, comments };
}

interface IgnoreRule {
  readonly negated: boolean;
  readonly pattern: RegExp;
}

function toRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === "*" && pattern[i + 1] === "*") {
      const followedBySlash = pattern[i + 2] === "/";
      source += followedBySlash ? "(?:.*/)?" : ".*";
      i += followedBySlash ? 2 : 1;
    } else if (char === "*") {
      source += "[^/]*";
    } else if (char === "?") {
      source += "[^/]";
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`);
}

/** A predicate telling whether Docker leaves `path` (relative, with `/`) out of the build context. */
export function dockerignore(text: string): (path: string) => boolean {
  const rules: IgnoreRule[] = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const negated = line.startsWith("!");
      const pattern = (negated ? line.slice(1) : line).replace(/^\/+/, "").replace(/\/+$/, "");
      return { negated, pattern: toRegExp(pattern) };
    });
  return (path) => {
    const segments = path.split("/");
    const candidates = segments.map((_, i) => segments.slice(0, i + 1).join("/"));
    let excluded = false;
    for (const rule of rules) {
      if (candidates.some((candidate) => rule.pattern.test(candidate))) excluded = !rule.negated;
    }
    return excluded;
  };
}
