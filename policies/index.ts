import { PolicyPack } from "@pulumi/policy";
import { deserializeOncePerRequest } from "./lib/deserialize-once";
import { serveEfficiently } from "./lib/serving";
import { packName, policies } from "./pack";

deserializeOncePerRequest();
// Before `new PolicyPack`, which serves the pack through the seams this installs.
serveEfficiently();

new PolicyPack(packName, {
  displayName: "Shop guardrails",
  description:
    "Least-privilege IAM in every document, and the settings that keep the shop's serverless stack private, encrypted, audited and recoverable.",
  provider: "aws",
  policies,
});
