import type { AccessToken, TokenCredential } from '@azure/core-auth';

/**
 * The credential the local SOC's endpoints accept. It is not a secret: the endpoints listen on
 * loopback only and hold sample data, and a fixed value lets any SDK client be pointed at them.
 */
export const localDevToken = 'sentinel-kit-local-dev';

export class LocalDevCredential implements TokenCredential {
  async getToken(): Promise<AccessToken> {
    return { token: localDevToken, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}
