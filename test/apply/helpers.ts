import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../src/emulator/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator/index.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import { runApply } from '../../src/apply/run.js';
import type { RunApplyOptions, RunApplyResult } from '../../src/apply/run.js';

/** Every RBAC write Milvus offers, as gRPC method names: where faults are injected. */
export const WRITE_METHODS = /^(CreateCredential|UpdateCredential|DeleteCredential|CreateRole|DropRole|OperateUserRole|OperatePrivilege|OperatePrivilegeV2|CreatePrivilegeGroup|DropPrivilegeGroup|OperatePrivilegeGroup)$/;

export function writePolicy(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rbac-apply-'));
  const file = join(dir, 'policy.yaml');
  writeFileSync(file, yaml);
  return file;
}

export function tempPath(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'rbac-apply-')), name);
}

export async function emulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ port: 0, ...options });
}

export interface ApplyCall extends Partial<Omit<RunApplyOptions, 'connection'>> {
  readonly token?: string;
}

/** Runs `rbac apply` in-process against an emulator; auto-approved, quiet progress, no back-off wait unless asked. */
export function apply(emu: RunningEmulator, call: ApplyCall): Promise<RunApplyResult> {
  const { token = 'root:Milvus', ...rest } = call;
  return runApply({
    connection: connectionOptionsFromEnv({ address: emu.address }, { MILVUS_TOKEN: token }),
    source: { policyFiles: [] },
    autoApprove: true,
    progress: 'plain',
    sleep: async () => undefined,
    env: {},
    ...rest,
  });
}
