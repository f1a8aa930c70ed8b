# The single entry point: `make run` serves the site, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench bench-practice bench-faults install install-dev migrate content check-exercises diagrams lint clean

# The site and one code-running worker together; stopping make stops both. Without bubblewrap
# the worker says why and exits, and the site runs on (exercises say running is unavailable).
run: install migrate content
	PYTHON=$(BIN)/python bin/worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# One test process per core (pytest-xdist); tests that run code in the sandbox share one process.
test: install-dev
	$(BIN)/python -m pytest -n auto --dist loadgroup $(PYTEST_ARGS)

# Serves the site with gunicorn on PostgreSQL and loads it with wrk; prints figures and ratios.
bench: install-dev
	command -v wrk >/dev/null || (apt-get update -q && apt-get install -y -q wrk)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The practice pages (review, Today, a mock step) at 1,000,000 marks and two years of reviews:
# queries and in-process CPU per request.
bench-practice: install-dev
	$(BIN)/python bench/practice.py $(BENCH_ARGS)

# Restarts PostgreSQL in the middle of a load run: recovery time, error pages, lost ticks.
bench-faults: install-dev
	$(BIN)/python bench/run.py --faults $(BENCH_ARGS)

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable

content: install
	$(BIN)/python manage.py load_content fixtures/content/

# Every exercise's reference solution against its tests in the sandbox (bubblewrap): N passed, M failed.
check-exercises: install migrate content
	$(BIN)/python manage.py check_exercises

# Draw every diagram of the content from its Graphviz source (authors only: needs graphviz;
# the SVGs are kept in the repository, so running and testing the site need no diagram tool).
diagrams:
	command -v dot >/dev/null || (apt-get update -q && apt-get install -y -q graphviz)
	for source in fixtures/content/diagrams/*.dot; do dot -Tsvg "$$source" > "$${source%.dot}.svg"; done

lint: install-dev
	$(BIN)/pip install --quiet ruff==0.17.6
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache
