# fugong — the two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
SCALE ?= small

.PHONY: install run test lint bench bench-notices bench-checkins worker serve-prod

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

install: $(VENV)/.installed

## make run — install, migrate SQLite, load the demo district if the database is empty, serve on :8000
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo --scale $(SCALE) --if-empty
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

## make test — the whole suite on the database of DATABASE_URL (SQLite by default), two workers
test: install
	$(PY) -m pytest -n 2 --create-db -rs $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check fugong tests bench

## production-like: gunicorn with DEBUG off (needs DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL)
serve-prod: install
	FUGONG_ENV=production $(PY) manage.py collectstatic --noinput -v0
	FUGONG_ENV=production $(PY) manage.py migrate --noinput
	FUGONG_ENV=production $(VENV)/bin/gunicorn fugong.wsgi:application -c gunicorn.conf.py

## make bench — the registry (issue 2), command page / evening summary (issue 3), problem ledger (issue 4), on PostgreSQL
bench: install
	$(PY) bench/run_all.py
	$(PY) bench/resumption_bench.py
	$(PY) bench/ledger_bench.py

## make bench-notices — release notices (issue 5): issue one, bulk print 200, verification page, on PostgreSQL
bench-notices: install
	$(PY) bench/notice_bench.py

## make bench-checkins — the morning wave of check-ins (issue 5) under gunicorn, on PostgreSQL; needs wrk (apt-get install -y wrk)
bench-checkins: install
	$(PY) bench/checkin_bench.py

## make worker — the background worker that runs queued jobs (the evening summary)
worker: install
	$(PY) manage.py db_worker

## make messages — refresh the English catalog from the source, then compile it (translate new entries, commit .po and .mo)
.PHONY: messages
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages -l en --ignore=.venv
