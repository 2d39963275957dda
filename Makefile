# The two commands: `make run` (serve the app on http://127.0.0.1:8000) and `make test`.
# Both work from a bare clone: they create .venv and install first. Without DATABASE_URL
# the app uses a SQLite file; without REDIS_URL Celery tasks run in-process.
VENV ?= .venv
# make run PORT=8001 serves on another port.
PORT ?= 8000
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run serve test install lint check messages clean-db bench

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_plan
	$(PY) manage.py load_demo
	$(PY) manage.py rollup --full
	@echo "Demo users (DEBUG only):"
	$(PY) manage.py create_demo_users
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The production stack on this machine (docs/deploy.md): migrate, collectstatic, then gunicorn, a Celery
# worker and beat with jinzhou.settings.production; Ctrl-C stops all three. Needs DATABASE_URL
# (PostgreSQL), REDIS_URL and SECRET_KEY; on plain HTTP also SECURE_SSL_REDIRECT=0 and friends.
serve: install
	PYTHON=$(PY) bin/serve

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

# Regenerate the translation catalogues after changing strings (needs GNU gettext).
messages: install
	$(PY) manage.py makemessages -l zh_Hans -l en --no-location --ignore '.venv/*' --ignore 'staticfiles/*' \
		--ignore 'tests/*' --ignore 'bench/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

clean-db:
	rm -f db.sqlite3

# Benchmarks (by hand, never in the test suite): need PostgreSQL; create and drop jinzhou_bench_city and
# jinzhou_bench_province (or <name>_city and <name>_province for the jinzhou_bench* database BENCH_DATABASE_URL
# names, to keep out of someone else's way).
bench: install
	$(PY) bench/rollup.py
	# The API under load (needs wrk: apt-get install -y wrk); reuses the province data just rolled up.
	$(PY) bench/api.py --reuse
	# Every page as a planner and as an editor, city against province; reuses both databases.
	$(PY) bench/pages.py --reuse

# Screenshots of every dashboard page at 1366×768 as the planner and a department viewer (by hand, not in
# the test suite): builds a throwaway SQLite demo database, serves it, drives /usr/bin/chromium.
screenshots: install
	$(PY) docs/screenshots/take.py
