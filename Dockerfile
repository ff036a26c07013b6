# Caravan's production image (docs/deployment.md).
# Build stage: every dependency, then `npm run build` (server bundle, web app, SDK).
# Runtime stage: the server's production dependencies only, the build and the migrations, run by
# the unprivileged `node` user.

ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-slim AS build
WORKDIR /app
# The manifests first: the install layer is reused until a dependency changes.
COPY package.json package-lock.json ./
COPY sdk/package.json sdk/
COPY server/package.json server/
COPY web/package.json web/
COPY bench/package.json bench/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:${NODE_VERSION}-slim
WORKDIR /app
ENV DATA_DIR=/var/lib/caravan
COPY package.json package-lock.json ./
COPY sdk/package.json sdk/
COPY server/package.json server/
COPY web/package.json web/
COPY bench/package.json bench/
RUN npm ci --omit=dev --workspace server --no-audit --no-fund && npm cache clean --force
# The bundle finds migrations and package.json from server/; server/bin/caravan.js (`migrate`,
# `demo`) checks the build with scripts/build.mjs.
COPY scripts/build.mjs scripts/
COPY server/bin server/bin
COPY server/drizzle server/drizzle
COPY --from=build /app/server/dist server/dist
COPY --from=build /app/web/dist web/dist
RUN mkdir -p /var/lib/caravan && chown node:node /var/lib/caravan
VOLUME /var/lib/caravan
USER node
EXPOSE 3000
# Slim images have no curl: node fetches /readyz (database, Redis, job queue).
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# What `npm start` runs, without npm in between: SIGTERM reaches the node, which stops within
# SHUTDOWN_TIMEOUT_SECONDS. The command (default `start`) can be `start --role api`, `migrate`, ...
ENTRYPOINT ["node", "--enable-source-maps", "server/dist/main.js"]
CMD ["start"]
