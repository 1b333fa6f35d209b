# source-inventory-analytics — Airbyte source connector image.
#
# Build with scripts/build-image.sh: it reads the image name and tag from
# metadata.yaml and passes them here as build args and labels. A plain
# `docker build .` gets the same labels from the defaults below, which
# acceptance-tests/metadata.test.ts keeps equal to metadata.yaml.
#
# BASE_IMAGE: the official node:26-bookworm-slim by default; machines without
# registry access pass a local equivalent (--build-arg BASE_IMAGE=...). Any
# Debian-based Node 26 image with a user `node` (uid 1000) or none works.
# Node 26 is the Active LTS line (since October 2026, supported until April
# 2029); Node 20 reached its end of life on 2026-04-30. package.json "engines"
# names the lines that are tested: 26 here, 20 for local development.
ARG BASE_IMAGE=node:26-bookworm-slim

# ---- build: compile with the dev dependencies (TypeScript) ------------------
FROM ${BASE_IMAGE} AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=warn
COPY tsconfig.json tsconfig.build.json ./
COPY schemas ./schemas
COPY connector ./connector
# compile-validator.js writes the config schema's validator as Ajv standalone
# code (connector/config/validator.ts says why), as `npm run build` does.
RUN npx tsc -p tsconfig.build.json \
 && node dist/connector/config/compile-validator.js \
 && test -f dist/connector/cli.js && test -f dist/connector/config/compiled-validator.js && test -d dist/schemas

# ---- deps: production dependencies only (ajv, ajv-formats, yargs, the proxy agents)
FROM ${BASE_IMAGE} AS deps
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=warn

# ---- rootfs: the base minus what a running connector never uses -------------
# npm, corepack, yarn and the C headers are a third of the Node base image and
# are only needed to build. Deleting them in a layer on top would not make the
# image smaller, so this stage is flattened into `scratch` below.
# Airbyte's base images run as user `airbyte`, uid 1000. Node images already
# have uid 1000 as `node`, so that account is renamed rather than a second
# uid-1000 account added (useradd --uid 1000 would collide).
FROM ${BASE_IMAGE} AS rootfs
RUN set -eu; \
    rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx \
           /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* \
           /usr/local/include /usr/local/share/doc /usr/local/share/man /usr/local/share/systemtap \
           /root/.npm /root/.cache /var/cache/apt/* /var/lib/apt/lists/* /tmp/* /var/tmp/*; \
    if id -u node >/dev/null 2>&1; then \
      groupmod --new-name airbyte node; \
      usermod --login airbyte --home /home/airbyte --move-home node; \
    else \
      groupadd --gid 1000 airbyte; \
      useradd --uid 1000 --gid airbyte --create-home --shell /bin/sh airbyte; \
    fi; \
    mkdir -p /airbyte/integration_code /secrets /config /custom_cache; \
    chown airbyte:airbyte /airbyte /secrets /config /custom_cache; \
    chmod 1777 /tmp /var/tmp; \
    node -e 'process.exit(0)'
# The code stays owned by root: the connector can read it but not change it.
COPY --from=deps /build/node_modules /airbyte/integration_code/node_modules
COPY --from=build /build/dist/connector /airbyte/integration_code/dist/connector
COPY --from=build /build/dist/schemas /airbyte/integration_code/dist/schemas

# ---- runtime ---------------------------------------------------------------
FROM scratch
COPY --from=rootfs / /
# Flattening drops the base image's config, so restate what the connector needs.
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    NODE_ENV=production \
    TZ=UTC
WORKDIR /airbyte/integration_code
USER airbyte

# AIRBYTE_ENTRYPOINT must equal the ENTRYPOINT joined by spaces: the platform
# wraps it to launch the connector in a Kubernetes pod (checked by
# acceptance-tests/metadata.test.ts and image.test.ts).
# The node flags are the CLI's shebang flags (connector/cli.ts explains them).
ENV AIRBYTE_ENTRYPOINT="node --max-old-space-size=512 --max-semi-space-size=4 /airbyte/integration_code/dist/connector/cli.js"
ENTRYPOINT ["node", "--max-old-space-size=512", "--max-semi-space-size=4", "/airbyte/integration_code/dist/connector/cli.js"]

ARG AIRBYTE_NAME=airbyte/source-inventory-analytics
ARG AIRBYTE_VERSION=0.3.0
LABEL io.airbyte.name="${AIRBYTE_NAME}" \
      io.airbyte.version="${AIRBYTE_VERSION}"
