"""Server-side time of each dashboard page (streamlit.testing.v1.AppTest) on a built database,
once per period preset of the sidebar, with the figure caches emptied before each run (the
first viewer of a selection after a build; a second viewer is served from the cache).
The scripts' compiled code is kept between runs, as a server's runtime keeps it (one
ScriptCache per server): AppTest makes a new one per run, which compiled app.py and the page
again each time (~0.04 s of every run at N = 1, which a server pays once).

Usage: python bench/pages.py CURATED_DIR   (prints {page: [seconds per preset]} as JSON)

A run is the whole script run of the app for that page (sidebar filters, then the page); the
database connection stays open between runs, as it does in a running server. The first run of
each page, for the « Tout le programme » preset, is run once more before it is measured, so that
imports and the first query plans are not counted (that first run is reported apart). A page
that fails is listed under "errors" (exit status 1) and the other pages are still timed.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
PAGES = ("overview", "sources", "campaigns", "network", "ambassadors", "territory", "quality")


def main() -> None:
    os.environ["OMLOT_CURATED_DIR"] = str(Path(sys.argv[1]).resolve())
    sys.path.insert(0, str(ROOT))
    import streamlit as st
    from streamlit import config as st_config
    from streamlit.testing.v1 import AppTest

    # a password in the project's secrets must not put a login page in front of the figures
    st_config.set_option("secrets.files", [str(Path(tempfile.mkdtemp()) / "no-secrets.toml")])
    st.secrets._reset()
    _share_script_cache()
    st_config.set_option("client.showErrorDetails", "full")  # a failing page says why
    at = AppTest.from_file(APP, default_timeout=900)
    started = time.perf_counter()
    at.run()
    first = time.perf_counter() - started
    if at.exception:
        raise SystemExit(f"l'application a échoué : {at.exception}")
    # the sidebar's presets (dashboard/state.py), keys in the order it shows them
    from dashboard.state import presets as preset_options

    labels = at.sidebar.selectbox[0].options
    years = [int(label.split()[-1]) for label in labels if label.split()[-1].isdigit()]
    by_label = {label: key for key, label in preset_options(sorted(years)).items()}
    presets = [by_label[label] for label in labels if by_label.get(label, "perso") != "perso"]
    times: dict[str, list[float]] = {}
    errors: dict[str, str] = {}
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py")
        at.sidebar.selectbox[0].set_value(presets[0])
        at.run()  # warm-up of this page: not counted
        times[page] = []
        for preset in presets:
            st.cache_data.clear()
            at.sidebar.selectbox[0].set_value(preset)
            started = time.perf_counter()
            at.run()
            times[page].append(round(time.perf_counter() - started, 4))
            if at.exception:  # the page is reported as failing, the others still run
                error = at.exception[0]
                errors[page] = f"{preset}: {error.message[:200]}"
                print(f"la page {page} a échoué ({preset}), voir l'exception ci-dessus",
                      file=sys.stderr)
                break
    print(json.dumps({"presets": presets, "first_run": round(first, 3), "pages": times,
                      "errors": errors}))
    if errors:
        sys.exit(1)


def _share_script_cache() -> None:
    """One ScriptCache for every run, as a running server has (AppTest builds one per run)."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared


if __name__ == "__main__":
    main()
