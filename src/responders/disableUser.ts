import type { IncidentContext } from '../sentinel/trigger.js';
import { type ActionDeps, type ActionItem, type ResponderResult, runActions, skipped } from './action.js';
import type { GraphApi } from './graph.js';

export interface DisableUserDeps extends ActionDeps {
  graph: GraphApi;
  /** UPNs or object ids never disabled, whatever the incident says (break-glass and service accounts). */
  protectedAccounts?: readonly string[];
}

const ACTION = 'disable-user';

/** Disables each Entra account entity (accountEnabled=false) and revokes its refresh tokens. */
export async function disableUsers(
  incident: IncidentContext,
  deps: DisableUserDeps,
): Promise<ResponderResult> {
  const protectedAccounts = new Set((deps.protectedAccounts ?? []).map((a) => a.toLowerCase()));
  const items: ActionItem[] = incident.entities.accounts.map((account) => {
    const user = account.aadUserId ?? account.userPrincipalName;
    if (!user) return skipped(ACTION, account.display, 'account has no Entra object id or UPN');
    const names = [account.aadUserId, account.userPrincipalName?.toLowerCase()].filter(Boolean) as string[];
    const target = user.toLowerCase();
    if (names.some((n) => protectedAccounts.has(n))) return skipped(ACTION, target, 'protected account');
    return {
      action: ACTION,
      target,
      async run() {
        await deps.graph.disableUser(user);
        // Disabling blocks new sign-ins only; revoking invalidates the refresh tokens already issued.
        await deps.graph.revokeSignInSessions(user);
        return `Disabled Entra user ${account.userPrincipalName ?? user} and revoked its sign-in sessions.`;
      },
    };
  });
  return runActions(incident, deps, items, skipped(ACTION, 'incident', 'no account entities'));
}
