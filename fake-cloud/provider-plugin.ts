/**
 * The fake cloud as a Pulumi resource provider plugin, for the real engine: `pulumi preview`, `up` and
 * `destroy` talk to this process over the provider gRPC protocol exactly as they would to pulumi-aws,
 * pulumi-random or pulumi-docker-build, served by @pulumi/pulumi's own provider runtime.
 *
 * Usage (written by tools/install.mjs into each plugin's launcher): provider-plugin.ts <package> <version>
 * <engine address>. The package and version are the ones package-lock.json pins, so the engine finds it
 * where it looks for the real plugin.
 *
 * What each call does, and why it is enough for the engine's own logic to be exercised:
 * - Check returns the inputs (the real providers add defaults and autonames; the cloud derives names).
 * - Diff is left to the engine, which compares old and new inputs (its legacy diff), so an unchanged
 *   program shows no changes and a changed setting shows exactly the resources whose inputs changed.
 * - Create and Update answer from {@link MockCloud}; the ids depend on type and name only, so an update
 *   keeps the id. Delete forgets nothing because nothing is stored: the engine's state is the record.
 * - Invoke answers by token from the same cloud; an unknown token fails the deployment loudly.
 */
import * as provider from "@pulumi/pulumi/provider";
import { MockCloud } from "./cloud";

/** `urn:pulumi:<stack>::<project>::<parent$type>::<name>` -> the resource's own type and name. */
export const typeAndName = (urn: string): { type: string; name: string } => {
  const parts = urn.split("::");
  const qualifiedType = parts[2] ?? "";
  return { type: qualifiedType.split("$").pop() ?? qualifiedType, name: parts.slice(3).join("::") };
};

export const fakeProvider = (version: string, cloud = new MockCloud()): provider.Provider => {
  const answer = (urn: string, inputs: Record<string, unknown>) =>
    cloud.newResource({ ...typeAndName(urn), inputs, custom: true });
  return {
    version,
    async create(urn, inputs) {
      const { id, state } = answer(urn, inputs);
      if (!id) throw new Error(`fake cloud: no id for ${urn}`);
      return { id, outs: state };
    },
    async update(_id, urn, _olds, news) {
      return { outs: answer(urn, news).state };
    },
    async read(id, _urn, props) {
      return { id, props };
    },
    async delete() {},
    async invoke(token, inputs) {
      return { outputs: cloud.call({ token, inputs }) };
    },
  };
};

if (require.main === module) {
  const [pkg, version, ...rest] = process.argv.slice(2);
  if (!pkg || !version) {
    process.stderr.write("usage: provider-plugin.ts <package> <version> [engine address]\n");
    process.exit(2);
  }
  void provider.main(fakeProvider(version), rest);
}
