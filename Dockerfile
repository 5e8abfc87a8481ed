# One image for the four apps and the migration job; the command picks the entry point:
#
#   docker build -t eventmon:local .
#   docker run --rm --init -e KAFKA_BROKERS=broker:9092 eventmon:local dist/apps/consumer/src/main.js
#   docker run --rm --init -e DATABASE_URL=postgres://... eventmon:local dist/libs/database/src/migrate.js
#
# docker-compose.yml runs every service from it. The embedded PostgreSQL and the local Kafka
# tooling (devDependencies, tools/) are not part of it.

# Node 26, the Active LTS line (until October 2027, then maintenance until April 2029), on Debian
# 13 (trixie), the current stable. It satisfies package.json engines, which still admit Node 20.19
# for development machines. The tag names the line, not a patch release, so a rebuild picks up
# its security releases. Both stages use the same base, so the runtime matches what was installed.
ARG NODE_IMAGE=node:26-trixie-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app

# Dependencies first, so a source change does not reinstall them. The lockfile carries no
# resolved URLs: npm ci fetches each pinned version (integrity-checked) from the registry.
# --ignore-scripts: no production dependency needs an install script (tools/docker/compose.spec.ts
# checks the lockfile); the only ones belong to embedded-postgres, a dev tool unused in Docker,
# and @scarf/scarf, install telemetry package.json denies.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

# Only what the apps are built from: tsconfig.build.json also compiles tools/ and bench/ when
# present, and neither runs in a container.
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build \
  && npm prune --omit=dev --ignore-scripts --no-audit --no-fund


FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app

# Owned by root and read-only to the app user: a compromised process cannot rewrite its code.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Data files read at run time, at the same paths relative to the working directory as in a
# checkout, so the apps' defaults work unchanged.
COPY apps/propagator/events.sample.json apps/propagator/propagator.sample.yaml ./apps/propagator/
COPY apps/alerting/rules.sample.yaml ./apps/alerting/
COPY apps/gateway/public ./apps/gateway/public

# gateway, consumer, alerting, propagator (each service uses one; only the gateway's is public).
EXPOSE 3000 3001 3002 3003

# The node user (uid 1000) comes with the base image.
USER node

# Run it with an init (compose `init: true`, `docker run --init`): as PID 1, node would ignore
# SIGTERM until the app installs its handlers (a stop during start-up then waits out the grace
# period) and would not reap zombies. On SIGTERM the app stops fetching, finishes its batch,
# commits and exits.
ENTRYPOINT ["node", "--enable-source-maps"]
CMD ["-e", "console.error('eventmon: give an entry point, e.g. dist/apps/consumer/src/main.js (apps: consumer, alerting, gateway, propagator) or dist/libs/database/src/migrate.js'); process.exit(2)"]
