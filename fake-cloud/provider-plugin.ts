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
 * - Previews, like the real providers: an update previews its outputs (an existing resource keeps its ARN,
 *   so what reads it shows no change), a create previews only its inputs (the engine and the SDK treat the
 *   rest, ids and ARNs, as unknown until `up`). See {@link withPreviews}.
 * - Invoke answers by token from the same cloud; an unknown token fails the deployment loudly.
 */
import * as grpc from "@grpc/grpc-js";
import { CreateResponse } from "@pulumi/pulumi/proto/provider_pb";
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

type Handler = (
  call: { request: { getPreview(): boolean; getProperties(): unknown } },
  callback: Callback,
) => void;
type Callback = (error: unknown, response?: { setSupportspreview?(on: boolean): void } & object) => void;

/**
 * @pulumi/pulumi's provider server never tells the engine it can preview, so the engine previews an update
 * by dropping every output that is not an input: an updated log group loses its ARN and everything that
 * reads it shows a change the real provider would not. This wraps the server's Configure to announce
 * previews, and its Create to answer a preview with the inputs alone, as the real providers do.
 */
function withPreviews(implementation: Record<string, Handler>): Record<string, Handler> {
  const wrapped = Object.create(implementation) as Record<string, Handler>;
  wrapped.configure = (call, callback) =>
    implementation.configure.call(implementation, call, (error, response) => {
      response?.setSupportspreview?.(true);
      callback(error, response);
    });
  wrapped.create = (call, callback) => {
    if (!call.request.getPreview()) return implementation.create.call(implementation, call, callback);
    const response = new CreateResponse();
    response.setId("");
    response.setProperties(call.request.getProperties() as ReturnType<CreateResponse["getProperties"]>);
    callback(null, response);
  };
  return wrapped;
}

if (require.main === module) {
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (service, implementation) {
    return addService.call(
      this,
      service,
      withPreviews(implementation as unknown as Record<string, Handler>) as unknown as typeof implementation,
    );
  };
  const [pkg, version, ...rest] = process.argv.slice(2);
  if (!pkg || !version) {
    process.stderr.write("usage: provider-plugin.ts <package> <version> [engine address]\n");
    process.exit(2);
  }
  void provider.main(fakeProvider(version), rest);
}
