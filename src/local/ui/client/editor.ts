// The KQL console's editor: Monaco with @kusto/monaco-kusto, as in the Azure portal's Logs blade, loaded
// on first use through the AMD loader the packages ship (served under /editor/ by editor-routes.ts).
// Completion and diagnostics come from Kusto.Language in monaco-kusto's worker, given the workspace's
// tables and functions from /api/schema. If the editor cannot load, the plain textarea stays.

interface AmdRequire {
  (modules: string[], loaded: () => void, failed: (error: unknown) => void): void;
  config(options: { paths: Record<string, string> }): void;
}

/** The part of Monaco's editor API the console uses. */
export interface KustoEditor {
  getValue(): string;
  setValue(value: string): void;
}

let monaco: Promise<any> | undefined;

function loadMonaco(): Promise<any> {
  monaco ??= new Promise((resolve, reject) => {
    const loader = document.createElement('script');
    loader.src = '/editor/vs/loader.js';
    loader.addEventListener('error', () => reject(new Error('the editor did not load')));
    loader.addEventListener('load', () => {
      const amd = (window as unknown as { require: AmdRequire }).require;
      amd.config({ paths: { vs: '/editor/vs' } });
      amd(
        ['vs/editor/editor.main', 'vs/language/kusto/monaco.contribution'],
        () => resolve((window as unknown as { monaco: unknown }).monaco),
        reject,
      );
    });
    document.head.append(loader);
  });
  return monaco;
}

/**
 * Replaces `textarea` with a Kusto editor holding its text; Shift+Enter runs the query, as in the
 * portal. Resolves to undefined (and leaves the textarea) when the editor cannot load.
 */
export async function kustoEditor(
  textarea: HTMLTextAreaElement,
  run: () => void,
): Promise<KustoEditor | undefined> {
  let api: any;
  try {
    api = await loadMonaco();
  } catch {
    return undefined;
  }
  if (!textarea.isConnected) return undefined;
  const host = document.createElement('div');
  host.className = 'kql-editor';
  host.dataset.editor = 'monaco-kusto';
  textarea.after(host);
  textarea.hidden = true;
  const dark = matchMedia('(prefers-color-scheme: dark)').matches;
  const editor = api.editor.create(host, {
    value: textarea.value,
    language: 'kusto',
    theme: dark ? 'kusto-dark' : 'kusto-light',
    ariaLabel: 'KQL query',
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    automaticLayout: true,
    fontSize: 14,
  });
  editor.addCommand(api.KeyMod.Shift | api.KeyCode.Enter, run);
  void loadSchema(api, editor);
  return editor as KustoEditor;
}

/** Gives monaco-kusto's worker the workspace's tables and functions; the editor is usable before. */
async function loadSchema(api: any, editor: any): Promise<void> {
  try {
    const schema = await (await fetch('/api/schema')).json();
    const worker = await (await api.languages.kusto.getKustoWorker())(editor.getModel().uri);
    await worker.setSchema(schema);
  } catch (error) {
    // The editor still colours and checks syntax; every table shows as unknown.
    console.error('KQL editor: the workspace schema did not load', error);
  }
}
