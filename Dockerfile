# Prepsite: a slim Python image running gunicorn as a non-root user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=0 \
    PORT=8000 \
    STATIC_ROOT=/app/staticfiles

WORKDIR /app
# The code-running worker's sandbox: bubblewrap, and Debian's Python with NumPy inside it.
RUN apt-get update && apt-get install -y --no-install-recommends bubblewrap python3-numpy \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Static files are collected at build time; a throwaway key is enough for that step.
RUN SECRET_KEY=build-only-not-secret ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput --verbosity 0 \
    && useradd --system --uid 10001 --home-dir /app prepsite \
    && chown -R prepsite /app

USER prepsite
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, sys, urllib.request; url = 'http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'); sys.exit(0 if urllib.request.urlopen(url, timeout=4).status == 200 else 1)"
CMD ["bin/start"]
