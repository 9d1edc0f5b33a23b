import { registerConnectorTimer } from './timer.js';

registerConnectorTimer('threatfox');
