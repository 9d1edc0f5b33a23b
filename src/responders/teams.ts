import { RestClient, type RetryOptions } from '../sentinel/rest.js';

/** Posts a message card to the SOC channel; the local SOC can implement it in-process. */
export interface Notifier {
  post(card: Record<string, unknown>): Promise<void>;
}

/**
 * Microsoft retired Office 365 Connectors in Teams, incoming webhooks included ("Retirement of Office 365
 * connectors within Microsoft Teams", devblogs.microsoft.com/microsoft365dev/retirement-of-office-365-connectors-within-microsoft-teams/):
 * their URLs (`<tenant>.webhook.office.com/webhookb2/…`, `outlook.office.com/webhook/…`) no longer post.
 */
function isLegacyIncomingWebhook(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  return (
    host === 'webhook.office.com' ||
    host.endsWith('.webhook.office.com') ||
    (/^outlook\.office(365)?\.com$/.test(host) && url.pathname.toLowerCase().startsWith('/webhook'))
  );
}

/**
 * A Teams Workflows webhook ("Post to a channel when a webhook request is received"). The URL is the
 * secret: it is never logged and never appears in errors (`DownstreamError` carries status only).
 */
export class TeamsWebhook implements Notifier {
  private readonly rest: RestClient;

  constructor(webhookUrl: string, retry?: RetryOptions) {
    let url: URL;
    try {
      url = new URL(webhookUrl);
    } catch {
      throw new Error('the Teams webhook URL is not a URL');
    }
    if (isLegacyIncomingWebhook(url)) {
      throw new Error(
        'the Teams webhook URL is a legacy incoming webhook (Office 365 Connectors), which Microsoft retired; ' +
          'create a Workflows webhook ("Post to a channel when a webhook request is received") and use its URL',
      );
    }
    this.rest = new RestClient({ baseUrl: webhookUrl, service: 'Teams', retry });
  }

  async post(card: Record<string, unknown>): Promise<void> {
    await this.rest.send({ method: 'POST', path: '', body: card });
  }
}
