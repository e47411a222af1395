/** Types of measure.mjs for the TypeScript smoke test. The tool's functions are passed in as they are. */
import type { DesiredState } from '../src/model/desired.js';
import type { Operation } from '../src/model/operations.js';
import type { ObjectLimits } from '../src/model/names.js';
import type { RbacState } from '../src/model/types.js';
import type { BenchEmulator, EmulatorInput } from './emulator.mjs';

type AnyFunction = (...args: never[]) => unknown;
export interface BenchLib {
  readonly loadPolicyText: AnyFunction;
  readonly connect: AnyFunction;
  readonly connectionOptionsFromEnv: AnyFunction;
  readonly readLiveState: AnyFunction;
  readonly executeOperation: AnyFunction;
  readonly envSecretResolver: AnyFunction;
  readonly executePlan: AnyFunction;
  readonly makePlan: AnyFunction;
  readonly canonicalState: AnyFunction;
  readonly statesEqual: AnyFunction;
  readonly parallelism: number;
  readonly retry: { readonly attempts: number; readonly baseDelayMs: number; readonly maxDelayMs?: number };
  readonly MilvusClient: unknown;
  readonly startEmulator: (input: EmulatorInput) => Promise<BenchEmulator>;
}
export interface Summary {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly runs: number;
}
export interface PlanStepLike {
  readonly id: string;
  readonly phase: number;
  readonly operation: Operation;
}
export declare const ROOT_TOKEN: string;
export declare const BENCH_PASSWORD: string;
export declare function summarise(values: readonly number[]): Summary;
export declare function generatedPart(lib: BenchLib, state: RbacState): RbacState;
export declare function emulatorOptions(profile: string, limits: ObjectLimits): object;
export declare function measureLiveRead(
  lib: BenchLib,
  input: { state: RbacState; profile: string; limits: ObjectLimits; latencyMs: number; runs: number; databases: readonly string[]; denyBackup?: boolean },
): Promise<{ ms: number; rpcCount: number; serverCalls: number; serverCpuMs: number; clientCpuMs: number; method: string; correct: boolean }[]>;
export declare function measureApply(
  lib: BenchLib,
  input: { desired: DesiredState; initial?: RbacState; profile: string; limits: ObjectLimits; latencyMs: number; parallelism?: number },
): Promise<{ ms: number; steps: number; serverCpuMs: number; correct: boolean; planSteps: PlanStepLike[] }>;
export declare function measureExecuteSteps(
  lib: BenchLib,
  input: { steps: readonly PlanStepLike[]; profile: string; limits: ObjectLimits; latencyMs: number },
): Promise<{ ms: number; steps: number }>;
export declare function measureNaive(
  lib: BenchLib,
  input: { operations: readonly Operation[]; profile: string; limits: ObjectLimits; latencyMs: number },
): Promise<{ ms: number; calls: number }>;
export declare function measureDriftApply(
  lib: BenchLib,
  input: { desired: DesiredState; drifted: RbacState; profile: string; limits: ObjectLimits; latencyMs: number },
): Promise<{ ms: number; readMs: number; planMs: number; executeMs: number; steps: number; correct: boolean }>;
