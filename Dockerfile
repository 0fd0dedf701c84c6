# syntax=docker/dockerfile:1
# Home Assistant add-on image. Supervisor ≥ 2026.04 passes only BUILD_VERSION and BUILD_ARCH, so
# BUILD_FROM needs a default (developers blog 2026-04-02 "builder-migration"); older Supervisors
# take it from build.yaml, which names the same multi-arch base image.
ARG BUILD_FROM=ghcr.io/home-assistant/base:3.24

# ---- build: compile TypeScript (needs the dev dependencies, none of which reach the final image)
FROM $BUILD_FROM AS build
WORKDIR /build
RUN apk add --no-cache nodejs npm
COPY package.json package-lock.json ./
# --ignore-scripts: this stage only needs tsc and the type definitions, not native modules.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
COPY web ./web
RUN npm run build

# ---- final image
FROM $BUILD_FROM
ARG BUILD_ARCH=amd64
ARG BUILD_VERSION=0.1.0

WORKDIR /opt/e450
COPY package.json package-lock.json ./
# Production dependencies only. serialport (@serialport/bindings-cpp) is native;
# --build-from-source compiles it against musl (the prebuilt binaries target glibc, or miss arm64
# musl), with the compilers installed and removed in this one RUN so no layer keeps them
# (same approach as zigbee2mqtt/hassio-zigbee2mqtt and hassio-addons/addon-node-red).
RUN apk add --no-cache nodejs npm \
    && apk add --no-cache --virtual .build-deps build-base linux-headers python3 \
    && npm ci --omit=dev --build-from-source --no-audit --no-fund \
    && npm cache clean --force \
    && apk del .build-deps \
    && rm -rf /root/.cache /root/.npm /tmp/*

COPY --from=build /build/dist ./dist
COPY rootfs /

ENV NODE_ENV=production

# s6-overlay v3 (the base image's /init) starts rootfs/etc/s6-overlay/s6-rc.d/e450/run, which execs node.
HEALTHCHECK --interval=1m --timeout=5s --start-period=1m --start-interval=5s --retries=3 \
    CMD ["/usr/bin/e450-healthcheck"]

# Without the retired builder nothing adds these: io.hass.version/type/arch are required when building
# with plain Docker (developers.home-assistant.io docs/apps/configuration.md "App Dockerfile"; blog
# 2026-04-02 "builder-migration").
LABEL \
    io.hass.name="E450 smart meter" \
    io.hass.description="Reads a Landis+Gyr E450 electricity meter and publishes its readings to Home Assistant over MQTT" \
    io.hass.type="app" \
    io.hass.version="${BUILD_VERSION}" \
    io.hass.arch="${BUILD_ARCH}" \
    org.opencontainers.image.title="E450 smart meter" \
    org.opencontainers.image.version="${BUILD_VERSION}" \
    org.opencontainers.image.source="https://github.com/e450/e450" \
    org.opencontainers.image.licenses="MIT"
