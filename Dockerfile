# The store's single image: the web process (gunicorn, the default command), the Celery worker and
# beat all run from it; docker-compose.yml picks the command per service.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=storefront.settings \
    PYTHONPATH=/app

# WeasyPrint renders PDFs through Pango; the same packages the Makefile installs for development.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 storefront \
    && useradd --system --uid 10001 --gid storefront --home-dir /home/storefront --create-home storefront

WORKDIR /app

# Dependencies first, from pyproject.toml (and the README its metadata names), so a code change
# does not reinstall them.
COPY pyproject.toml README.md ./
RUN pip install . && rm -rf build *.egg-info

COPY . .

# Static files are collected into the image; the key exists only for this build step and the
# manifest storage (DEBUG off) writes the hashed names the running store asks for. The build has no
# Redis and needs none: LOCAL_CACHE lets these two commands start without REDIS_URL (the running store
# refuses to).
RUN SECRET_KEY=collectstatic-build-only-key DEBUG=0 LOCAL_CACHE=1 python manage.py collectstatic --noinput \
    && SECRET_KEY=collectstatic-build-only-key DEBUG=0 LOCAL_CACHE=1 python manage.py compilemessages -v 0

# The code stays owned by root: the store's processes only read it.
# Price List files are written by the worker and served by web: a volume both mount, owned by the app user.
RUN mkdir -p /app/media && chown storefront:storefront /app/media
USER storefront

EXPOSE 8000

CMD ["gunicorn", "storefront.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-", "--logger-class", "storefront.logfilters.GunicornLogger"]
