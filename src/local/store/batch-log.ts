import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { crc32 } from 'node:zlib';

/**
 * An append-only file of JSON batches, one line each: `{"crc":<crc32 of rows JSON>,"rows":[...]}`.
 * A batch is acknowledged only after write + fsync, so a crash can leave at most one partial last
 * line, which was never acknowledged. Any other damage is corruption and is reported, not skipped.
 */
export interface Batch {
  rows: Record<string, unknown>[];
}

export class CorruptLogError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(
      `${file}:${line}:1: error SK7001: corrupt batch (${reason}); ` +
        'nothing was dropped. Move the file aside or restore it from backup, then restart.',
    );
    this.name = 'CorruptLogError';
  }
}

export interface LogRecovery {
  /** Where an unacknowledged partial batch was moved to, when one was found. */
  quarantinedTo?: string;
  bytes?: number;
}

export function encodeBatch(rows: Record<string, unknown>[]): string {
  const payload = JSON.stringify(rows);
  return `{"crc":${crc32(payload)},"rows":${payload}}\n`;
}

/** Reads every acknowledged batch; throws CorruptLogError on damage before the last line. */
export function readBatches(file: string): { batches: Batch[]; recovery: LogRecovery } {
  if (!existsSync(file)) return { batches: [], recovery: {} };
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const tail = lines.pop() ?? '';
  const batches = lines.map((line, index) => decodeLine(file, index + 1, line));
  if (tail === '') return { batches, recovery: {} };
  return { batches, recovery: quarantineTail(file, tail) };
}

/**
 * The complete batches appended since byte `offset`, for a reader that follows a log another thread
 * writes (the query worker). It never changes the file: a last line without its newline is still
 * being written and is read next time. Line numbers in errors count from `offset`.
 */
export function readBatchesSince(file: string, offset: number): { batches: Batch[]; offset: number } {
  if (!existsSync(file)) return { batches: [], offset };
  const size = statSync(file).size;
  if (size <= offset) return { batches: [], offset };
  const buffer = Buffer.alloc(size - offset);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, offset);
  } finally {
    closeSync(fd);
  }
  const end = buffer.lastIndexOf(0x0a);
  if (end < 0) return { batches: [], offset };
  const lines = buffer.subarray(0, end).toString('utf8').split('\n');
  return { batches: lines.map((line, i) => decodeLine(file, i + 1, line)), offset: offset + end + 1 };
}

function decodeLine(file: string, line: number, text: string): Batch {
  const match = /^\{"crc":(\d+),"rows":(.*)\}$/.exec(text);
  if (!match) throw new CorruptLogError(file, line, 'not a batch frame');
  const payload = match[2];
  if (crc32(payload) !== Number(match[1])) throw new CorruptLogError(file, line, 'checksum mismatch');
  let rows: unknown;
  try {
    rows = JSON.parse(payload);
  } catch (error) {
    throw new CorruptLogError(file, line, `bad JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(rows)) throw new CorruptLogError(file, line, 'rows is not an array');
  return { rows: rows as Record<string, unknown>[] };
}

/**
 * A last line without its newline is a write that was cut off before fsync returned, so the caller
 * never got an acknowledgement. It is kept in a side file (never deleted) and cut from the log so
 * appends continue on a clean line.
 */
function quarantineTail(file: string, tail: string): LogRecovery {
  const quarantinedTo = `${file}.partial-${Date.now()}`;
  const fd = openSync(quarantinedTo, 'wx');
  try {
    writeSync(fd, tail);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const bytes = Buffer.byteLength(tail);
  truncateSync(file, statSync(file).size - bytes);
  return { quarantinedTo, bytes };
}

/**
 * The file operations an append makes, injectable so a test can stand in a disk that loses
 * everything not yet fsynced when it "crashes" (a kill -9 keeps the OS page cache, so only a
 * simulated power cut shows a missing fsync).
 */
export interface AppendFileSystem {
  openSync(file: string, flags: 'a'): number;
  writeSync(fd: number, text: string): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
}

const nodeFileSystem: AppendFileSystem = { openSync, writeSync, fsyncSync, closeSync };

export class BatchLog {
  private fd: number | undefined;

  constructor(
    readonly file: string,
    private readonly fs: AppendFileSystem = nodeFileSystem,
  ) {}

  /** Appends and fsyncs; when this returns the batch survives a crash. */
  append(rows: Record<string, unknown>[]): void {
    this.fd ??= this.fs.openSync(this.file, 'a');
    this.fs.writeSync(this.fd, encodeBatch(rows));
    this.fs.fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) this.fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
