/** Types of fleet.mjs for the TypeScript smoke test. */
import type { Summary } from './measure.mjs';
export interface FleetResult {
  readonly targets: number;
  readonly latencyMs: number;
  readonly stepsPerTarget: number;
  readonly fleetMs: Summary;
  readonly oneByOneMs: Summary;
  readonly ratio: number;
}
export declare function measureFleet(input: { root: URL; work: string; policyFile: string; passwordEnv: string; count: number; latencyMs: number; reps: number }): Promise<FleetResult>;
