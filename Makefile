PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
ARGS ?=

.PHONY: run test bench dictionary clean

# Re-install only when the pinned set or the project metadata changes.
$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m flows run $(ARGS)

test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) -m flows.bench

dictionary: $(STAMP)
	$(PY) -c 'from ai_race_tables.dictionary import write_readme; write_readme()'

clean:
	rm -rf $(VENV)
