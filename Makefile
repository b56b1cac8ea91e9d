# Two commands: `make run` and `make test`. Everything they need is installed here.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501
# This machine only; `make run ADDRESS=0.0.0.0` opens the dashboard to the network (it then asks
# for a password). Not `?=`: an ADDRESS or HOST set in the environment must not open it.
ADDRESS = 127.0.0.1

.PHONY: run test build demo setup browser lint e2e clean

# uv installs the packages in seconds (pip: ~30 s); pip stays the fallback if uv cannot run.
# --compile-bytecode: uv does not write .pyc files by default, and where PYTHONDONTWRITEBYTECODE
# is set (CI) every process (each build the tests run) then compiled pandas & co. again: about
# 1 s of CPU per process, three minutes of a clean clone's `make test`.
$(STAMP): pyproject.toml
	@echo "Installation de l'environnement Python dans $(VENV)/ …"
	@$(PY) -m venv $(VENV)
	@$(BIN)/pip install --quiet uv >/dev/null 2>&1 || true
	@if [ -x $(BIN)/uv ] && $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[test]'; \
	then :; else $(BIN)/pip install --quiet -e '.[test]'; fi
	@touch $(STAMP)

setup: $(STAMP)

# Debian's chromium for the browser test (no browser download: playwright drives the system one),
# and LibreOffice Calc, a real client of the CSV downloads (a test opens one: numbers and dates
# typed); ~15 s of apt on a clean machine.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }
	@command -v soffice >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null; }

demo: $(STAMP)
	@if [ -z "$$(find data/raw -maxdepth 1 -type f \( -iname '*.csv' -o -iname '*.xlsx' \) 2>/dev/null)" ]; then \
	  $(BIN)/python -m pipelines demo; fi

build: demo
	@$(BIN)/python -m pipelines build

# A failed build keeps the last good database: the dashboard opens on it and says why (said
# here in French, not by make's « Error 1 (ignored) »).
run: demo
	@$(BIN)/python -m pipelines build || echo "La construction a échoué (voir ci-dessus) : le tableau de bord s'ouvre quand même, sur la dernière base valide s'il y en a une, et le dit."
	@echo "Tableau de bord : http://$(ADDRESS):$(PORT) (Ctrl+C pour l'arrêter)"
	@$(BIN)/streamlit run dashboard/app.py --server.address $(ADDRESS) --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

lint: $(STAMP)
	$(BIN)/ruff check .

# Two workers on two cores: about 6 min instead of 12 (pytest-xdist). The project's own modules
# compiled first: where PYTHONDONTWRITEBYTECODE is set (CI), each of the suite's few hundred
# command-line runs compiled them again (0.03 s each).
test: $(STAMP) browser lint
	@$(BIN)/python -m compileall -q -j 0 pipelines dashboard tests bench >/dev/null
	$(BIN)/python -m pytest -n 2

e2e: $(STAMP) browser
	$(BIN)/python -m pytest -m e2e

clean:
	rm -rf $(VENV) .pytest_cache

# Performance at scale (issue 12), not part of `make test`: the build at N = 1, 100 and 1000 times
# the programme against DuckDB's own reading, a pandas and a polars script, and the dashboard's
# pages; `make bench SCALES="1 100"` for a shorter run. Table in bench/out/bench.md.
SCALES ?= 1 100 1000
.PHONY: bench
bench: $(STAMP)
	@$(BIN)/python -c "import polars, psutil" 2>/dev/null || \
	  { [ -x $(BIN)/uv ] && $(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[bench]'; } || \
	  $(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run.py --scales "$(SCALES)"
	$(BIN)/python bench/report.py
