# Two commands do everything: `make build` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test lint bench profile clean system-deps

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/tul build

# System tools the tests need (poppler for page images, Debian's chromium and
# node for the accessibility test); installed when missing, never skipped.
system-deps:
	@command -v chromium >/dev/null && command -v pdftoppm >/dev/null && command -v node >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils nodejs npm >/dev/null)
	@test -d tests/node/node_modules/axe-core || (cd tests/node && npm install --silent --no-audit --no-fund)

test: $(STAMP) system-deps lint
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check render tests bench
	$(BIN)/mypy

bench: $(STAMP) system-deps
	$(BIN)/python bench/bench.py

profile: $(STAMP)
	$(BIN)/python bench/stages.py

clean:
	rm -rf build dist $(VENV)
