# onstage — every target a newcomer needs. `make test` and `make demo` set themselves up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup generate check-generated lint test coverage demo docs fidelity bench bench-import bench-throughput spec-diff api-diff vendor clean

setup: $(STAMP)

# Reinstall only when pyproject.toml changes; otherwise this is a no-op.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e '.[dev,sandbox,webhooks,docs]'
	@touch $(STAMP)

generate: setup
	@$(PY) -m scripts.codegen generate

check-generated: setup
	@$(PY) -m scripts.codegen check

lint: setup
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check src/onstage scripts tests benchmarks $(wildcard examples) --exclude src/onstage/_generated --exclude tests/generator/golden
	@$(PY) -m mypy

test: setup
	@$(PY) -m scripts.codegen check
	@$(MAKE) --no-print-directory lint
	@$(PY) -m pytest -q -p no:randomly

# Line and branch coverage of the hand-written code (src/onstage minus _generated).
coverage: setup
	@$(PY) -m coverage run -m pytest -q -p no:randomly
	@$(PY) -m coverage report

demo: setup
	@$(PY) examples/quickstart.py

# The documentation site (mkdocs.yml, docs/) into site/, built offline and strict (tests/docs builds it
# the same way in `make test`); then the share of public methods whose parameters are all documented.
docs: setup
	@NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict
	@echo "open site/index.html"
	@$(PY) -m scripts.doc_coverage

# The bench extra (uvicorn, aiohttp, the official cloudflare SDK on the old httpx): reinstalled only
# when pyproject.toml changes.
$(BENCH_STAMP): $(STAMP) pyproject.toml
	@$(PY) -m pip install --quiet -e '.[dev,sandbox,webhooks,bench]'
	@touch $(BENCH_STAMP)

bench: setup $(BENCH_STAMP)
	@$(PY) benchmarks/bench_overhead.py
	@$(PY) benchmarks/bench_import.py

# Start-up only (import onstage, first call) against import httpx2; BEFORE=<ref> adds that commit's.
bench-import: setup
	@$(PY) benchmarks/bench_import.py $(if $(BEFORE),--before $(BEFORE))

# Loopback requests/s of onstage vs raw httpx / httpx2 / aiohttp against a local uvicorn.
bench-throughput: setup $(BENCH_STAMP)
	@$(PY) benchmarks/bench_throughput.py

# Spec changes between a git ref and the working tree: make spec-diff BASE=origin/main
spec-diff: setup
	@$(PY) -m scripts.spec_diff --base-ref $(or $(BASE),HEAD) openapi/onstage.yaml

# What backs each operation of the spec (the official SDK's schema, docs prose, inference), per API,
# and every description marked x-onstage-inferred.
fidelity: setup
	@$(PY) -m scripts.fidelity

# Public Python API changes: make api-diff BASE=v0.1.0
api-diff: setup
	@$(PY) -m scripts.api_diff --base $(or $(BASE),HEAD)

# Copy onstage into another project as its own package (see scripts/vendor.py, run as python -m scripts.vendor):
# make vendor INTO=../app/src PACKAGE=acme_video [TESTING=1] [LOGGER=acme_video] [FORCE=1]
vendor: setup
	@test -n "$(INTO)" -a -n "$(PACKAGE)" || { echo "usage: make vendor INTO=<dir> PACKAGE=<name> [TESTING=1] [LOGGER=<name>] [FORCE=1]" >&2; exit 2; }
	@$(PY) -m scripts.vendor --into "$(INTO)" --package "$(PACKAGE)" $(if $(TESTING),--with-testing) $(if $(LOGGER),--logger-name "$(LOGGER)") $(if $(FORCE),--force)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache build dist site

# The reliability suite (tests/reliability) with the full figures: cancellation storms, fault soak…
# (`make test` runs the same tests in their bounded profile). The figures print at the end.
.PHONY: reliability prove-old-httpx
# The cancellation tests' logic on raw clients: the old httpx 0.28 cases fail (leaked pool slots),
# httpx2 passes. A proof to run by hand, so not part of `make test`.
prove-old-httpx: setup
	@ONSTAGE_PROVE_OLD_HTTPX=1 $(PY) -m pytest -q -p no:randomly tests/reliability/test_cancellation.py -k raw_client -s || true

reliability: setup
	@ONSTAGE_RELIABILITY=full $(PY) -m pytest -q -p no:randomly tests/reliability
