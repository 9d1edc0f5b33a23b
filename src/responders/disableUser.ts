import type { ResponseTarget } from '../sentinel/trigger.js';
import {
  type ActionDeps,
  ActionFailed,
  type ActionItem,
  type ResponderResult,
  runActions,
  skipped,
} from './action.js';
import type { GraphApi } from './graph.js';

export interface DisableUserDeps extends ActionDeps {
  graph: GraphApi;
  /** UPNs or object ids never disabled, whatever the incident says (break-glass and service accounts). */
  protectedAccounts?: readonly string[];
}

const ACTION = 'disable-user';

/**
 * Application permissions each step needs, any one set of each list sufficing, from the Graph v1.0 reference:
 * update user's accountEnabled: User.EnableDisableAccount.All + User.Read.All, or User.ReadWrite.All, or
 * Directory.ReadWrite.All (https://learn.microsoft.com/graph/api/user-update#permissions); revokeSignInSessions:
 * User.RevokeSessions.All, with no higher-privileged application permission listed
 * (https://learn.microsoft.com/graph/api/user-revokesigninsessions#permissions).
 */
export const DISABLE_USER_PERMISSIONS = {
  disable: [
    ['User.EnableDisableAccount.All', 'User.Read.All'],
    ['User.ReadWrite.All'],
    ['Directory.ReadWrite.All'],
  ],
  revoke: [['User.RevokeSessions.All']],
} as const;

/** What the token lacks for both steps, so the account is never disabled by a run that cannot revoke. */
function missingPermissions(granted: ReadonlySet<string>): string[] {
  return Object.values(DISABLE_USER_PERMISSIONS).flatMap((options) =>
    options.some((set) => set.every((p) => granted.has(p)))
      ? []
      : [options.map((set) => set.join(' + ')).join(' or ')],
  );
}

/** Disables each Entra account entity (accountEnabled=false) and revokes its refresh tokens. */
export async function disableUsers(
  incident: ResponseTarget,
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
        // Checked before the first call: a 403 on revoke after the disable would leave half an action.
        const granted = await deps.graph.applicationPermissions();
        const missing = granted ? missingPermissions(granted) : [];
        if (missing.length > 0) {
          throw new ActionFailed(
            `Graph application permission missing: ${missing.join('; ')} (nothing was changed)`,
            false,
          );
        }
        await deps.graph.disableUser(user);
        // Disabling blocks new sign-ins only; revoking invalidates the refresh tokens already issued.
        await deps.graph.revokeSignInSessions(user);
        return `Disabled Entra user ${account.userPrincipalName ?? user} and revoked its sign-in sessions.`;
      },
    };
  });
  return runActions(incident, deps, items, skipped(ACTION, 'incident', 'no account entities'));
}
