import { PolicyPack } from "@pulumi/policy";
import { deserializeOncePerRequest } from "./lib/deserialize-once";
import { analyzeStackOnce } from "./lib/stack-once";
import { packName, policies } from "./pack";

deserializeOncePerRequest();
// Before `new PolicyPack`, which registers the gRPC handlers this wraps.
analyzeStackOnce(policies);

new PolicyPack(packName, {
  displayName: "Shop guardrails",
  description:
    "Least-privilege IAM in every document, and the settings that keep the shop's serverless stack private, encrypted, audited and recoverable.",
  provider: "aws",
  policies,
});
