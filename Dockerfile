FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY park park
COPY companies companies
RUN pip install --no-cache-dir .

COPY . .
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --system park && chown -R park /app
USER park

EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && gunicorn park.wsgi"]
