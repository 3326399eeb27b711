# syntax=docker/dockerfile:1
# Multi-stage: build with dev dependencies, ship only production dependencies and compiled JS,
# run as the unprivileged `node` user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
# `npm ci` runs the `prepare` script, which compiles src/ to dist/.
RUN npm ci --no-audit --no-fund

FROM node:20-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` needs the compiler, which production does not ship.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20-bookworm-slim
# MALLOC_ARENA_MAX: two glibc malloc arenas for the process, not one per thread that ever allocated
# (src/gateway/launch.ts).
ENV NODE_ENV=production MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json loopgate.yaml ./
COPY policies ./policies
COPY schema ./schema
COPY deploy/loopgate.container.yaml /etc/loopgate/loopgate.yaml
RUN mkdir -p /var/lib/loopgate && chown node:node /var/lib/loopgate
USER node
# 4318: OTLP/HTTP receiver. 4317: OTLP/gRPC receiver. 8888: /metrics, /healthz, /readyz.
EXPOSE 4317 4318 8888
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8888/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM from `docker stop` triggers the graceful drain; give it longer than service.shutdown_timeout
# (`docker stop -t`, terminationGracePeriodSeconds). The exec-form entrypoint makes node PID 1, so the
# signal reaches the gateway itself and its exit code (0 drained, 3 kept on disk, 4 spans lost) reaches
# the runtime. For a persistent queue mount a volume at /var/lib/loopgate and set
# sending_queue.storage under it.
STOPSIGNAL SIGTERM
# --max-semi-space-size sizes the main thread's young generation only: each policy worker sizes its own
# (src/gateway/launch.ts, gc-tuning.ts workersSizeTheirOwnYoungGeneration).
ENTRYPOINT ["node", "--max-semi-space-size=2", "dist/cli/main.js"]
CMD ["serve", "--config", "/etc/loopgate/loopgate.yaml"]
