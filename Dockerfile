# One image for the api, worker and starter services; docker-compose.yml chooses the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/data \
    METRICS_HOST=0.0.0.0

WORKDIR /app
# Posters are set in Noto CJK (engine/poster_fonts.py); without it the poster route answers 503.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
COPY . .
# Bytecode is compiled at build time: the workflow sandbox re-imports the workflow module for
# every run, and without a .pyc (PYTHONDONTWRITEBYTECODE, a read-only /app) it would compile
# the source each time (docs/performance.md).
RUN pip install . \
    && python -m compileall -q /app \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin postcards \
    && mkdir -p /data \
    && chown postcards /data

USER postcards
EXPOSE 8000 9101 9102 9103
CMD ["uvicorn", "api.main:app", "--host", "0.0.0.0", "--port", "8000"]
