/** Types of gen.mjs for the TypeScript smoke test. */
export interface BenchSize {
  readonly name?: string;
  readonly scale: number;
  readonly tenants?: number;
  readonly sharedRoles?: number;
  readonly users?: number;
  readonly collectionsPerTenant?: number;
  readonly defaultLimits?: boolean;
}
export interface Dimensions {
  readonly name: string;
  readonly tenants: number;
  readonly sharedRoles: number;
  readonly users: number;
  readonly collectionsPerTenant: number;
  readonly databases: number;
  readonly defaultLimits: boolean;
}
export interface ExpectedCounts {
  readonly users: number;
  readonly roles: number;
  readonly privilegeGroups: number;
  readonly grants: number;
  readonly bindings: number;
}
export declare const BASE: Readonly<{ tenants: number; sharedRoles: number; usersPerTenant: number; collectionsPerTenant: number; databases: number }>;
export declare const SIZES: readonly BenchSize[];
export declare const PASSWORD_ENV: string;
export declare function rng(seed: number): () => number;
export declare function dimensionsOf(size: BenchSize): Dimensions;
export declare function generatePolicy(options: { size: BenchSize; flavour: 'v1' | 'v2'; seed?: number }): {
  yaml: string;
  dimensions: Dimensions;
  expected: ExpectedCounts;
};
