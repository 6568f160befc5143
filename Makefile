# Two commands do everything: `make build` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test lint bench bench-quick profile clean system-deps

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
	@missing=""; \
	  command -v chromium >/dev/null || missing="$$missing chromium"; \
	  command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	  command -v node >/dev/null || missing="$$missing nodejs"; \
	  command -v npm >/dev/null || missing="$$missing npm"; \
	  if [ -n "$$missing" ]; then \
	    echo "installing system packages:$$missing (needs root)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  fi
	@test -d tests/node/node_modules/axe-core || (cd tests/node && npm install --silent --no-audit --no-fund)

test: $(STAMP) system-deps lint
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check render tests bench
	$(BIN)/mypy

# Side by side with plain WeasyPrint and Chromium; bench-quick leaves out the 10 000-activity report.
bench: $(STAMP) system-deps
	$(BIN)/python bench/bench.py

bench-quick: $(STAMP) system-deps
	$(BIN)/python bench/bench.py --quick

profile: $(STAMP)
	$(BIN)/python bench/stages.py

clean:
	rm -rf build dist $(VENV)
