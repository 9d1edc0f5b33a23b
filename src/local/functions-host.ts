import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import azureFunctions, {
  type HttpResponseInit,
  type Timer,
  type TimerFunctionOptions,
} from '@azure/functions';
import type { Registrations } from '../../functions/register.js';
import type { Clock } from './clock.js';
import { HttpError, type Router, readBody } from './server/http.js';

// The package is CommonJS bundled by webpack, so Node sees these classes only on the default export.
const { HttpRequest, InvocationContext } = azureFunctions;

// The Functions host's default request body limit is 100 MB; responders take incident payloads only.
const maxRequestBytes = 10_000_000;

export interface TimerState {
  name: string;
  everyTicks: bigint;
  nextRun: bigint;
  lastRun?: string;
  lastError?: string;
  runs: number;
}

/**
 * Hosts the Functions app in-process, the way the Functions runtime would: HTTP functions under
 * `/api/<route>` with function-key authorization, timers on the (simulated) clock.
 */
export class FunctionsHost {
  readonly timers: TimerState[];
  private running = new Set<string>();

  constructor(
    private readonly registrations: Registrations,
    private readonly functionKey: string,
    private readonly clock: Clock,
    private readonly log: (line: string) => void,
    /** Also show the functions' information-level logs (each connector run and responder call). */
    private readonly verbose = false,
  ) {
    const start = clock.ticks();
    this.timers = [...registrations.timer].map(([name, options]) => ({
      name,
      everyTicks: timerPeriodTicks(options),
      nextRun: start,
      runs: 0,
    }));
  }

  addRoutes(router: Router): void {
    for (const [name, options] of this.registrations.http) {
      const route = `/api/${options.route ?? name}`;
      for (const method of options.methods ?? ['GET', 'POST']) {
        router.add(method, route, async ({ request, response, url, params }) => {
          if ((options.authLevel ?? 'anonymous') !== 'anonymous') this.authorize(url, request.headers);
          const body = await readBody(request, maxRequestBytes);
          const headers = Object.fromEntries(
            Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
          );
          const httpRequest = new HttpRequest({
            method,
            url: url.toString(),
            headers,
            params,
            query: Object.fromEntries(url.searchParams),
            body: body.length > 0 ? { bytes: body } : undefined,
          });
          const result = (await options.handler(httpRequest, this.context(name))) as
            | HttpResponseInit
            | undefined;
          writeResult(response, result ?? {});
        });
      }
    }
  }

  /** Starts due timers; a timer still running from its previous tick is not started twice. */
  tick(): void {
    const now = this.clock.ticks();
    for (const timer of this.timers) {
      if (timer.nextRun > now || this.running.has(timer.name)) continue;
      // "How to disable functions in Azure Functions": the app setting AzureWebJobs.<name>.Disabled.
      if (process.env[`AzureWebJobs.${timer.name}.Disabled`]?.toLowerCase() === 'true') continue;
      timer.nextRun = now + timer.everyTicks;
      const options = this.registrations.timer.get(timer.name) as TimerFunctionOptions;
      const info: Timer = {
        isPastDue: false,
        schedule: { adjustForDST: false },
        scheduleStatus: { last: timer.lastRun ?? '', lastUpdated: this.clock.iso(), next: '' },
      };
      this.running.add(timer.name);
      timer.lastRun = this.clock.iso();
      Promise.resolve(options.handler(info, this.context(timer.name)))
        .then(() => {
          timer.runs++;
          timer.lastError = undefined;
        })
        .catch((error: Error) => {
          timer.lastError = error.message;
          this.log(`timer ${timer.name} failed: ${error.message}`);
        })
        .finally(() => this.running.delete(timer.name));
    }
  }

  /** Resolves when no timer invocation is in flight. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  private context(functionName: string): azureFunctions.InvocationContext {
    return new InvocationContext({
      functionName,
      invocationId: randomUUID(),
      logHandler: (level, ...args) => {
        if (this.verbose || !['information', 'debug', 'trace'].includes(level)) {
          this.log(`[${functionName}] ${level}: ${args.map(String).join(' ')}`);
        }
      },
    });
  }

  private authorize(url: URL, headers: Record<string, string | string[] | undefined>): void {
    const given = url.searchParams.get('code') ?? headers['x-functions-key'];
    const expected = Buffer.from(this.functionKey);
    const actual = Buffer.from(typeof given === 'string' ? given : '');
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      throw new HttpError(401, 'Unauthorized', 'a valid function key is required (code= or x-functions-key)');
    }
  }
}

function writeResult(response: ServerResponse, result: HttpResponseInit): void {
  const headers: Record<string, string> = {};
  new Headers(result.headers as HeadersInit).forEach((value, key) => {
    headers[key] = value;
  });
  let body: string | Uint8Array = '';
  if (result.jsonBody !== undefined) {
    body = JSON.stringify(result.jsonBody);
    headers['content-type'] ??= 'application/json';
  } else if (typeof result.body === 'string' || result.body instanceof Uint8Array) {
    body = result.body;
  }
  response.writeHead(result.status ?? 200, headers);
  response.end(body);
}

/**
 * The period of an NCRONTAB schedule ("{second} {minute} {hour} {day} {month} {day-of-week}") for
 * the forms timers use: `*\/N` in one field with the finer fields fixed. Other schedules are refused
 * rather than run at a guessed rate.
 */
export function timerPeriodTicks(options: TimerFunctionOptions): bigint {
  const fields = options.schedule.trim().split(/\s+/);
  const units = [10_000_000n, 600_000_000n, 36_000_000_000n, 864_000_000_000n];
  if (fields.length === 6) {
    for (let i = 0; i < units.length; i++) {
      const every = /^\*\/(\d+)$/.exec(fields[i]);
      if (every) return BigInt(every[1]) * units[i];
      if (fields[i] === '*') return units[i];
    }
  }
  throw new Error(`timer schedule '${options.schedule}' is not of the form '0 */N * * * *'`);
}
