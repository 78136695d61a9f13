# The athenty-fake image: the fake's CLI as a sidecar on port 4010, its store on the /data volume.
#   docker build -t athenty-fake:latest .
#   docker run --rm -p 4010:4010 athenty-fake:latest

# Build stage: every dependency, then compile src/ into dist/.
FROM node:20-slim AS build
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no install script is needed (the package has none); the next steps compile.
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY schemas ./schemas
COPY scripts/precompile-validators.mjs scripts/bundle-cli.mjs ./scripts/
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies and the compiled output only, owned by root, run as `node`.
FROM node:20-slim
LABEL org.opencontainers.image.title="athenty-fake" \
      org.opencontainers.image.description="A local fake of the Athenty identity-verification REST API (v2) for development and tests" \
      org.opencontainers.image.licenses="MIT"
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no install script is needed here; dist/ comes from the build stage.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund --no-update-notifier
COPY schemas ./schemas
COPY fixtures ./fixtures
COPY docker/healthcheck.mjs ./docker/
COPY --from=build /app/dist ./dist
RUN mkdir /data && chown node:node /data
# The bin writes a V8 code cache beside its bundle once a start has run for a second
# (src/cli-loader.ts), which `node` cannot do in /app/dist: one start here, under the entrypoint's
# node flags (V8 refuses a cache made under others), leaves it in the image.
RUN timeout 3 node --max-semi-space-size=1 --heap-growing-percent=30 dist/cli.js --db memory --port 0 --log-level silent; \
    ls dist/cli-bundle.*.v8cache

# The CLI's default host is the loopback; a container must listen on every interface. Once it
# listens, the fake writes where (and its admin token, readable by `node` only) to the ready file,
# which the health probe reads.
ENV ATHENTY_FAKE_HOST=0.0.0.0 \
    ATHENTY_FAKE_PORT=4010 \
    ATHENTY_FAKE_DB=/data/db.json \
    ATHENTY_FAKE_READY_FILE=/tmp/athenty-fake-ready.json
VOLUME ["/data"]
EXPOSE 4010
USER node

# The probe calls the URL in the ready file, so changing the port, host or admin token keeps it working.
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "/app/docker/healthcheck.mjs"]
# node is PID 1 and handles SIGTERM/SIGINT itself: it writes the store and exits 0.
# The allocator and heap sizing the bin's shebang gives node (see src/cli.ts).
ENV MALLOC_ARENA_MAX=1
ENTRYPOINT ["node", "--max-semi-space-size=1", "--heap-growing-percent=30", "/app/dist/cli.js"]
