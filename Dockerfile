FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app

# pg_dump and pg_restore, for `manage.py backup` and `restore` inside the container.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md ./
COPY park park
COPY companies companies
COPY ops ops
RUN pip install --no-cache-dir .

COPY . .
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --system park && chown -R park /app
USER park

EXPOSE 8000
# Migrations run once per deployment (the release service), not in every replica.
CMD ["gunicorn", "park.wsgi"]
