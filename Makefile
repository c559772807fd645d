# phonegen: `make run` serves the embedded default on port 6161 from a bare
# checkout; `make test` runs the suite on SQLite, then on PostgreSQL.

SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# Written after a successful install, so that later runs skip pip entirely.
STAMP := $(VENV)/.phonegen-installed
# Also handed to phonegen_user as PHONEGEN_PORT, so its curl lines match.
PORT ?= 6161

TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/phonegen
# Only for the pytest process of the PostgreSQL run, which needs a key once
# DATABASE_URL is set; e2e processes get a random one from the harness.
TEST_SECRET_KEY ?= phonegen-tests-only-not-a-secret
PYTEST_ARGS ?=

# REDIS_URL stays unset for pytest itself: with it, in-process tests would queue
# work for a Celery worker that is not there. e2e tests start their own.
PYTEST_SQLITE = env -u DATABASE_URL -u REDIS_URL \
	$(BIN)/pytest -m "not postgres" $(PYTEST_ARGS)
PYTEST_POSTGRES = env -u REDIS_URL DATABASE_URL=$(TEST_DATABASE_URL) \
	SECRET_KEY=$(TEST_SECRET_KEY) $(BIN)/pytest $(PYTEST_ARGS)
# `make test` splits the PostgreSQL run in two processes, each with its own test
# database: the in-process tests, and the e2e tests with their servers.
PYTEST_POSTGRES_UNIT = env -u REDIS_URL DATABASE_URL=$(TEST_DATABASE_URL) \
	SECRET_KEY=$(TEST_SECRET_KEY) $(BIN)/pytest -m "not e2e" $(PYTEST_ARGS)
PYTEST_POSTGRES_E2E = env -u REDIS_URL DATABASE_URL=$(TEST_DATABASE_URL)_e2erun \
	SECRET_KEY=$(TEST_SECRET_KEY) $(BIN)/pytest -m e2e $(PYTEST_ARGS)

# nanpa-blocks is the only loader `make run` uses that records OCNs, and it runs
# last: rows with an OCN mean both loads are done.
PREFIXES_LOADED := import sys; from phonegen.prefixes.models import PhonePrefix; \
	sys.exit(0 if PhonePrefix.objects.exclude(ocn="").exists() else 1)

.PHONY: venv install chromium run test test-sqlite test-postgres lint format bench clean

venv: $(PY)

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

install: $(STAMP)

$(STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# The dashboard's browser test drives Debian's Chromium; Playwright's own
# browser downloads are never used. Installed when missing and apt-get can run;
# elsewhere the test says why it skips (or fails, with PHONEGEN_E2E_REQUIRED=1).
CHROMIUM ?= /usr/bin/chromium
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's chromium for the browser tests"; \
			apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "$(CHROMIUM) is missing; the browser tests will not run" >&2; \
		fi; \
	fi

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	@if $(PY) manage.py shell --no-imports -c '$(PREFIXES_LOADED)'; then \
		echo "Prefix data already loaded."; \
	else \
		$(PY) manage.py load_prefixes --source libphonenumber && \
		$(PY) manage.py load_prefixes --source nanpa-blocks; \
	fi
	PHONEGEN_PORT=$(PORT) $(PY) manage.py phonegen_user
	PHONEGEN_PORT=$(PORT) $(PY) manage.py serve --port $(PORT)

# Every run always happens, side by side: the SQLite run, the PostgreSQL run's
# in-process tests, and its e2e tests, which mostly wait on their servers and
# workers; together they take about as long as the longest. Each writes a log
# (into files: a process a test left behind cannot hold up the output), shown
# once all three are over. pytest's exit code 5 (nothing collected) is fine for
# some of them, but not for all. A run still going after TEST_RUN_LIMIT seconds
# is stopped (its stacks go to its log) and fails; the end of the output names
# every run that failed or would not exit.
TEST_LOGS := var/test-logs
TEST_RUN_LIMIT ?= 1500
LIMITED = timeout --kill-after=60 $(TEST_RUN_LIMIT)
test: $(STAMP) chromium lint
	@mkdir -p $(TEST_LOGS); failed=0; ran=0; \
	$(LIMITED) $(PYTEST_SQLITE) >$(TEST_LOGS)/sqlite.log 2>&1 & sqlite_pid=$$!; \
	$(LIMITED) $(PYTEST_POSTGRES_UNIT) >$(TEST_LOGS)/postgres.log 2>&1 & unit_pid=$$!; \
	$(LIMITED) $(PYTEST_POSTGRES_E2E) >$(TEST_LOGS)/e2e.log 2>&1; e2e_rc=$$?; \
	wait $$unit_pid; unit_rc=$$?; \
	wait $$sqlite_pid; sqlite_rc=$$?; \
	echo "===== PostgreSQL run, e2e tests ====="; cat $(TEST_LOGS)/e2e.log; \
	echo "===== PostgreSQL run, in-process tests ====="; cat $(TEST_LOGS)/postgres.log; \
	echo "===== SQLite run (embedded default) ====="; cat $(TEST_LOGS)/sqlite.log; \
	for rc in $$sqlite_rc $$unit_rc $$e2e_rc; do \
		case $$rc in 0) ran=1;; 5) ;; *) failed=1;; esac; \
	done; \
	for run in sqlite:$$sqlite_rc postgres:$$unit_rc e2e:$$e2e_rc; do \
		log=$(TEST_LOGS)/$${run%%:*}.log; rc=$${run##*:}; \
		if grep -q "had not exited" $$log; then \
			echo "make test: the $${run%%:*} run would not exit; its threads:"; \
			sed -n '/had not exited/,$$p' $$log | head -60; \
		fi; \
		case $$rc in 0|5) ;; *) \
			echo "make test: the $${run%%:*} run failed ($$rc; 124 is the time limit)," \
				"the end of its log:"; tail -n 60 $$log;; \
		esac; \
	done; \
	echo "make test: SQLite run exited with $$sqlite_rc"; \
	echo "make test: PostgreSQL run exited with $$unit_rc (in-process), $$e2e_rc (e2e)"; \
	if [ $$failed = 0 ] && [ $$ran = 0 ]; then \
		echo "make test: no test ran in any run" >&2; failed=1; \
	fi; \
	exit $$failed

test-sqlite: $(STAMP)
	$(PYTEST_SQLITE)

test-postgres: $(STAMP) chromium
	$(PYTEST_POSTGRES)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Needs PostgreSQL and Redis on 127.0.0.1, as `make test` does; takes a few
# minutes. BENCH_ARGS=--quick runs 100,000-number tasks instead of 1,000,000.
BENCH_ARGS ?=
bench: $(STAMP)
	$(PY) -m phonegen.bench $(BENCH_ARGS)

clean:
	rm -rf var $(STAMP)
