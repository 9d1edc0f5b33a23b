import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, unknown>;
};

describe('package-lock.json', () => {
  // npm writes the packages map sorted with localeCompare(…, 'en') (underscore before hyphen:
  // string_decoder before string-width). A lock sorted by code point, as a hand edit left it, is
  // rewritten by the first `npm install` of a fresh clone.
  it('is in the order npm writes it, so npm install leaves it unchanged', () => {
    const keys = Object.keys(lock.packages);
    expect(keys).toEqual([...keys].sort((a, b) => a.localeCompare(b, 'en')));
  });
});
