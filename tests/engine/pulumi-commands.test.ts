/**
 * The buildspecs run the same `pulumi preview` / `pulumi up` as the engine tests (scripts/engine/
 * pulumi-commands.ts): compared token by token, with the buildspec's shell variables as the stack.
 */
import assert from "node:assert/strict";
import { previewArgs, upArgs } from "../../scripts/engine/pulumi-commands";
import { commandsOf, readBuildspec } from "../pipeline/support/buildspec";

/** Shell words of one command line: quotes removed, `${x}` written as `$x`, line continuations joined. */
function shellWords(command: string): string[] {
  const words: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const match of command.replace(/\\\n/g, " ").matchAll(pattern)) {
    words.push((match[1] ?? match[2] ?? match[3]).replace(/\$\{(\w+)\}/g, "$$$1"));
  }
  return words;
}

/** The words of the `pulumi <verb> ...` invocation in a buildspec, up to the end of that command. */
function pulumiInvocation(file: string, verb: string): string[] {
  const line = commandsOf(readBuildspec(file))
    .flatMap((command) => command.split("\n"))
    .map((text) => text.trim())
    .join("\n")
    .replace(/\\\n/g, " ")
    .split("\n")
    .find((text) => text.startsWith(`pulumi ${verb} `));
  assert.ok(line, `${file} runs no pulumi ${verb}`);
  const words = shellWords(line);
  const end = words.findIndex((word) => ["||", "&&", "|", ";"].includes(word));
  return words.slice(1, end === -1 ? undefined : end);
}

describe("engine: the pipeline's Pulumi commands are the tested ones", () => {
  it("buildspec/preview.yml runs previewArgs for each stack", () => {
    assert.deepEqual(pulumiInvocation("buildspec/preview.yml", "preview"), previewArgs("$stack"));
  });

  it("buildspec/deploy.yml runs upArgs with the image the build pushed", () => {
    assert.deepEqual(
      pulumiInvocation("buildspec/deploy.yml", "up"),
      upArgs("$STACK", { imageUri: "$IMAGE_URI" }),
    );
  });
});
