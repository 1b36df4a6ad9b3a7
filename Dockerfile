# syntax=docker/dockerfile:1
#
# One Lambda container image for the shop API, the weekly report job and the JWT signing key's rotation
# function. The API function uses the CMD below; the others override the command in their image config
# (["report/index.handler"], ["rotation/index.handler"]).
#
# Base image pin. Both stages build FROM public.ecr.aws/lambda/nodejs:22 pinned by digest, so the same
# commit always builds on the same bytes and a base-image change is a reviewed config change, never a
# silent re-tag upstream. The digest is not written here because it can only be read from the registry
# (this repository is developed offline); it lives in the CI stack's config (`shop-infra:lambdaBaseDigest`,
# see docs/delivery-pipeline.md) and the build passes it in:
#
#   docker build --build-arg LAMBDA_BASE_DIGEST=sha256:<64 hex> .
#
# Refresh it (then commit the new value and let the pipeline's Trivy image scan judge it) with either of:
#
#   crane digest public.ecr.aws/lambda/nodejs:22
#   docker buildx imagetools inspect public.ecr.aws/lambda/nodejs:22 --format '{{json .Manifest.Digest}}'
#
# Both print the digest of the multi-architecture index, which is what belongs here. There is no default:
# a build without the argument fails on an empty digest instead of falling back to a mutable tag.
ARG LAMBDA_BASE_DIGEST

FROM public.ecr.aws/lambda/nodejs:22@${LAMBDA_BASE_DIGEST} AS build
WORKDIR /build
# The lockfile alone decides the dependency tree; install scripts stay off (package.json's allowScripts
# lists none that the bundle needs).
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY app ./app
COPY scripts ./scripts
RUN npm run bundle
# The API's code caches, filled with the files where the runtime stage puts them and on the same Node:
# Node's module compile cache for the lazy chunks (keyed by path and contents), and the loader's V8 code
# cache of the API bundle, taken after a first request (app/entrypoints/code-cache.ts). The Lambda finds
# both through NODE_COMPILE_CACHE below; /var/task is read-only there, so they stay as built.
# Cold start to the first GET /products/{id}: see bench/report/optimisations.md.
#
# The Lambda runtime starts Node with V8 flags that follow the function's memory size, so the caches are
# filled once for each size in API_MEMORY_SIZES (MB, space-separated; scripts/lambda-node-flags.mjs).
# `pulumi up` passes the stack's shop-infra:apiMemoryMb, the pipelines every stack's
# (scripts/api-memory-sizes.mjs). A function whose size was left out still runs, compiling without them.
ARG API_MEMORY_SIZES=""
RUN mkdir -p ${LAMBDA_TASK_ROOT} && cp -r dist/api ${LAMBDA_TASK_ROOT}/api \
 && node scripts/fill-compile-cache.mjs ${LAMBDA_TASK_ROOT} /build/dist/compile-cache ${API_MEMORY_SIZES}

FROM public.ecr.aws/lambda/nodejs:22@${LAMBDA_BASE_DIGEST}
# Only the bundles ship: no node_modules, sources, tests or tooling reach the runtime image.
COPY --from=build /build/dist/api ${LAMBDA_TASK_ROOT}/api
COPY --from=build /build/dist/report ${LAMBDA_TASK_ROOT}/report
COPY --from=build /build/dist/rotation ${LAMBDA_TASK_ROOT}/rotation
COPY --from=build /build/dist/swagger-ui ${LAMBDA_TASK_ROOT}/swagger-ui
COPY --from=build /build/dist/compile-cache ${LAMBDA_TASK_ROOT}/compile-cache
ENV NODE_COMPILE_CACHE=${LAMBDA_TASK_ROOT}/compile-cache
# Lambda itself runs functions as its own unprivileged user; this keeps `docker run` with the runtime
# interface emulator (local checks, the Trivy config scan) off root too. The copied files are
# world-readable, which is all that user needs.
USER 65534:65534
CMD ["api/index.handler"]
