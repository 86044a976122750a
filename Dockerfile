# One image for every process of the backend; docker-compose.yml picks the command:
#   api      node apps/api/dist/main.js            (default CMD)
#   worker   node apps/worker/dist/main.js
#   mcp      node apps/mcp-server/dist/http.js
#   streams  node apps/api/dist/stream-gateway/main.js   (the stream gateway, optional)
#   migrate  node --disable-warning=ExperimentalWarning packages/db/dist/migrate-cli.js
ARG NODE_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV TURBO_TELEMETRY_DISABLED=1

# Pinned to the root package.json "packageManager", so pnpm does not try to switch versions.
RUN npm install -g pnpm@10.34.9

# Download every locked package before the sources are copied: this layer is reused until the
# lockfile changes. pnpm-workspace.yaml carries onlyBuiltDependencies, .npmrc engine-strict.
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json .npmrc ./
RUN pnpm fetch

COPY . .
# --offline: everything was fetched above. (Prisma's engines postinstall still fetches a native
# engine when it can and fails silently when it cannot; nothing here uses it: the client and the
# migrations run on WebAssembly engines.)
RUN pnpm install --frozen-lockfile --offline \
 && pnpm build \
 && rm -rf .turbo

# Keep only production dependencies. The build already produced everything that needed the dev
# tools (tsc, the Prisma CLI): the generated Prisma client is compiled into packages/db/dist.
# A clean --prod install from the local store: `install --prod` over the full tree leaves the
# dev packages in node_modules/.pnpm, and `prune --prod` only relinks the root project.
RUN rm -rf node_modules apps/*/node_modules packages/*/node_modules \
 && pnpm install --frozen-lockfile --offline --prod

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8088 \
    STORAGE_DIR=/data/storage
WORKDIR /app

# The agent's sandbox: bubblewrap confines every command the agent runs, prlimit (util-linux,
# already in the base image) applies its limits, python3 runs python_execution, pdftotext gives
# ReadMedia and knowledge PDFs their text, ffmpeg and vipsthumbnail (libvips-tools) make video and
# image thumbnails (all as parser jobs in the worker's sandbox); chromium is the agent's browser (the worker drives it headless,
# through the sandbox's egress proxy).
RUN apt-get update \
 && apt-get install -y --no-install-recommends bubblewrap python3 poppler-utils ffmpeg libvips-tools chromium \
 && rm -rf /var/lib/apt/lists/*

# The whole built workspace: pnpm's node_modules are symlinks between the packages (e.g.
# apps/api/node_modules/@mix/core -> packages/core) and into node_modules/.pnpm, so the tree
# is copied as it is. It also carries what is read at run time beside the compiled code:
# packages/db/prisma (the migrate CLI reads ../prisma/migrations from packages/db/dist) and
# apps/api/package.json (the version reported by /health). Files stay owned by root, so the
# app cannot rewrite its own code.
COPY --from=build /app /app

# Created here and owned by the unprivileged user, so a named volume mounted on it starts out
# with that owner and the processes can write to it.
RUN mkdir -p /data/storage && chown -R node:node /data

# "node" (uid 1000) comes with the official Node.js images.
USER node

EXPOSE 8088
CMD ["node", "apps/api/dist/main.js"]
