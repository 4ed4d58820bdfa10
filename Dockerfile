# syntax=docker/dockerfile:1
# Stadtlotse production image. gunicorn serves Django, WhiteNoise serves the static files. The same image
# runs the Celery worker, Celery beat and the one-shot migrations (docker-compose.yml, docs/operations.md).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    WEB_CONCURRENCY=3

# WeasyPrint (PDF reports) needs Pango and HarfBuzz, and a font; gettext compiles the translations.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

# The app runs as this user; the code stays root-owned and read-only to it. Its home holds caches (fontconfig).
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/app --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies before the code, so that a code change does not reinstall them. The lock file names the
# development machines' local package mirrors too; they do not exist here and pip skips them with a warning.
COPY requirements/production.txt requirements/production.txt
RUN pip install -r requirements/production.txt

COPY . .

# Translations and static files are built into the image. The production settings refuse to load without a
# secret key, so this step alone gets a dummy one (an ARG is not part of the environment at run time).
# hadolint ignore=DL3064
ARG DJANGO_SECRET_KEY=build-time-dummy-not-used-at-run-time
RUN python manage.py compilemessages --ignore=.venv -v0 \
    && python manage.py collectstatic --no-input -v0 \
    && mkdir -p /app/media \
    && chown app:app /app/media

USER 10001:10001
EXPOSE 8000
# Workers: WEB_CONCURRENCY (gunicorn reads it); further options: GUNICORN_CMD_ARGS, e.g. "--timeout 60".
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"]
