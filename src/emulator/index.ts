/**
 * The milvus-rbac emulator: an in-memory Milvus RBAC server speaking Milvus's gRPC
 * MilvusService, for tests and for CI without a Milvus. It is a test double, not Milvus.
 */
export { startEmulator, resolveVersion } from './server.js';
export type { EmulatorOptions, EmulatorSeed, EmulatorTls, RunningEmulator } from './server.js';
export { readEmulatorTls } from './tls-files.js';
export type { EmulatorTlsFiles } from './tls-files.js';
export { FaultController, injectedStatus } from './faults.js';
export type { FaultAction, InjectedError, MethodMatcher, FailOptions } from './faults.js';
export { errorStatus, successStatus, customStatus } from './status.js';
export type { WireStatus } from './status.js';
export { parseSeed } from './seed.js';
