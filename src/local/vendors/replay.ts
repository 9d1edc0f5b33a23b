import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Clock } from '../clock.js';

export interface ReplayOptions {
  /** Repository root holding `connectors/<name>/samples/`. */
  root: string;
  /** Simulated time (ms since epoch) the earliest sample is re-stamped to. */
  startMs: number;
  /** An event is served once the simulated clock has reached its time, as a live API would. */
  clock: Clock;
  /** The fixed credential the replay accepts: a local value, not a secret. */
  token: string;
}

/** A sample event placed on the simulated timeline. */
export interface ReplayEvent<T> {
  ms: number;
  id: string;
  event: T;
}

/** Where a listing resumes: strictly after this (time, id), the order every replay lists events in. */
export interface Position {
  ms: number;
  id: string;
}

/** The parsed content of every `*.json` file in `connectors/<connector>/samples/`, by file name. */
export function readSamples(root: string, connector: string): unknown[] {
  const dir = join(root, 'connectors', connector, 'samples');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const file = join(dir, name);
      try {
        return JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        throw new Error(`${file}: ${(error as Error).message}`);
      }
    });
}

export interface Placement<T> {
  time(sample: T): number;
  id(sample: T): string;
  /** The sample with every timestamp moved by `shift`. */
  restamp(sample: T, shift: (ms: number) => number): T;
}

/**
 * Moves the samples so the earliest lands at `startMs`, keeping their spacing. The result depends on
 * the samples and `startMs` only, so every request and every restart sees the same ids and times;
 * vendor cursors and connector checkpoints stay valid.
 */
export function replayTimeline<T>(samples: T[], startMs: number, place: Placement<T>): ReplayEvent<T>[] {
  const times = samples.map((sample) => {
    const ms = place.time(sample);
    if (!Number.isFinite(ms))
      throw new Error(`sample ${JSON.stringify(place.id(sample))} has no valid timestamp`);
    return ms;
  });
  // A reduce, not Math.min(...times): a spread of a large sample file overflows the stack.
  const offset = startMs - times.reduce((min, t) => Math.min(min, t), Number.POSITIVE_INFINITY);
  return samples
    .map((sample, i) => ({
      ms: times[i] + offset,
      id: place.id(sample),
      event: place.restamp(sample, (ms) => ms + offset),
    }))
    .sort(compare);
}

export function compare(a: Position, b: Position): number {
  return a.ms - b.ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The events the simulated clock has reached. */
export function published<T>(events: ReplayEvent<T>[], clock: Clock): ReplayEvent<T>[] {
  const now = clock.date().getTime();
  return events.filter((e) => e.ms <= now);
}

/** An opaque cursor, as vendors hand out in their next-page links. */
export function encodePosition({ ms, id }: Position): string {
  return Buffer.from(`${ms}:${id}`).toString('base64url');
}

export function decodePosition(cursor: string): Position | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  const ms = Number(text.slice(0, colon));
  return colon > 0 && Number.isSafeInteger(ms) ? { ms, id: text.slice(colon + 1) } : undefined;
}

/** Absolute next-page links name the origin the client called, which the connectors check. */
export function requestOrigin(request: IncomingMessage): string {
  return `https://${request.headers.host ?? '127.0.0.1'}`;
}
