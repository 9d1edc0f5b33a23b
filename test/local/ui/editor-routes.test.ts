import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Router } from '../../../src/local/server/http.js';
import { assetFile } from '../../../src/local/ui/editor-routes.js';
import { pageContentSecurityPolicy } from '../../../src/local/ui/page.js';

describe("the KQL console editor's files", () => {
  it('are the AMD layout monaco-kusto documents: Monaco min/vs, with monaco-kusto as vs/language/kusto', () => {
    for (const path of [
      'vs/loader.js',
      'vs/editor/editor.main.js',
      'vs/editor/editor.main.css',
      'vs/base/worker/workerMain.js',
      'vs/language/kusto/monaco.contribution.js',
      'vs/language/kusto/kustoWorker.js',
      'vs/language/kusto/Kusto.Language.Bridge.min.js',
    ]) {
      const asset = assetFile(path);
      expect(asset, path).toBeDefined();
      expect(existsSync(asset!.file), asset!.file).toBe(true);
    }
    expect(assetFile('vs/language/kusto/kustoWorker.js')!.file).toMatch(
      /@kusto\/monaco-kusto\/release\/min\//,
    );
  });

  it('are nothing else: no way out of the two folders, no other file types', () => {
    for (const path of [
      '../package.json',
      'vs/../../package.json',
      'vs/language/kusto/../../../../package.json',
      'vs/./loader.js',
      'vs//loader.js',
      '/etc/passwd',
      'vs/loader.js.map',
      'vs/editor/editor.main.nls.js\u0000',
      'node_modules/monaco-editor/package.json',
      'vs/.hidden.js',
    ]) {
      expect(assetFile(path), path).toBeUndefined();
    }
  });
});

describe('a route ending in *', () => {
  it('matches the rest of the path, one segment or more, as the parameter *', async () => {
    const seen: string[] = [];
    const router = new Router().add('GET', '/editor/*', ({ params }) => {
      seen.push(params['*']);
    });
    const handle = (url: string) =>
      router.handle({ method: 'GET', url } as IncomingMessage, {} as ServerResponse);
    expect(await handle('/editor/vs/base/worker/workerMain.js')).toBe(true);
    expect(await handle('/editor/loader.js')).toBe(true);
    expect(await handle('/editor/')).toBe(false);
    expect(await handle('/other/vs/loader.js')).toBe(false);
    expect(seen).toEqual(['vs/base/worker/workerMain.js', 'loader.js']);
  });
});

describe("the page's own Content-Security-Policy", () => {
  it('loosens styles, fonts and data: images for the editor, and nothing for scripts or framing', () => {
    const directives = Object.fromEntries(
      pageContentSecurityPolicy.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values.join(' ')];
      }),
    );
    expect(directives).toEqual({
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': "'self' 'unsafe-inline'",
      'font-src': "'self'",
      'connect-src': "'self'",
      'img-src': "'self' data:",
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'none'",
    });
  });
});
