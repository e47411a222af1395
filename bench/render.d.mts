/** Types of render.mjs for the TypeScript smoke test. Results are bench/results.json's shape. */
export declare function scaling(results: object): { name: string; from: string; to: string; factor: number; ratio: number; exponent: number; verdict: string }[];
export declare function renderTable(results: object): string;
export declare function renderMarkdown(results: object): string;
export declare function renderChart(results: object): string;
