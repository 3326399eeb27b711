export { loadGatewayConfig, parseGatewayConfig, type LoadConfigOptions, type LoadConfigResult } from './load.js';
export { GatewayConfigSchema, type GatewayConfigFile } from './schema.js';
export { DEFAULTS, type AuthToken, type GatewayConfig, type ReceiverConfig, type ServiceConfig } from './types.js';
export { parseByteSize, parseDuration, parseHostPort, type HostPort } from './units.js';
