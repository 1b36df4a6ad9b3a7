import * as pulumi from "@pulumi/pulumi";
import { recordDeclarationSite } from "./declaration-sites";

/**
 * The project's program, run with a stack transformation that records where each resource is constructed.
 *
 * Stack transformations run synchronously inside every Resource constructor, so the stack trace there still
 * holds the `new aws.s3.Bucket(...)` line of the component that declared it (tsx maps it back to the .ts
 * source). The transformation changes nothing: it returns undefined.
 */
export = async (): Promise<unknown> => {
  pulumi.runtime.registerStackTransformation((args) => {
    recordDeclarationSite(args.type, args.name, new Error().stack);
    return undefined;
  });
  // Loaded here, after the transformation is registered, the way the language host loads it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program: unknown = require("../../index");
  return typeof program === "function" ? await (program as () => unknown)() : program;
};
