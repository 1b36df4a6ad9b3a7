import { noPartialWildcardActions, noWildcardActions } from "./actions";
import { noPrivilegeEscalation } from "./escalation";
import { noAdminManagedPolicies } from "./managed-policies";
import { noNotElements } from "./not-elements";
import { documentParseable } from "./parseable";
import { passRoleNamedRoles } from "./pass-role";
import { resourcePolicyNotPublic } from "./resource-policies";
import { noWildcardResources } from "./resources";
import { noUserPolicies } from "./users";
import { oidcTrustPinned, trustCrossAccountExternalId, trustNoPublicPrincipal } from "./trust";

/** Least privilege in every IAM document the stack declares: identity, trust and resource policies. */
export const iamPolicies = [
  documentParseable,
  noWildcardActions,
  noWildcardResources,
  noNotElements,
  passRoleNamedRoles,
  trustNoPublicPrincipal,
  oidcTrustPinned,
  trustCrossAccountExternalId,
  resourcePolicyNotPublic,
  noAdminManagedPolicies,
  noPrivilegeEscalation,
  noUserPolicies,
  noPartialWildcardActions,
];
