# Khuyến công số — the two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Test workers per run (pytest-xdist); 2 matches the CI machine.
TEST_WORKERS ?= 2
# Debian packages the site needs to render PDF reports: the Times-metric fonts and pango for WeasyPrint.
RUN_DEBS := fonts-liberation2 fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0
# ... and the tests: a PostgreSQL server, chromium for browser tests, poppler's pdftotext.
TEST_DEBS := $(RUN_DEBS) postgresql chromium poppler-utils
# wrk drives the mixed HTTP load of the benchmarks (B6); the test suite's smoke run uses it too.
BENCH_DEBS := wrk
# make bench BENCH_ARGS='--db sqlite --scale medium --seed 2 --repeat 50 --only B2,B3'
BENCH_ARGS ?=

.PHONY: help run serve test lint format test-sqlite test-postgres test-browser lock messages runtime-deps system-deps clean-db bench

help:
	@echo "make run    - cài đặt, chuyển đổi CSDL, nạp dữ liệu mẫu và chạy tại http://$(HOST):$(PORT)"
	@echo "make test   - kiểm thử toàn bộ: ruff, pytest trên SQLite và PostgreSQL, kiểm thử trình duyệt"
	@echo "make bench  - đo hiệu năng ở quy mô toàn quốc trên SQLite và PostgreSQL, ghi docs/benchmarks.md"

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

var/secret_key:
	mkdir -p var
	umask 077 && $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

run: runtime-deps $(VENV)/.runtime var/secret_key
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py load_demo
	$(PY) manage.py generate_data --scale demo --seed 1
	HOST=$(HOST) PORT=$(PORT) scripts/serve.sh

# Installs the Debian packages given that are missing (as root directly, otherwise through sudo).
define install_debs
	@missing=""; for pkg in $(1); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

runtime-deps:
	$(call install_debs,$(RUN_DEBS))

system-deps:
	$(call install_debs,$(TEST_DEBS) $(BENCH_DEBS))

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test-sqlite: $(VENV)/.dev var/secret_key
	@echo "=== pytest on SQLite ==="
	$(VENV)/bin/pytest -n $(TEST_WORKERS) -q

test-postgres: $(VENV)/.dev system-deps var/secret_key
	@echo "=== pytest on PostgreSQL ==="
	scripts/with_postgres.sh $(VENV)/bin/pytest -n $(TEST_WORKERS) -q

test-browser: $(VENV)/.dev system-deps var/secret_key
	@echo "=== browser tests in chromium ==="
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest -m browser -q

test: system-deps lint test-sqlite test-postgres test-browser
	@echo "=== make test: all passed (SQLite, PostgreSQL, chromium) ==="

lock:
	rm -rf /tmp/khuyencong-lock && $(PYTHON) -m venv /tmp/khuyencong-lock
	/tmp/khuyencong-lock/bin/pip install --quiet --upgrade pip
	/tmp/khuyencong-lock/bin/pip install --quiet .
	{ echo "# Pinned runtime dependencies (from pyproject.toml). Regenerate: make lock"; \
	  /tmp/khuyencong-lock/bin/pip freeze --exclude khuyencong; } > requirements.txt
	/tmp/khuyencong-lock/bin/pip install --quiet ".[dev]"
	{ echo "# Pinned development dependencies. Regenerate: make lock"; echo "-r requirements.txt"; \
	  comm -13 <(sort requirements.txt) <(/tmp/khuyencong-lock/bin/pip freeze --exclude khuyencong | sort); } > requirements-dev.txt

messages: $(VENV)/.dev var/secret_key
	$(PY) manage.py makemessages -l en --ignore ".venv/*" --ignore "build/*" --ignore "var/*" --ignore "*/migrations/*" --ignore "benchmarks/*" --ignore "tests/*"
	$(PY) manage.py compilemessages -l en --ignore ".venv/*"

clean-db:
	rm -f var/khuyencong.sqlite3 var/khuyencong.sqlite3-wal var/khuyencong.sqlite3-shm

bench: $(VENV)/.dev system-deps var/secret_key
	$(PY) -m benchmarks.run $(BENCH_ARGS)
