# Two commands do everything on a fresh machine with Python 3.11+ and git:
#   make demo   set up, then run the pipeline on the bundled example content
#   make test   set up, then lint and run the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup test lint demo bench clean editor editor-deps lock install-check

setup: $(STAMP) editor-deps

# The web editor (Sveltia CMS and what it loads, pinned in editor/package-lock.json) needs
# Node.js; without npm, setup goes on and the browser test of the editor is skipped.
NPM := $(shell command -v npm 2>/dev/null)
NODE_STAMP := editor/node_modules/.installed

editor-deps:
ifneq ($(NPM),)
	@$(MAKE) --no-print-directory $(NODE_STAMP)
else
	@echo "npm not found: the web editor is not installed and its browser test will be skipped (apt-get install nodejs npm)"
endif

$(NODE_STAMP): editor/package.json editor/package-lock.json
	npm ci --prefix editor --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

editor: setup
	$(BIN)/python scripts/editor.py

# Every dependency is pinned from the package index with its hashes (requirements/*.txt,
# made by `make lock`); --no-build-isolation builds postdesk itself with the locked setuptools,
# so nothing unpinned is downloaded.
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes

$(STAMP): pyproject.toml requirements/dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "postdesk needs Python 3.11 or newer (found " + sys.version.split()[0] + ")")'
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# The two lock files, from pyproject.toml, for every platform (uv's universal resolution),
# with the hashes of every file. requirements/run.txt is what the workflows install;
# requirements/dev.txt adds the test, lint and bench tools, constrained to the same versions.
UV_COMPILE := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --no-header --quiet
lock: setup
	$(UV_COMPILE) --extra faces -o requirements/run.txt
	$(UV_COMPILE) --extra faces --extra test --extra lint --extra bench -c requirements/run.txt -o requirements/dev.txt

# Proves that the run-time lock installs alone, in a new virtual environment, from the
# package index only: no pip cache, no local wheel folder, no pip configuration of this machine.
install-check:
	scripts/install_check.sh requirements/run.txt

lint: setup
	$(BIN)/ruff check tools tests bench scripts examples
	$(BIN)/actionlint .github/workflows/*.yml
	$(BIN)/zizmor --offline --quiet .github/workflows/

test: lint
	$(BIN)/python -m pytest

demo: setup
	$(BIN)/python scripts/demo.py

bench: setup
	$(BIN)/python bench/check_bench.py
	$(BIN)/python bench/confidentiality_bench.py
	$(BIN)/python bench/preview_bench.py
	$(BIN)/python bench/site_bench.py
	$(BIN)/python bench/post_bench.py

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache
