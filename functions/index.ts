// Entry point of the Functions app (package.json "main" after build): importing each handler module
// registers it. Handlers stay thin; the logic lives in src/.
import './connectors/githubAudit.js';
import './connectors/okta.js';
import './connectors/threatfox.js';
import './operations/sla.js';
import './responders/blockIp.js';
import './responders/disableUser.js';
import './responders/enrich.js';
import './responders/isolateDevice.js';
import './responders/qaReview.js';
import './responders/notify.js';
import './responders/triage.js';
