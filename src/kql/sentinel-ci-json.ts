/**
 * The Azure-Sentinel CI reads its schema files (CustomTables, CustomFunctions) with Newtonsoft.Json,
 * which is more lenient than JSON.parse in two ways its files rely on: a trailing comma before `]`
 * or `}` (CustomTables/GitHubAuditData.json) and property names in any case (`"name"`/`"type"` in
 * CustomTables/PowerPlatformAdminActivity.json, `"Name"`/`"Type"` elsewhere). These read them the same way.
 */

/** JSON.parse after dropping commas that only precede a closing bracket (outside strings). */
export function parseCiJson(text: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    if (c === ',' && /^\s*[\]}]/.test(text.slice(i + 1, i + 200))) continue;
    out += c;
  }
  return JSON.parse(out);
}

/** A property of an object from those files, matched case-insensitively as Newtonsoft does. */
export function ciField(object: unknown, key: string): unknown {
  if (typeof object !== 'object' || object === null) return undefined;
  const wanted = key.toLowerCase();
  const found = Object.keys(object).find((k) => k.toLowerCase() === wanted);
  return found === undefined ? undefined : (object as Record<string, unknown>)[found];
}
