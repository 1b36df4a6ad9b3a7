/**
 * The flags the AWS Lambda Node.js runtime starts `node` with. Its bootstrap (/var/runtime/bootstrap in
 * the public.ecr.aws/lambda/nodejs images, as a published copy of the Node 18 image's shows; the Node 22
 * image's could not be read offline) runs `node --expose-gc --max-http-header-size 81920` plus two heap
 * sizes derived from the function's memory (AWS_LAMBDA_FUNCTION_MEMORY_SIZE, in MB): a tenth of it as new
 * space, whose half is the semi-space, and the rest as old space, in the shell's integer division. If the
 * image's flags differ, a cold start logs SHOP_CODE_CACHE_UNUSED (app/entrypoints/code-cache.ts).
 * V8 refuses code caches made under other V8 flags, so the image build fills its caches under these
 * (scripts/fill-compile-cache.mjs), once per memory size the API runs with. Plain JavaScript: the image's
 * build stage runs it without tsx.
 *
 * @param {number} memoryMb the function's memory size
 * @returns {string[]}
 */
export function lambdaNodeFlags(memoryMb) {
  if (!Number.isInteger(memoryMb) || memoryMb < 128 || memoryMb > 10240)
    throw new Error(`a Lambda function's memory is an integer in 128..10240 MB, got ${memoryMb}`);
  const newSpace = Math.floor(memoryMb / 10);
  return [
    "--expose-gc",
    "--max-http-header-size",
    "81920",
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memoryMb - newSpace}`,
  ];
}
