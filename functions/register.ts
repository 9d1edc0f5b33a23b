import { app, type HttpFunctionOptions, type TimerFunctionOptions } from '@azure/functions';

export interface Registrations {
  http: Map<string, HttpFunctionOptions>;
  timer: Map<string, TimerFunctionOptions>;
}

const registrations: Registrations = { http: new Map(), timer: new Map() };
let hostedLocally = false;

/**
 * Switches registration to the local SOC's in-process host (no Functions runtime, no Core Tools).
 * Call before importing `functions/index.js`; returns the map the local host reads handlers from.
 */
export function hostLocally(): Registrations {
  hostedLocally = true;
  return registrations;
}

export function http(name: string, options: HttpFunctionOptions): void {
  registrations.http.set(name, options);
  if (!hostedLocally) app.http(name, options);
}

export function timer(name: string, options: TimerFunctionOptions): void {
  registrations.timer.set(name, options);
  if (!hostedLocally) app.timer(name, options);
}
