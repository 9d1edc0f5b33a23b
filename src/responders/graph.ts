import type { TokenCredential } from '@azure/core-auth';
import {
  audienceOf,
  encodePath,
  type RestClient,
  type ServiceClientOptions,
  serviceClient,
} from '../sentinel/rest.js';

export interface NamedLocation {
  id: string;
  displayName?: string;
  /** CIDR strings, e.g. 203.0.113.5/32 */
  cidrs: string[];
}

/** The Microsoft Graph calls responders make; the local SOC can implement it in-process. */
export interface GraphApi {
  /**
   * The application permissions (app roles) Graph will see on our calls, from the access token's `roles`
   * claim; undefined when the token cannot be read (opaque tokens of local stand-ins).
   */
  applicationPermissions(): Promise<ReadonlySet<string> | undefined>;
  /** `user` is an object id or a UPN. */
  disableUser(user: string): Promise<void>;
  revokeSignInSessions(user: string): Promise<void>;
  getNamedLocation(id: string): Promise<NamedLocation>;
  setNamedLocationCidrs(id: string, cidrs: string[]): Promise<void>;
}

const GRAPH_ROOT = 'https://graph.microsoft.com';

/** The `roles` claim of a JWT access token; undefined when the token is not a readable JWT. */
export function tokenRoles(token: string): ReadonlySet<string> | undefined {
  const [, payload] = token.split('.');
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { roles?: unknown };
    const roles = Array.isArray(claims.roles) ? claims.roles : [];
    return new Set(roles.filter((r): r is string => typeof r === 'string'));
  } catch {
    return undefined;
  }
}

export class GraphClient implements GraphApi {
  private readonly rest: RestClient;
  private readonly credential: TokenCredential;
  private readonly scope: string;

  constructor(options: ServiceClientOptions) {
    this.rest = serviceClient('Graph', GRAPH_ROOT, options);
    this.credential = options.credential;
    this.scope = `${options.audience ?? audienceOf(options.endpoint, GRAPH_ROOT)}/.default`;
  }

  async applicationPermissions(): Promise<ReadonlySet<string> | undefined> {
    const token = await this.credential.getToken(this.scope);
    return token ? tokenRoles(token.token) : undefined;
  }

  async disableUser(user: string): Promise<void> {
    await this.rest.send({ method: 'PATCH', path: userPath(user), body: { accountEnabled: false } });
  }

  async revokeSignInSessions(user: string): Promise<void> {
    await this.rest.send({ method: 'POST', path: userPath(user, 'revokeSignInSessions') });
  }

  async getNamedLocation(id: string): Promise<NamedLocation> {
    const response = await this.rest.send({ method: 'GET', path: namedLocationPath(id) });
    const body = response.body as { id: string; displayName?: string; ipRanges?: { cidrAddress?: string }[] };
    return {
      id: body.id,
      displayName: body.displayName,
      cidrs: (body.ipRanges ?? []).flatMap((r) => (r.cidrAddress ? [r.cidrAddress] : [])),
    };
  }

  /** PATCH replaces the whole ipRanges collection, so callers pass the complete list. */
  async setNamedLocationCidrs(id: string, cidrs: string[]): Promise<void> {
    await this.rest.send({
      method: 'PATCH',
      path: namedLocationPath(id),
      body: {
        '@odata.type': '#microsoft.graph.ipNamedLocation',
        ipRanges: cidrs.map((cidrAddress) => ({
          '@odata.type': cidrAddress.includes(':')
            ? '#microsoft.graph.iPv6CidrRange'
            : '#microsoft.graph.iPv4CidrRange',
          cidrAddress,
        })),
      },
    });
  }
}

function namedLocationPath(id: string): string {
  return encodePath('v1.0', 'identity', 'conditionalAccess', 'namedLocations', id);
}

/**
 * The path of a user by object id or UPN. "If the userPrincipalName begins with a $ character,
 * remove the slash (/) after /users and enclose the userPrincipalName in parentheses and single
 * quotes" (https://learn.microsoft.com/graph/api/user-get), or Graph reads it as a system segment.
 * Inside the OData string a quote is doubled; the leading `$` stays literal.
 */
export function userPath(user: string, ...rest: string[]): string {
  const key = user.startsWith('$')
    ? `/users('${encodeURIComponent(user.replace(/'/g, "''")).replace(/^%24/, '$')}')`
    : encodePath('users', user);
  return `/v1.0${key}${encodePath(...rest)}`;
}
