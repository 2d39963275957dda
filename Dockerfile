# One image for web (gunicorn), worker and beat (Celery). Build: docker build -t jinzhou .
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=jinzhou.settings.production
WORKDIR /app
# A Chinese font and fontconfig (fc-list): the quarterly briefing's charts are drawn on the server (matplotlib).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fontconfig fonts-wqy-microhei \
 && rm -rf /var/lib/apt/lists/*
COPY . .
RUN pip install --no-cache-dir -e . \
 && SECRET_KEY=build-only python manage.py collectstatic --noinput \
 && useradd --create-home jinzhou
USER jinzhou
EXPOSE 8000
CMD ["gunicorn", "jinzhou.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
