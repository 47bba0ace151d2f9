# Panoptic: the two commands of the quick start, and a few helpers.
#   make demo   set up the machine, run the example shop suite, print where the HTML report is
#   make test   set up the machine, start the services the tests need, run the whole test suite

SHELL := /bin/bash
PY := .venv/bin/python
RESULTS ?= panoptic-results
PYTEST_ARGS ?= -n 2 -q

.PHONY: setup demo test check lint format doctor services-start services-stop clean

setup:
	bash scripts/setup.sh

demo: setup
	@set +e; $(PY) -m panoptic run examples/shop --output $(RESULTS); rc=$$?; \
	if [ -f "$(RESULTS)/report.html" ]; then echo "HTML report: $(CURDIR)/$(RESULTS)/report.html"; \
	else echo "no HTML report was written to $(RESULTS)/" >&2; fi; exit $$rc

test: setup
	bash scripts/ci-services.sh run -- $(PY) -m pytest $(PYTEST_ARGS)

check:
	$(PY) -m panoptic check examples

lint:
	.venv/bin/ruff check panoptic tests examples
	.venv/bin/ruff format --check panoptic tests examples
	.venv/bin/lint-imports
	.venv/bin/mypy

format:
	.venv/bin/ruff format panoptic tests examples

doctor:
	$(PY) -m panoptic doctor

services-start:
	bash scripts/ci-services.sh start

services-stop:
	bash scripts/ci-services.sh stop

clean:
	rm -rf $(RESULTS) .pytest_cache .ruff_cache
