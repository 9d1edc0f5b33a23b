import { RestClient, type RetryOptions } from '../sentinel/rest.js';

/** Posts a message card to the SOC channel; the local SOC can implement it in-process. */
export interface Notifier {
  post(card: Record<string, unknown>): Promise<void>;
}

/**
 * Teams incoming webhook or Workflows ("Post to a channel when a webhook request is received") URL. The URL
 * is the secret: it is never logged and never appears in errors (`DownstreamError` carries status only).
 */
export class TeamsWebhook implements Notifier {
  private readonly rest: RestClient;

  constructor(webhookUrl: string, retry?: RetryOptions) {
    this.rest = new RestClient({ baseUrl: webhookUrl, service: 'Teams', retry });
  }

  async post(card: Record<string, unknown>): Promise<void> {
    await this.rest.send({ method: 'POST', path: '', body: card });
  }
}
