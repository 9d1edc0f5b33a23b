import { createPublicKey, type JsonWebKey, type KeyObject, verify } from 'node:crypto';

/**
 * Who may call a responder in Azure: only its own relay playbook. The relay's HTTP action sends
 * an Entra ID access token of the Logic App's system-assigned managed identity (authentication
 * type ManagedServiceIdentity), so no key is shared, stored or rotated. Managed identity tokens
 * carry `xms_mirid`, the resource id of the resource the identity belongs to; the responder
 * accepts the token only when that is `<relayScope>/providers/Microsoft.Logic/workflows/<relay>`
 * for one of its own relays (`relay-<responder>`, `relay-<responder>-alert`).
 */
export interface RelayAuthPolicy {
  /** Directory (tenant) id whose Entra ID issues the tokens. */
  tenantId: string;
  /** Resource id of the resource group holding the relays (main.bicep: resourceGroup().id). */
  relayScope: string;
  /** Token audience the relays request (main.bicep: environment().resourceManager). */
  audience: string;
  /** Entra ID login endpoint; sovereign clouds differ. */
  authorityHost?: string;
  now?: () => number;
}

export type RelayAuthResult = { ok: true; caller: string } | { ok: false; reason: string };

/** Tolerance for clock skew on exp/nbf, as Microsoft.IdentityModel's default (5 minutes). */
const clockSkewSeconds = 300;
const defaultAuthority = 'https://login.microsoftonline.com';

export class RelayAuthenticator {
  private keys = new Map<string, KeyObject>();
  private lastFetch = 0;

  constructor(private readonly policy: RelayAuthPolicy) {}

  /** Checks the `Authorization` header of a request to `responder`; never throws on bad input. */
  async authenticate(
    authorization: string | null | undefined,
    relayNames: readonly string[],
  ): Promise<RelayAuthResult> {
    const match = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
    if (!match) return { ok: false, reason: 'no bearer token' };
    const [, headerPart, payloadPart, signaturePart] = match;
    const header = decodeJson(headerPart);
    const claims = decodeJson(payloadPart);
    if (!header || !claims) return { ok: false, reason: 'token is not a JWT' };
    // Entra ID signs access tokens with RS256; anything else (including "none") is refused.
    if (header.alg !== 'RS256' || typeof header.kid !== 'string')
      return { ok: false, reason: 'unexpected token algorithm' };
    const key = await this.signingKey(header.kid);
    if (!key) return { ok: false, reason: 'unknown signing key' };
    const signed = Buffer.from(`${headerPart}.${payloadPart}`);
    if (!verify('RSA-SHA256', signed, key, Buffer.from(signaturePart, 'base64url'))) {
      return { ok: false, reason: 'bad signature' };
    }
    return this.checkClaims(claims, relayNames);
  }

  private checkClaims(claims: Record<string, unknown>, relayNames: readonly string[]): RelayAuthResult {
    const { tenantId, relayScope } = this.policy;
    const now = Math.floor((this.policy.now?.() ?? Date.now()) / 1000);
    const authority = trimSlash(this.policy.authorityHost ?? defaultAuthority);
    // v1 tokens (what managed identities get for Azure Resource Manager) and v2 tokens.
    const issuers = [`https://sts.windows.net/${tenantId}/`, `${authority}/${tenantId}/v2.0`];
    if (typeof claims.iss !== 'string' || !issuers.includes(claims.iss))
      return { ok: false, reason: 'wrong issuer' };
    if (claims.tid !== undefined && claims.tid !== tenantId) return { ok: false, reason: 'wrong tenant' };
    if (typeof claims.aud !== 'string' || trimSlash(claims.aud) !== trimSlash(this.policy.audience)) {
      return { ok: false, reason: 'wrong audience' };
    }
    if (typeof claims.exp !== 'number' || claims.exp + clockSkewSeconds < now)
      return { ok: false, reason: 'token expired' };
    if (typeof claims.nbf === 'number' && claims.nbf - clockSkewSeconds > now)
      return { ok: false, reason: 'token not yet valid' };
    const caller = typeof claims.xms_mirid === 'string' ? claims.xms_mirid : '';
    const allowed = relayNames.map((name) =>
      `${relayScope}/providers/Microsoft.Logic/workflows/${name}`.toLowerCase(),
    );
    // Resource ids are case-insensitive.
    if (!allowed.includes(caller.toLowerCase()))
      return { ok: false, reason: "caller is not this responder's relay" };
    return { ok: true, caller };
  }

  /** Entra ID's signing keys (OpenID Connect JWKS), fetched again when an unknown key id appears. */
  private async signingKey(kid: string): Promise<KeyObject | undefined> {
    const now = this.policy.now?.() ?? Date.now();
    // Keys roll over; refetch on an unknown kid, but at most once a minute so bad tokens cannot flood Entra ID.
    if (!this.keys.has(kid) && now - this.lastFetch > 60_000) {
      this.lastFetch = now;
      const authority = trimSlash(this.policy.authorityHost ?? defaultAuthority);
      const response = await fetch(`${authority}/${this.policy.tenantId}/discovery/v2.0/keys`);
      if (response.ok) {
        const { keys } = (await response.json()) as { keys?: (JsonWebKey & { kid?: string })[] };
        this.keys = new Map(
          (keys ?? [])
            .filter((k) => k.kty === 'RSA' && typeof k.kid === 'string')
            .map((k) => [k.kid as string, createPublicKey({ key: k, format: 'jwk' })]),
        );
      }
    }
    return this.keys.get(kid);
  }
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
