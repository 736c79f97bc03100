# aws-chatbot container image: `docker build -t aws-chatbot .`
# Runs as the unprivileged `node` user; SQLite (the default) lives in the /data volume. No secret is
# baked in: give SLACK_*, ENCRYPTION_KEY, DATABASE_URL at run time (compose.yaml, deploy/kubernetes/).
# test/deploy/dockerfile.test.ts performs the runtime stage's steps without a Docker engine.
ARG NODE_IMAGE=node:22-slim

# Build: the full install (TypeScript, Prisma client generation), then src/ compiled into dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime: production dependencies only. --ignore-scripts skips the postinstall (Prisma client
# generation): the generated clients are compiled into dist/, and better-sqlite3 13 ships its
# binaries prebuilt, so nothing here compiles or downloads.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=file:/data/chatbot.db
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY prisma/migrations ./prisma/migrations
COPY bin ./bin
COPY manifest.yml ./
COPY samples ./samples
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
