import type { ResourceCase, StackCase } from "./case";
import { computeCases } from "./compute";
import { dataCases } from "./data";
import { edgeCases } from "./edge";
import { attachmentCases } from "./iam-attachments";
import { identityCases } from "./iam-identity";
import { resourcePolicyCases } from "./iam-resource";
import { trustCases } from "./iam-trust";
import { stackCases } from "./stacks";
import { awsTemplateCases } from "./aws-templates";
import { escalationCases } from "./iam-escalation";
import { usersKeysNativeCases } from "./users-keys-native";
import { weakConditionCases } from "./weak-conditions";

export type { ResourceCase, StackCase };

export const resourceCases: readonly ResourceCase[] = [
  ...identityCases,
  ...trustCases,
  ...resourcePolicyCases,
  ...attachmentCases,
  ...computeCases,
  ...dataCases,
  ...edgeCases,
  ...weakConditionCases,
  ...escalationCases,
  ...usersKeysNativeCases,
  ...awsTemplateCases,
];

export { stackCases };
