/**
 * The policy bench's outside anchor: Pulumi's own AWS pack (@pulumi/awsguard, pinned in package.json),
 * every policy mandatory, started and fed exactly like shop-guardrails.
 */
import { AwsGuard } from "@pulumi/awsguard";

new AwsGuard({ all: "mandatory" });
