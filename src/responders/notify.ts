import type { ResponseTarget } from '../sentinel/trigger.js';
import { type ActionDeps, type ResponderResult, runActions, skipped } from './action.js';
import type { Notifier } from './teams.js';

export interface NotifyDeps extends ActionDeps {
  teams: Notifier;
  /** Portal root for the incident link; sovereign clouds use their own portal host. */
  portalUrl?: string;
}

// Adaptive Card TextBlocks render Markdown, so an attacker-chosen incident title could carry a link.
// Brackets and angle brackets are what link syntax needs; swapping them keeps the text readable.
function plain(text: string): string {
  return text.replace(/\[/g, '(').replace(/\]/g, ')').replace(/</g, '‹').replace(/>/g, '›');
}

/** The Teams message: the Adaptive Card attachment shape that Workflows webhooks post to a channel. */
export function incidentCard(
  incident: ResponseTarget,
  portalUrl: string,
  heading = incident.ref ? 'Sentinel incident' : 'Sentinel alert',
): Record<string, unknown> {
  const { accounts, ips, hosts } = incident.entities;
  const facts = [
    ['Severity', incident.severity],
    ['Status', incident.status],
    ['Owner', incident.owner?.userPrincipalName ?? incident.owner?.assignedTo ?? 'unassigned'],
    ['Alerts', incident.alertsCount === undefined ? 'n/a' : String(incident.alertsCount)],
    ['Accounts', accounts.map((a) => a.userPrincipalName ?? a.display).join(', ') || 'none'],
    ['IPs', ips.join(', ') || 'none'],
    ['Hosts', hosts.map((h) => h.dnsName).join(', ') || 'none'],
  ].map(([title, value]) => ({ title, value: plain(value) }));
  const number = incident.number === undefined ? '' : ` #${incident.number}`;
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'TextBlock',
              size: 'Medium',
              weight: 'Bolder',
              wrap: true,
              text: `${plain(heading)}${number}`,
            },
            { type: 'TextBlock', wrap: true, text: plain(incident.title) },
            { type: 'FactSet', facts },
          ],
          // An alert has no incident page to link to.
          actions: incident.ref
            ? [
                {
                  type: 'Action.OpenUrl',
                  title: 'Open in Microsoft Sentinel',
                  url: `${portalUrl}/#asset/Microsoft_Azure_Security_Insights/Incident${encodeURI(incident.armId)}`,
                },
              ]
            : [],
        },
      },
    ],
  };
}

/** Posts one card per incident to the SOC channel. */
export async function notifyTeams(incident: ResponseTarget, deps: NotifyDeps): Promise<ResponderResult> {
  const portalUrl = deps.portalUrl ?? 'https://portal.azure.com';
  return runActions(
    incident,
    deps,
    [
      {
        action: 'notify',
        target: 'teams',
        async run() {
          await deps.teams.post(incidentCard(incident, portalUrl));
          return `Posted the ${incident.ref ? 'incident' : 'alert'} summary to the SOC Teams channel.`;
        },
      },
    ],
    skipped('notify', 'teams', 'nothing to do'),
  );
}
