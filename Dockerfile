# Calendar Relay container image: build with the full toolchain, run on a slim image as an unprivileged user.
# docker build -t calendar-relay . && docker run -p 8080:8080 calendar-relay   (no configuration: demo tenant)

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
# NODE_OPTIONS: the heap ceiling `npm start` uses (see docs/operations.md, "Memory"); keep the container's
# memory limit at least 256 MB above it.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=512 \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
# Owned by root and read-only for the process: the relay writes nothing to disk.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json README.md ./
# The image's built-in unprivileged user (uid 1000).
USER node
EXPOSE 8080 9464
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health-check').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["serve"]
