# The two commands: `make run` and `make test`. Both set everything up on a fresh
# Debian 12 / Raspberry Pi OS Bookworm machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: run test bench lint setup system-run system-test locale clean

# A local hub (SQLite) and this machine's kiosk, enrolled, together. ARGS go to `kiosk run`,
# e.g. `make run ARGS=--windowed`.
run: system-run setup
	scripts/dev-stack.sh $(ARGS)

test: system-test setup
	$(BIN)/ruff check kiosk tests
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: system-test setup
	$(BIN)/python -m tests.bench

lint: setup
	$(BIN)/ruff check kiosk tests
	$(BIN)/ruff format --check kiosk tests
	$(BIN)/mypy kiosk/core kiosk/packs kiosk/protocol kiosk/hub

system-run:
	scripts/system-packages.sh run

system-test:
	scripts/system-packages.sh test

setup: $(STAMP) locale

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip wheel setuptools
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# Compiled catalogues (.mo) are build output: made from the .po files at every set-up (both
# domains: the kiosk's and the dashboard's).
locale: $(STAMP)
	$(BIN)/python -m kiosk.ui.i18n_build compile

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache
