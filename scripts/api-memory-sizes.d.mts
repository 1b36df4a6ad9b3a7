/** Types for api-memory-sizes.mjs (plain JavaScript, run by the pipelines before any install). */
export declare function apiMemorySizes(dir?: string): number[];
