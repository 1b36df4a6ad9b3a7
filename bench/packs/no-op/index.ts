/**
 * The policy bench's floor: one resource policy that judges every resource and finds nothing, so what
 * it measures is the policy runtime's own cost per request (gRPC, protobuf, the runtime's loop).
 */
import { PolicyPack } from "@pulumi/policy";

new PolicyPack("bench-no-op", {
  policies: [
    {
      name: "no-op",
      description: "Accepts every resource.",
      enforcementLevel: "mandatory",
      validateResource: () => undefined,
    },
  ],
});
