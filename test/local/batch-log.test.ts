import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchLog, CorruptLogError, encodeBatch, readBatches } from '../../src/local/store/batch-log.js';

function tempLog(): string {
  return join(mkdtempSync(join(tmpdir(), 'sk-log-')), 'T.ndjson');
}

describe('batch log', () => {
  it('reads back every appended batch in order', () => {
    const file = tempLog();
    const log = new BatchLog(file);
    log.append([{ a: 1 }, { a: 2 }]);
    log.append([{ a: 3 }]);
    log.close();
    expect(readBatches(file).batches.map((b) => b.rows)).toEqual([[{ a: 1 }, { a: 2 }], [{ a: 3 }]]);
  });

  it('moves an unacknowledged partial last batch to a side file instead of dropping it', () => {
    const file = tempLog();
    writeFileSync(file, encodeBatch([{ a: 1 }]));
    const partial = encodeBatch([{ a: 2 }]).slice(0, 12);
    appendFileSync(file, partial);

    const { batches, recovery } = readBatches(file);
    expect(batches.map((b) => b.rows)).toEqual([[{ a: 1 }]]);
    expect(recovery.bytes).toBe(partial.length);
    expect(readFileSync(recovery.quarantinedTo as string, 'utf8')).toBe(partial);
    expect(readFileSync(file, 'utf8')).toBe(encodeBatch([{ a: 1 }]));

    const log = new BatchLog(file);
    log.append([{ a: 3 }]);
    log.close();
    expect(readBatches(file).batches.map((b) => b.rows)).toEqual([[{ a: 1 }], [{ a: 3 }]]);
  });

  it('refuses a damaged batch before the end, naming file and line', () => {
    const file = tempLog();
    writeFileSync(
      file,
      encodeBatch([{ a: 1 }]) + encodeBatch([{ a: 2 }]).replace('"a":2', '"a":9') + encodeBatch([{ a: 3 }]),
    );
    expect(() => readBatches(file)).toThrow(CorruptLogError);
    expect(() => readBatches(file)).toThrow(`${file}:2:1: error SK7001: corrupt batch (checksum mismatch)`);
  });

  it('refuses a line that is not a batch frame', () => {
    const file = tempLog();
    writeFileSync(file, `${encodeBatch([{ a: 1 }])}hello\n`);
    expect(() => readBatches(file)).toThrow(/:2:1: .*not a batch frame/);
  });

  it('treats a missing file as an empty log', () => {
    const file = tempLog();
    expect(readBatches(file)).toEqual({ batches: [], recovery: {} });
    expect(existsSync(file)).toBe(false);
  });
});

describe('workspace start-up on damaged data', () => {
  it('refuses to open a workspace whose table log is corrupt, naming the file and line', async () => {
    const { Workspace } = await import('../../src/local/store/workspace.js');
    const { catalogOf } = await import('../../src/kql/catalog.js');
    const dir = mkdtempSync(join(tmpdir(), 'sk-corrupt-'));
    const catalog = catalogOf([{ name: 'T_CL', columns: [{ name: 'TimeGenerated', type: 'datetime' }] }]);
    const workspace = new Workspace(dir, catalog);
    workspace.ingest('T_CL', [{ TimeGenerated: '2026-01-01T00:00:00Z' }], 0n);
    workspace.ingest('T_CL', [{ TimeGenerated: '2026-01-01T00:01:00Z' }], 0n);
    workspace.close();
    const file = join(dir, 'tables', 'T_CL.ndjson');
    writeFileSync(file, readFileSync(file, 'utf8').replace('00:00:00', '00:00:09'));
    expect(() => new Workspace(dir, catalog)).toThrow(
      `${file}:1:1: error SK7001: corrupt batch (checksum mismatch)`,
    );
    // Nothing was rewritten or dropped: the damaged file is exactly as it was found.
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  });
});
