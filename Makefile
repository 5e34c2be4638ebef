# Two entry points: `make demo` (set up, import the bundled data, serve) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install lint setup browser clean compile i18n-extract i18n-update

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch is pinned in the same install as everything else, so pip never pulls a CUDA build.
	$(BIN)/python -m pip install --quiet -c requirements.lock torch==2.13.0 -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) compile

# Interface languages: the .po files are the source, the .mo files are built (never committed).
LOCALES_DIR := src/outcome_matcher/i18n/locales
BABEL_CFG   := src/outcome_matcher/i18n/babel.cfg

compile: $(STAMP)
	$(BIN)/pybabel compile --statistics -d $(LOCALES_DIR)

# After changing interface strings: extract, merge into every .po, translate, then compile.
i18n-extract: $(STAMP)
	$(BIN)/pybabel extract -F $(BABEL_CFG) -k N_ --no-location --sort-output \
	  --project outcome-matcher --copyright-holder "outcome-matcher authors" \
	  -o $(LOCALES_DIR)/messages.pot src/outcome_matcher

i18n-update: i18n-extract
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete --width 100 \
	  -i $(LOCALES_DIR)/messages.pot -d $(LOCALES_DIR)

setup: install
	$(BIN)/outcome-matcher setup

demo: install
	$(BIN)/outcome-matcher demo

# Debian's chromium for the browser tests; never a downloaded browser.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: sudo apt-get install chromium (browser tests will be skipped)"; fi; }

lint: install
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/mypy

test: install browser lint
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
