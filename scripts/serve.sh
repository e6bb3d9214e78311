#!/usr/bin/env bash
# Serve the site with gunicorn (DEBUG off, static files by WhiteNoise) and run the task worker beside it.
# The worker stops when the server stops. HOST, PORT and WEB_WORKERS are configurable.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

$PY manage.py db_worker --queue-name default >var/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM

echo "Khuyến công số: http://${HOST:-127.0.0.1}:${PORT:-8000}/  (task worker log: var/worker.log)"
.venv/bin/gunicorn khuyencong.wsgi:application \
  --bind "${HOST:-127.0.0.1}:${PORT:-8000}" \
  --workers "${WEB_WORKERS:-3}" \
  --access-logfile - \
  --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}"
