/** Types for lambda-node-flags.mjs (plain JavaScript, run by the image build without tsx). */
export declare function lambdaNodeFlags(memoryMb: number): string[];
