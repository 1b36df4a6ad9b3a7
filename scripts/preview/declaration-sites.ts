import * as fs from "node:fs";
import * as path from "node:path";

/** Where a resource is declared: a repository-relative file and a 1-based line. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

export const repositoryRoot = path.resolve(__dirname, "..", "..");

/**
 * The declaration site of every resource constructed while the traced program runs, keyed by type and name.
 *
 * The store lives on `globalThis`: program-under-mocks drops every project module from the require cache
 * before a run, so the traced program (and any module it imports) is a fresh copy each time, while the
 * preview that reads the sites keeps the copy it loaded first.
 */
const storeKey = Symbol.for("shop-infra.offline-preview.declaration-sites");

type Store = Map<string, SourceLocation>;

function store(): Store {
  const global = globalThis as { [storeKey]?: Store };
  global[storeKey] ??= new Map();
  return global[storeKey];
}

const key = (type: string, name: string) => `${type}::${name}`;

export function clearDeclarationSites(): void {
  store().clear();
}

/** The first stack frame in the repository's own code, skipping the preview's and the mock runner's. */
export function declarationFrame(
  stack: string | undefined,
  root = repositoryRoot,
): SourceLocation | undefined {
  const skipped = [
    path.join(root, "scripts", "preview") + path.sep,
    path.join(root, "scripts", "lib") + path.sep,
  ];
  for (const line of (stack ?? "").split("\n").slice(1)) {
    const match = /\(?((?:\/|[A-Za-z]:\\)[^()]+?):(\d+):(\d+)\)?$/.exec(line.trim());
    if (!match) {
      continue;
    }
    const file = match[1];
    if (!file.startsWith(root + path.sep) || file.includes(`${path.sep}node_modules${path.sep}`)) {
      continue;
    }
    if (skipped.some((prefix) => file.startsWith(prefix))) {
      continue;
    }
    return {
      file: path.relative(root, file).split(path.sep).join("/"),
      line: Number(match[2]),
      column: Number(match[3]),
    };
  }
  return undefined;
}

export function recordDeclarationSite(type: string, name: string, stack: string | undefined): void {
  const site = declarationFrame(stack);
  if (site && !store().has(key(type, name))) {
    store().set(key(type, name), site);
  }
}

export function declarationSite(type: string, name: string): SourceLocation | undefined {
  return store().get(key(type, name));
}

/**
 * Where to point when no constructor call was traced: the file of the nearest component (found by its
 * type token in components/), else the program's entry point.
 */
export function fallbackSite(componentTypes: readonly string[], root = repositoryRoot): SourceLocation {
  for (const type of componentTypes) {
    const found = findTypeToken(type, path.join(root, "components"), root);
    if (found) {
      return found;
    }
  }
  return { file: "index.ts", line: 1 };
}

function findTypeToken(token: string, dir: string, root: string): SourceLocation | undefined {
  if (!fs.existsSync(dir)) {
    return undefined;
  }
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findTypeToken(token, full, root);
      if (found) {
        return found;
      }
    } else if (entry.name.endsWith(".ts")) {
      const lines = fs.readFileSync(full, "utf8").split("\n");
      const index = lines.findIndex((line) => line.includes(`"${token}"`));
      if (index >= 0) {
        return { file: path.relative(root, full).split(path.sep).join("/"), line: index + 1 };
      }
    }
  }
  return undefined;
}
