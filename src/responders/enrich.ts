import { createHash } from 'node:crypto';
import { kqlString } from '../query/kqlLiteral.js';
import type { LogsQuery, LogsRow } from '../query/logs.js';
import type { AccountEntity, IncidentContext } from '../sentinel/trigger.js';
import { type ActionDeps, escapeHtml, type ResponderResult, runActions, skipped } from './action.js';

export interface EnrichDeps extends ActionDeps {
  logs: LogsQuery;
  /** Log Analytics workspace id to use when the trigger body carries none (bare incident bodies). */
  workspaceId?: string;
}

// Microsoft's "TI map IP entity to …" analytics rules look back 14 days of indicators; we use the same window.
const TI_LOOKBACK = 'P14D';
const SIGNIN_LOOKBACK = 'P1D';

export function threatIntelQuery(ips: readonly string[]): string {
  return [
    'ThreatIntelIndicators',
    '| where ObservableKey in ("ipv4-addr:value", "ipv6-addr:value")',
    `| where ObservableValue in (${ips.map(kqlString).join(', ')})`,
    '| summarize arg_max(TimeGenerated, IsActive, Confidence, SourceSystem, ValidUntil) by Id, ObservableValue',
    '| where IsActive and (isnull(ValidUntil) or ValidUntil > now())',
    '| summarize Indicators = count(), MaxConfidence = max(Confidence), Sources = make_set(SourceSystem, 5) by ObservableValue',
  ].join('\n');
}

export function signInQuery(accounts: readonly AccountEntity[]): string {
  const upns = accounts.flatMap((a) => (a.userPrincipalName ? [a.userPrincipalName] : []));
  const ids = accounts.flatMap((a) => (a.aadUserId ? [a.aadUserId] : []));
  const match = [
    upns.length ? `UserPrincipalName in~ (${upns.map(kqlString).join(', ')})` : '',
    ids.length ? `UserId in~ (${ids.map(kqlString).join(', ')})` : '',
  ].filter(Boolean);
  return [
    'SigninLogs',
    `| where ${match.join(' or ')}`,
    '| summarize SignIns = count(), Failures = countif(ResultType != "0"), Countries = make_set(Location, 10)',
    '    by UserPrincipalName = tolower(UserPrincipalName), UserId = tolower(UserId)',
  ].join('\n');
}

function list(value: unknown): string[] {
  const parsed = typeof value === 'string' ? safeJson(value) : value;
  return Array.isArray(parsed) ? parsed.filter((v) => v !== '' && v !== null).map(String) : [];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function ipLine(ip: string, row: LogsRow | undefined): string {
  if (!row) return `${ip}: no active indicator`;
  const sources = list(row.Sources);
  return `${ip}: ${Number(row.Indicators)} active indicator(s), max confidence ${row.MaxConfidence ?? 'n/a'}${
    sources.length ? `, sources ${sources.join(', ')}` : ''
  }`;
}

function accountLine(account: AccountEntity, rows: LogsRow[]): string {
  const upn = account.userPrincipalName?.toLowerCase();
  const row = rows.find(
    (r) => (upn && r.UserPrincipalName === upn) || (account.aadUserId && r.UserId === account.aadUserId),
  );
  const name = account.userPrincipalName ?? account.display;
  if (!row) return `${name}: no sign-ins`;
  const countries = list(row.Countries);
  return `${name}: ${Number(row.SignIns)} sign-in(s), ${Number(row.Failures)} failed${
    countries.length ? `, countries ${countries.join(', ')}` : ''
  }`;
}

function section(title: string, lines: string[]): string {
  return `<p><b>${escapeHtml(title)}</b></p><ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`;
}

/** Adds one comment with IP reputation (ThreatIntelIndicators) and 24 h sign-in summaries (SigninLogs). */
export async function enrichIncident(incident: IncidentContext, deps: EnrichDeps): Promise<ResponderResult> {
  const { ips, accounts } = incident.entities;
  const workspaceId = incident.workspaceId ?? deps.workspaceId;
  const skip = (detail: string): ResponderResult => ({
    incident: incident.armId,
    actions: [skipped('enrich', 'incident', detail)],
  });
  if (!ips.length && !accounts.length) return skip('no IP or account entities');
  if (!workspaceId) return skip('no Log Analytics workspace id in the trigger body or settings');

  // The target names the entity set, so new entities (an alert added later) earn a new enrichment.
  const entityKey = [...ips, ...accounts.map((a) => a.aadUserId ?? a.userPrincipalName ?? '')]
    .sort()
    .join('\n');
  const target = `entities:${createHash('sha256').update(entityKey).digest('hex').slice(0, 16)}`;

  return runActions(
    incident,
    deps,
    [
      {
        action: 'enrich',
        target,
        async run() {
          const [ti, signIns] = await Promise.all([
            ips.length
              ? deps.logs.query(workspaceId, threatIntelQuery(ips), TI_LOOKBACK)
              : Promise.resolve([]),
            accounts.length
              ? deps.logs.query(workspaceId, signInQuery(accounts), SIGNIN_LOOKBACK)
              : Promise.resolve([]),
          ]);
          const parts = ['<p><b>sentinel-kit enrichment</b></p>'];
          if (ips.length) {
            const byIp = new Map(ti.map((row) => [String(row.ObservableValue), row]));
            parts.push(
              section(
                'IP reputation (ThreatIntelIndicators, 14 days)',
                ips.map((ip) => ipLine(ip, byIp.get(ip))),
              ),
            );
          }
          if (accounts.length) {
            parts.push(
              section(
                'Sign-ins (SigninLogs, last 24 hours)',
                accounts.map((a) => accountLine(a, signIns)),
              ),
            );
          }
          return parts.join('');
        },
        comment: (html) => html,
      },
    ],
    skipped('enrich', 'incident', 'nothing to do'),
  );
}
