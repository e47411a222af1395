/** Types of usage.mjs for the TypeScript smoke test. */
export interface UsageBenchResult {
  readonly bytes: number;
  readonly lines: number;
  readonly generateMs: number;
  readonly ms: number;
  readonly megabytesPerSecond: number;
  readonly peakRssMB: number;
  readonly users: number;
}
export declare function measureUsage(input: { root: URL; work: string; megabytes: number }): Promise<UsageBenchResult>;
