# syntax=docker/dockerfile:1

# One image for every Mailings process: the web server (the default command),
# the queue workers and the migrations differ only by their command
# (compose.yaml; README, "Running in production").
#
#   docker build -t mailings .
#   docker build --build-arg NODE_VERSION=22 -t mailings:node22 .

# Node 24 LTS. Both stages use the same image, so better-sqlite3's native
# binary compiled in the first runs in the second (same Node ABI, same glibc).
ARG NODE_VERSION=24

# ---------------------------------------------------------------------------
# build: every dependency, `node ace build`, then the build's production install
# ---------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS build

# better-sqlite3 compiles itself when no prebuilt binary can be downloaded.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*

WORKDIR /src

# Dependencies first, so a change to the code reuses this layer. The
# postinstall copies the browser files (Bootstrap, Chart.js, Scalar).
COPY package.json package-lock.json ./
COPY scripts/vendor_assets.js scripts/
RUN npm ci --no-audit --no-fund

COPY . .
RUN node ace build

# Production dependencies only, compiled here where the tools are; the
# runtime stage copies the result and never sees a compiler.
WORKDIR /src/build
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---------------------------------------------------------------------------
# runtime: the built app, its production node_modules, a non-root user
# ---------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime

# tini is PID 1: it hands SIGTERM (docker stop) to node, which drains (a
# worker finishes the message in hand and exits 0), and it reaps zombies.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production \
  HOST=0.0.0.0 \
  PORT=3333 \
  UPLOADS_PATH=/var/lib/mailings/uploads

WORKDIR /app

# The code belongs to root and is read-only to the user that runs it; only
# the uploads folder (a volume in compose.yaml) is writable.
COPY --from=build /src/build /app
COPY deploy/healthcheck.js /app/deploy/healthcheck.js
RUN mkdir -p /var/lib/mailings/uploads \
  && chown -R node:node /var/lib/mailings

# The node image's unprivileged user (uid 1000).
USER node

EXPOSE 3333

# The web server's liveness on PORT; compose.yaml points the workers' check
# at their own health port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "deploy/healthcheck.js"]

ENTRYPOINT ["/usr/bin/tini", "--"]

# The web server. A worker: node --max-old-space-size=128 ace queue:listen
# (the heap budget keeps it under 200 MB while sending, README). Migrations:
# node ace migration:run --force
CMD ["node", "bin/server.js"]
