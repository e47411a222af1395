// @ts-check
/**
 * The faults a benchmark sets on the emulator: latency on every call, and optionally BackupRBAC
 * refused (PERMISSION_DENIED, as for an operator without the privilege) so that the reader takes
 * its per-role path on a version that has BackupRBAC.
 *
 * @typedef {{ latencyMs: number, denyBackup?: boolean }} BenchFaults
 */

/** gRPC PERMISSION_DENIED: Milvus throws authorization failures as this status. */
const PERMISSION_DENIED = 7;

/**
 * @param {{ clear(): void, setLatency(ms: number): void, failMatching(method: string, error: object): void }} controller the emulator's FaultController
 * @param {BenchFaults} faults
 */
export function configureFaults(controller, faults) {
  controller.clear();
  if (faults.latencyMs > 0) controller.setLatency(faults.latencyMs);
  if (faults.denyBackup) {
    controller.failMatching('BackupRBAC', { grpcCode: PERMISSION_DENIED, message: 'PrivilegeBackupRBAC: permission deny to root (injected by the benchmark)' });
  }
}
