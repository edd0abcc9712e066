# Zicht's container image: docs/operations.md, "Containers".
#   docker build -t zicht .
#   docker run zicht migrate | web | worker | scheduler | daily   (deploy/zicht-run)
# Two stages: the builder may compile (a dependency without a binary wheel would need
# it); the final image gets only the finished virtual environment, no compilers.

FROM python:3.11-slim-bookworm AS builder
ENV PIP_NO_CACHE_DIR=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml requirements.lock ./
COPY deploy/build-venv deploy/build-venv
# The same script CI runs from a clean virtual environment (deploy/check-image-commands).
RUN deploy/build-venv /opt/venv

FROM python:3.11-slim-bookworm
# postgresql-client: pg_dump and pg_restore for manage.py backup / restore.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 zicht \
    && useradd --system --uid 10001 --gid zicht --home-dir /var/lib/zicht --shell /usr/sbin/nologin zicht \
    && install -d -o zicht -g zicht -m 0700 /var/lib/zicht
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
COPY --chown=root:root . .
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ZICHT_BIN=/opt/venv/bin \
    ZICHT_ENV=production \
    ZICHT_VAR_DIR=/var/lib/zicht \
    ZICHT_BIND=0.0.0.0:8000
# Numeric, so an orchestrator can verify "not root" without reading /etc/passwd.
USER 10001:10001
EXPOSE 8000
VOLUME ["/var/lib/zicht"]
HEALTHCHECK --interval=30s --timeout=6s --start-period=30s --retries=3 \
    CMD ["/opt/venv/bin/python", "/app/deploy/healthcheck.py"]
ENTRYPOINT ["/app/deploy/zicht-run"]
CMD ["web"]
