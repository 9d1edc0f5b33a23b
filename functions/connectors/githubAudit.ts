import { registerConnectorTimer } from './timer.js';

registerConnectorTimer('github-audit');
