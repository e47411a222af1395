/** The Milvus client layer: the only code that knows the SDK exists. */
export { connect, describeConnectionFailure } from './connection.js';
export type { MilvusConnection } from './connection.js';
export { connectionOptionsFromEnv, ConnectionError, DEFAULT_POOL_SIZE, DEFAULT_TIMEOUT_MS } from './connection-settings.js';
export type { ConnectionFlags, ConnectionOptions, Credentials } from './connection-settings.js';
export { readLiveState } from './read-state.js';
export type { LiveStateRead, ReadOptions } from './read-state.js';
export { executeOperation } from './execute.js';
export type { ExecuteOptions } from './execute.js';
export { MilvusCallError, isMilvusCallError } from './errors.js';
export type { MilvusErrorKind } from './errors.js';
export { describeOperation } from './describe.js';
export { envSecretResolver, redact, registerSecret, resolvePassword, SecretError, describePasswordSource } from './secrets.js';
export type { SecretResolver } from './secrets.js';
export { mapWithConcurrency } from './concurrency.js';
