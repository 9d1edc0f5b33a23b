import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A small JSON document replaced atomically (write a temporary file, fsync, rename, fsync the
 * folder), so a crash leaves either the previous or the new version, never half of one. Bigints
 * (tick times) are kept exactly as `{"$bigint": "<digits>"}`.
 */
export class StateFile<T> {
  constructor(readonly file: string) {}

  read(): T | undefined {
    if (!existsSync(this.file)) return undefined;
    const text = readFileSync(this.file, 'utf8');
    try {
      return JSON.parse(text, (_, value) =>
        value !== null && typeof value === 'object' && typeof value.$bigint === 'string'
          ? BigInt(value.$bigint)
          : value,
      ) as T;
    } catch (error) {
      throw new Error(
        `${this.file}:1:1: error SK7002: unreadable state (${(error as Error).message}); move the file aside, then restart`,
      );
    }
  }

  write(value: T): void {
    const text = JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v));
    const temporary = `${this.file}.tmp`;
    const fd = openSync(temporary, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.file);
    const folder = openSync(dirname(this.file), 'r');
    try {
      fsyncSync(folder);
    } finally {
      closeSync(folder);
    }
  }
}
