import { registerConnectorTimer } from './timer.js';

registerConnectorTimer('okta');
