/**
 * The page's styles, served as /app.css rather than inline so the Content-Security-Policy can stay
 * `'self'` only (an inline <style> would need 'unsafe-inline' or a hash kept in step with it).
 */
export const pageCss = `  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { margin: 0; }
  header { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1rem; background: #1b3a5c; color: #fff; }
  header a { color: #fff; }
  header a[aria-current="page"] { font-weight: 700; text-decoration: underline; }
  nav ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
  main { padding: 1rem; max-width: 1200px; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
  th, td { border: 1px solid #8884; padding: .3rem .5rem; text-align: left; vertical-align: top; }
  th { background: #8882; }
  .sev-High { color: #b00020; font-weight: 700; } .sev-Medium { color: #b35c00; font-weight: 700; }
  textarea { width: 100%; font-family: ui-monospace, monospace; font-size: 14px; }
  .kql-editor { height: 220px; border: 1px solid #8884; margin-bottom: .5rem; }
  .error { color: #b00020; } .muted { opacity: .7; }
  .matrix { display: grid; grid-auto-flow: column; grid-auto-columns: minmax(120px, 1fr); gap: .3rem; overflow-x: auto; }
  .matrix h2 { font-size: .85rem; overflow-wrap: anywhere; margin: 0 0 .3rem; }
  .matrix ul, .legend { list-style: none; margin: 0; padding: 0; }
  .legend { display: flex; gap: .5rem; margin-bottom: .5rem; }
  .heat { font-size: .72rem; padding: .15rem .3rem; margin-bottom: 2px; border: 1px solid #8884; }
  .heat-0 { border-style: dashed; opacity: .75; } .heat-1 { background: #66bb6a55; }
  .heat-2 { background: #43a04799; } .heat-3 { background: #2e7d32cc; color: #fff; }
  .actions { display: flex; gap: .5rem; }
  ol.timeline li { margin-bottom: .4rem; }
  pre { white-space: pre-wrap; }
  .breached { color: #b00020; font-weight: 700; } .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 1rem; }
`;

/**
 * The page's own Content-Security-Policy, replacing the server-wide one on the document only. Monaco (the
 * KQL console's editor) writes its theme and token colours into <style> elements it creates at run time
 * (monaco-editor 0.46 has no nonce support), so styles need 'unsafe-inline'; its icons are a font file
 * from /editor/ and its error squiggles SVG data: images. Scripts, workers included, stay 'self' only.
 */
export const pageContentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self'; " +
  "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The single page shell; everything else is rendered by app.js from the JSON API. */
export const indexHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sentinel-kit local SOC</title>
<link rel="stylesheet" href="/app.css">
</head>
<body>
<header>
  <strong>sentinel-kit local SOC</strong>
  <nav aria-label="Main"><ul>
    <li><a href="#/incidents">Incidents</a></li>
    <li><a href="#/query">Query</a></li>
    <li><a href="#/rules">Rule health</a></li>
    <li><a href="#/detections">Detections &amp; summaries</a></li>
    <li><a href="#/sla">SLA</a></li>
    <li><a href="#/operations">Operations</a></li>
    <li><a href="#/coverage">ATT&amp;CK coverage</a></li>
    <li><a href="#/attacks">Inject attack</a></li>
    <li><a href="#/sandbox">Containment</a></li>
  </ul></nav>
  <span id="clock" class="muted" aria-live="off"></span>
</header>
<main id="main" tabindex="-1"></main>
<div id="status" role="status" aria-live="polite" class="muted"></div>
<script type="module" src="/app.js"></script>
</body>
</html>`;
