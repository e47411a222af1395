/** Types of drift.mjs for the TypeScript smoke test. */
import type { RbacState } from '../src/model/types.js';
export interface DriftChanges {
  readonly grantsMissing: number;
  readonly grantsExtra: number;
  readonly usersMissing: number;
  readonly bindingsChanged: number;
  readonly usersExtra: number;
}
export declare function driftState(state: RbacState, options: { fraction: number; seed?: number; extraUsers?: boolean }): { state: RbacState; changes: DriftChanges };
