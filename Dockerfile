# The ingest image: Node 24 LTS, Debian's FFmpeg, the built studio served by the ingest.
FROM node:24-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY ingest/package.json ingest/
COPY web/package.json web/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build -w web
ENV NODE_ENV=production
EXPOSE 8080/tcp 4433/udp
CMD ["node", "ingest/src/server.ts"]
