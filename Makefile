# onstage — every target a newcomer needs. `make test` and `make demo` set themselves up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup generate check-generated lint test coverage demo bench spec-diff api-diff vendor clean

setup: $(STAMP)

# Reinstall only when pyproject.toml changes; otherwise this is a no-op.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e '.[dev,sandbox,webhooks]'
	@touch $(STAMP)

generate: setup
	@$(PY) scripts/generate.py

check-generated: setup
	@$(PY) scripts/check_generated.py

lint: setup
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check src/onstage scripts tests benchmarks $(wildcard examples) --exclude src/onstage/_generated --exclude tests/generator/golden
	@$(PY) -m mypy

test: setup
	@$(PY) scripts/check_generated.py
	@$(MAKE) --no-print-directory lint
	@$(PY) -m pytest -q -p no:randomly

# Line and branch coverage of the hand-written code (src/onstage minus _generated).
coverage: setup
	@$(PY) -m coverage run -m pytest -q -p no:randomly
	@$(PY) -m coverage report

demo: setup
	@$(PY) examples/quickstart.py

bench: setup
	@$(PY) benchmarks/bench_overhead.py

# Spec changes between a git ref and the working tree: make spec-diff BASE=origin/main
spec-diff: setup
	@$(PY) scripts/spec_diff.py --base-ref $(or $(BASE),HEAD) openapi/onstage.yaml

# Public Python API changes: make api-diff BASE=v0.1.0
api-diff: setup
	@$(PY) scripts/api_diff.py --base $(or $(BASE),HEAD)

# Copy onstage into another project as its own package (see scripts/vendor.py):
# make vendor INTO=../app/src PACKAGE=acme_video [TESTING=1] [LOGGER=acme_video] [FORCE=1]
vendor: setup
	@test -n "$(INTO)" -a -n "$(PACKAGE)" || { echo "usage: make vendor INTO=<dir> PACKAGE=<name> [TESTING=1] [LOGGER=<name>] [FORCE=1]" >&2; exit 2; }
	@$(PY) scripts/vendor.py --into "$(INTO)" --package "$(PACKAGE)" $(if $(TESTING),--with-testing) $(if $(LOGGER),--logger-name "$(LOGGER)") $(if $(FORCE),--force)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache build dist
