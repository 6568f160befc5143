# Two commands do everything: `make build` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test lint fuzz bench bench-quick profile clean system-deps

# One line per step, and pip's own line per package: a first set-up takes a few minutes
# (WeasyPrint, pikepdf, pydantic… into .venv), later runs nothing until pyproject.toml changes.
$(STAMP): pyproject.toml
	@echo "[1/3] virtual environment .venv (with $(PYTHON))"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "[2/3] pip itself, up to date"
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "[3/3] tul and its dependencies, with the test tools (pytest, ruff, mypy…): one line per package"
	@$(BIN)/python -m pip install --progress-bar off -e '.[test]' | grep -v '^Requirement already satisfied' || true
	@$(BIN)/python -c "import render.cli" && touch $(STAMP) && echo "set-up done: $(BIN)/tul"

build: $(STAMP)
	$(BIN)/tul build

# System tools the tests need (poppler for page images, Debian's chromium and
# node for the accessibility test); installed with apt-get when missing (as root),
# never skipped. Each step says what it does; apt-get prints one line per package.
system-deps:
	@missing=""; \
	  command -v chromium >/dev/null || missing="$$missing chromium"; \
	  command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	  command -v node >/dev/null || missing="$$missing nodejs"; \
	  command -v npm >/dev/null || missing="$$missing npm"; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" != 0 ]; then \
	      echo "the tests need Debian's$$missing: run 'sudo make system-deps' once (apt-get needs root)"; exit 1; \
	    fi; \
	    echo "system packages:$$missing (apt-get, a minute or two)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing \
	      | grep -E '^(Setting up|Unpacking) ' || true; \
	    for tool in chromium pdftoppm node npm; do command -v $$tool >/dev/null || { echo "$$tool is still missing"; exit 1; }; done; \
	  fi
	@test -d tests/node/node_modules/axe-core || { echo "axe-core into tests/node/node_modules (npm)"; \
	  cd tests/node && npm install --no-audit --no-fund --loglevel=error; }

test: $(STAMP) system-deps lint
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check render tests bench
	$(BIN)/mypy

# 10 000 mutated default reports; prints how many ended in a traceback or a hang (must be 0).
fuzz: $(STAMP)
	$(BIN)/python tests/fuzz.py --cases 10000

# Side by side with plain WeasyPrint and Chromium; bench-quick leaves out the 10 000-activity report.
bench: $(STAMP) system-deps
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/city.py

bench-quick: $(STAMP) system-deps
	$(BIN)/python bench/bench.py --quick

profile: $(STAMP)
	$(BIN)/python bench/stages.py

clean:
	rm -rf build dist $(VENV)
