/** Types of emulator.mjs for the TypeScript smoke test. */
export interface BenchFaults {
  readonly latencyMs: number;
  readonly denyBackup?: boolean;
}
export interface BenchEmulator {
  readonly address: string;
  /** Every server's address (one unless `count` asked for more). */
  readonly addresses: readonly string[];
  setFaults(faults: BenchFaults): Promise<void>;
  stats(): Promise<{ calls: number; cpuMs: number }>;
  stop(): Promise<void>;
}
export interface EmulatorInput {
  readonly options: object;
  readonly state?: object;
  readonly count?: number;
}
export declare function startEmulatorProcess(input: EmulatorInput): Promise<BenchEmulator>;
export declare function startEmulatorInProcess(
  startEmulator: (options: never) => Promise<{ address: string; faults: { clear(): void; setLatency(ms: number): void; failMatching(method: string, error: object): void; callCount(): number }; stop(): Promise<void> }>,
  input: EmulatorInput,
): Promise<BenchEmulator>;
