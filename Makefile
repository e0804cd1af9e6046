# The two quick-start commands: `make serve` and `make test` (see README.md).
PYTHON ?= python3
PIP_FLAGS ?= -q

.PHONY: install install-test serve demo test lint bench

install:
	$(PYTHON) -m pip install $(PIP_FLAGS) -e .

install-test:
	bash scripts/install-test-deps.sh
	$(PYTHON) -m pip install $(PIP_FLAGS) -e ".[test]"

# Serve the wall on the embedded SQLite default, with the national demo data loaded once.
# A per-installation secret is made once in instance/ (session cookies must verify on every
# worker); CARBONWALL_SECRET_KEY from the environment wins.
serve: install
	carbonwall init-db
	carbonwall demo --if-empty
	@mkdir -p instance && test -s instance/secret_key || \
		$(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > instance/secret_key
	CARBONWALL_SECRET_KEY=$${CARBONWALL_SECRET_KEY:-$$(cat instance/secret_key)} carbonwall serve

# The whole test suite: unit, integration (SQLite and PostgreSQL), browser (headless Chromium).
test: install-test
	bash scripts/ensure-services.sh
	lint-imports
	ruff check .
	ruff format --check .
	$(PYTHON) -m pytest

# The benchmarks that need no filled pool; the others (bench_queries, bench_wall, bench_api,
# bench_load, bench_soak, backtest) read the national demo pool: see each script's docstring.
bench: install
	$(PYTHON) bench/bench_geo.py
	$(PYTHON) bench/bench_ingest.py --backend sqlite
	$(PYTHON) bench/bench_policy.py --docs 5000
