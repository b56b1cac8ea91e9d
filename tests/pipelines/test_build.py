"""The build as a whole: atomic publish, file-level errors, personal data, the demo's figures."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines import build as build_module
from pipelines import config, guard
from tests.conftest import ROOT, copy_build, kpis, run_cli

PROSPECTS = (
    "ID prospect;Date de premier contact;Canal;Email;Téléphone\n"
    "P1;01/02/2023;Salon;marie.dupont@example.fr;06 12 34 56 78\n"
    "P2;01/03/2023;Camping;jean.martin@example.fr;07 98 76 54 32\n"
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def published_once(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("published")
    raw, curated = base / "raw", base / "curated"
    raw.mkdir()
    (raw / "prospects.csv").write_text(PROSPECTS, encoding="utf-8")
    result = run_cli("build", "--raw", str(raw), "--curated", str(curated))
    assert result.returncode == 0, result.stderr
    return {"raw": raw, "curated": curated, "database": curated / "lot.duckdb"}


@pytest.fixture
def published(published_once, tmp_path) -> dict[str, Path]:
    """A raw folder with one good prospects file, built and published: this test's own copy
    of one build (conftest.copy_build)."""
    return copy_build(published_once, tmp_path)


def _failed_build_keeps_last_good_database(published: dict[str, Path]) -> str:
    before = _sha(published["database"])
    result = run_cli("build", "--raw", str(published["raw"]), "--curated",
                     str(published["curated"]))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert _sha(published["database"]) == before
    assert kpis(published["curated"])["followed"] == 2
    return result.stderr


def test_missing_required_column_names_file_and_lists_columns_found(published):
    (published["raw"] / "installations_2024.csv").write_text(
        "ID installation;Date d'installation;Code INSEE\nI1;01/01/2024;46042\n", "utf-8")
    message = _failed_build_keeps_last_good_database(published)
    assert "installations_2024.csv" in message
    assert "« ID prospect »" in message
    assert "« ID installation », « Date d'installation », « Code INSEE »" in message


def test_unreadable_csv_stops_build(published):
    (published["raw"] / "contacts_campagnes.csv").write_bytes(b"PK\x03\x04\x00\x00garbage")
    message = _failed_build_keeps_last_good_database(published)
    assert "contacts_campagnes.csv" in message and "illisible" in message


def test_unreadable_xlsx_stops_build(published):
    (published["raw"] / "ambassadeurs.xlsx").write_bytes(b"not a workbook at all")
    message = _failed_build_keeps_last_good_database(published)
    assert "ambassadeurs.xlsx" in message and "illisible" in message


def test_no_prospects_file_stops_build(published):
    (published["raw"] / "prospects.csv").rename(published["raw"] / "ancien_prospects.csv")
    message = _failed_build_keeps_last_good_database(published)
    assert "Aucun fichier de prospects" in message


def test_failed_build_status_is_recorded_for_the_dashboard(published):
    (published["raw"] / "prospects.csv").write_text("Nom;Ville\nDupont;Cahors\n", "utf-8")
    _failed_build_keeps_last_good_database(published)
    status = (published["curated"] / config.STATUS_NAME).read_text("utf-8")
    assert '"status": "failed"' in status and "prospects.csv" in status


def test_failing_check_refuses_to_publish(published, tmp_path, monkeypatch):
    checks = tmp_path / "checks"
    shutil.copytree(config.CHECKS_DIR, checks)
    (checks / "always_fails.sql").write_text("select 'offending row' as problem")
    monkeypatch.setattr(config, "CHECKS_DIR", checks)
    before = _sha(published["database"])
    with pytest.raises(build_module.CheckFailed, match="always_fails"):
        build_module.build(published["raw"], published["curated"], progress=lambda _: None)
    assert _sha(published["database"]) == before


def test_reader_keeps_its_snapshot_while_a_new_build_is_published(published):
    reader = duckdb.connect(str(published["database"]), read_only=True)
    (published["raw"] / "prospects_2.csv").write_text(
        "ID prospect;Date de premier contact\nP3;01/04/2023\n", "utf-8")
    result = run_cli("build", "--raw", str(published["raw"]), "--curated",
                     str(published["curated"]))
    assert result.returncode == 0, result.stderr
    assert reader.execute("select count(*) from core.households").fetchone()[0] == 2
    reader.close()
    assert kpis(published["curated"])["followed"] == 3


def test_progress_line_per_source(published):
    result = run_cli("build", "--raw", str(published["raw"]), "--curated",
                     str(published["curated"]))
    # in French (the sources' English names were printed: « touches », « campaigns »)
    for source in ("Prospects ", "Installations ", "Ambassadeurs ", "Contacts de campagne ",
                   "Campagnes "):
        assert any(line.startswith(source) for line in result.stderr.splitlines()), source
    assert "Modèles SQL " in result.stderr and "Publication " in result.stderr
    # the rejects named by the page an officer opens (it said « voir quality.rejects »)
    assert "(aucune ligne rejetée)" in result.stderr and "quality.rejects" not in result.stderr
    # a source without files says so, not « 0 fichier(s) lu(s), 0 ligne(s) en 0,0 s »
    assert re.search(r"^Ambassadeurs\s+aucun fichier$", result.stderr, re.MULTILINE)


def test_no_email_or_phone_in_clear_in_the_curated_database(published):
    data = published["database"].read_bytes()
    for secret in (b"marie.dupont", b"example.fr", b"06 12 34 56 78", b"0612345678"):
        assert secret not in data
    with duckdb.connect(str(published["database"]), read_only=True) as con:
        tables = con.execute("select schema_name, table_name from duckdb_tables()").fetchall()
        for schema, table in tables:
            text = str(con.execute(f'select * from "{schema}"."{table}"').fetchall())
            assert "example.fr" not in text and "06 12" not in text


def test_hash_key_is_owner_only(tmp_path):
    key_file = tmp_path / "key"
    key = guard.hash_key(key_file)
    assert len(key) == 64 and key_file.stat().st_mode & 0o077 == 0
    assert guard.hash_key(key_file) == key


def test_kpis_without_database_says_to_build_first(tmp_path):
    result = run_cli("kpis", "--curated", str(tmp_path), "--json")
    assert result.returncode != 0 and "build" in result.stderr and "Traceback" not in result.stderr


def test_kpis_on_a_damaged_database_says_so_in_french(tmp_path):
    """A database file damaged or replaced by hand printed DuckDB's traceback."""
    (tmp_path / "lot.duckdb").write_text("x", "utf-8")
    result = run_cli("kpis", "--curated", str(tmp_path), "--json")
    assert result.returncode == 1
    assert "est illisible (abîmée, ou remplacée par un autre fichier)" in result.stderr
    assert "Traceback" not in result.stderr and "Error" not in result.stderr


def test_kpis_on_a_database_built_by_another_version_says_so(published, tmp_path):
    """After an update whose build failed, the older database stays published: the dashboard
    and the bilan said so, the kpis command printed its figures without a word, or DuckDB's
    English error when it asked for what the older database lacks."""
    from pipelines import status

    older = tmp_path / "older_database"
    shutil.copytree(published["curated"], older)
    with duckdb.connect(str(older / "lot.duckdb")) as con:
        con.execute("update quality.build set models = 'older'")
    result = run_cli("kpis", "--curated", str(older), "--json")
    assert result.returncode == 0 and f"Attention : {status.OLDER_MODELS}" in result.stderr
    assert json.loads(result.stdout)["followed"] == kpis(published["curated"])["followed"]
    with duckdb.connect(str(older / "lot.duckdb")) as con:
        con.execute("drop table marts.households")  # (what an older version did not have)
    result = run_cli("kpis", "--curated", str(older), "--json")
    assert result.returncode == 1 and "construite par une autre version" in result.stderr
    assert "Traceback" not in result.stderr and "Error" not in result.stderr
    fresh = run_cli("kpis", "--curated", str(published["curated"]), "--json")
    assert "Attention" not in fresh.stderr


def test_kpis_rejects_a_malformed_date(published):
    result = run_cli("kpis", "--curated", str(published["curated"]), "--from", "01/02/2023")
    assert result.returncode == 2 and "AAAA-MM-JJ" in result.stderr


def test_overlapping_monthly_exports_do_not_double_count(tmp_path):
    raw, curated = tmp_path / "raw", tmp_path / "curated"
    raw.mkdir()
    header = "ID prospect;Date de premier contact;Date de mise à jour;Nb personnes\n"
    (raw / "prospects_2024-01.csv").write_text(
        header + "P1;02/01/2024;02/01/2024;2\nP2;15/01/2024;15/01/2024;1\n", "utf-8")
    (raw / "prospects_2024-02.csv").write_text(
        header + "P2;15/01/2024;03/02/2024;3\nP3;01/02/2024;01/02/2024;4\n", "utf-8")
    assert run_cli("build", "--raw", str(raw), "--curated", str(curated)).returncode == 0
    figures = kpis(curated)
    assert figures["followed"] == 3
    assert figures["rows"]["prospects"] == {
        "read": 4, "accepted": 3, "rejected": 0, "duplicates": 1, "merged": 0}


def test_demo_gives_the_programme_published_figures(demo_build):
    figures = kpis(demo_build["curated"])
    assert figures["followed"] == 400
    assert figures["installed"] == 130
    assert figures["followed_by_channel"]["tourisme"] == 70
    assert figures["ambassadors"] >= 500
    for source, rows in figures["rows"].items():
        assert rows["read"] == rows["accepted"] + rows["rejected"] + rows["duplicates"], source
    # the demo carries true defects, so the data-quality view has something to show
    assert figures["rows"]["prospects"]["rejected"] >= 1
    assert figures["rows"]["prospects"]["duplicates"] >= 1
    assert figures["rows"]["prospects"]["merged"] >= 1


def test_building_twice_gives_identical_figures(demo_build, tmp_path):
    again = tmp_path / "again"
    result = run_cli("build", "--raw", str(demo_build["raw"]), "--curated", str(again))
    assert result.returncode == 0, result.stderr
    assert kpis(again) == kpis(demo_build["curated"])
    assert kpis(again, "--from", "2023-07-01", "--to", "2023-12-31") == kpis(
        demo_build["curated"], "--from", "2023-07-01", "--to", "2023-12-31")


def test_demo_is_deterministic(tmp_path):
    for name in ("a", "b"):
        assert run_cli("demo", "--raw", str(tmp_path / name)).returncode == 0
    files_a = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files_a == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in files_a:
        assert _sha(tmp_path / "a" / name) == _sha(tmp_path / "b" / name), name


def test_demo_never_writes_over_a_folder_of_exports(tmp_path):
    """A new user found (1 December) that `demo` wrote over a folder of real exports:
    « campagnes.csv » replaced without a word, the demo's prospects then read together with
    the real ones. It writes only into a folder without exports, and says why not."""
    raw = tmp_path / "raw"
    raw.mkdir()
    real = raw / "campagnes.csv"
    real.write_text("Code campagne;Canal\nVRAIE-2025;Salon\n", "utf-8")
    for scale in ((), ("--scale", "2")):
        result = run_cli("demo", "--raw", str(raw), *scale)
        assert result.returncode == 1
        assert "contient déjà un export (campagnes.csv)" in result.stderr
        assert "ne jamais remplacer ni mêler de vrais exports" in result.stderr
    assert [p.name for p in raw.iterdir()] == ["campagnes.csv"]
    assert real.read_text("utf-8") == "Code campagne;Canal\nVRAIE-2025;Salon\n"
    (raw / "notes.txt").write_text("x", "utf-8")
    real.unlink()
    assert run_cli("demo", "--raw", str(raw)).returncode == 0  # (no export there: written)


def test_curated_database_is_readable_by_duckdb_1_4(demo_build):
    # DuckDB 1.4 (the long-term release bundled by many SQL clients) reads storage versions
    # 64 to 67 and refuses 2.x's own (« version number 999 »); checked by hand with 1.4.5.
    header = demo_build["database"].read_bytes()[:20]
    assert header[8:12] == b"DUCK"
    assert 64 <= int.from_bytes(header[12:20], "little") <= 67


def test_marts_are_published_as_parquet_beside_the_database(demo_build):
    folder = demo_build["curated"] / "parquet"
    with duckdb.connect(str(demo_build["database"]), read_only=True) as con:
        marts = dict(con.execute(
            "select table_name, estimated_size from duckdb_tables() where schema_name = 'marts'"
        ).fetchall())
        assert sorted(p.stem for p in folder.glob("*.parquet")) == sorted(marts)
        for table in marts:
            [(rows,)] = con.execute(f"select count(*) from marts.{table}").fetchall()
            [(read,)] = con.execute("select count(*) from read_parquet(?)",
                                    [str(folder / f"{table}.parquet")]).fetchall()
            assert read == rows


def test_touches_are_published_with_the_columns_their_readers_ask(demo_build):
    """core.touches is ten million rows at scale: the database keeps what the metrics and
    campaign_metrics read after the build, not the ID, time, file and line the build's own
    readers used (issue 12)."""
    sql = (config.SQL_DIR / "core" / "touches.sql").read_text(encoding="utf-8")
    declared = [c.strip() for c in build_module.published_columns(sql).split(",")]
    with duckdb.connect(str(demo_build["database"]), read_only=True) as con:
        columns = [row[0] for row in con.execute("describe core.touches").fetchall()]
        [(rows,)] = con.execute("select count(*) from core.touches").fetchall()
    assert columns == declared
    assert "touch_id" not in columns and "file" not in columns
    assert rows == kpis(demo_build["curated"])["interactions"]
    # a model without the header is published whole
    assert build_module.published_columns("select 1 as a") == "*"


def test_a_view_model_keeps_its_tables_until_its_last_reader():
    """core.touch_rows is a view over staging.touches: the table must outlive the view's
    readers (dropped after the last of them, the view first), or they would fail."""
    from pipelines import build as build_module

    models = build_module.sql_models([config.SQL_DIR / layer for layer in build_module.LAYERS])
    names = [f"{schema}.{table}" for schema, table, _ in models]
    readers = [position for position, (_, _, sql) in enumerate(models)
               if "core.touch_rows" in sql and names[position] != "core.touch_rows"]
    dropped = {name: position for position, dropped_names in
               build_module._last_readers(models).items() for name in dropped_names}
    assert build_module.is_view(models[names.index("core.touch_rows")][2])
    assert dropped["staging.touches"] == dropped["core.touch_rows"] == max(readers)
    at_last = build_module._last_readers(models)[max(readers)]
    assert at_last.index("core.touch_rows") < at_last.index("staging.touches")


def test_nothing_changed_keeps_the_published_build(demo_build, tmp_path, monkeypatch):
    """`make run` builds each time: with the same exports, code, settings and day, the published
    database is kept as it is (same file, same build id) instead of being built again; any
    change — one export, a setting — builds again, and --force always does."""
    raw, curated = tmp_path / "raw", tmp_path / "curated"
    shutil.copytree(demo_build["raw"], raw)
    monkeypatch.setenv("OMLOT_FORCE_BUILD", "0")
    assert run_cli("build", "--raw", str(raw), "--curated", str(curated)).returncode == 0
    database = curated / config.DATABASE_NAME
    first = (database.stat().st_ino, database.stat().st_mtime_ns)

    again = run_cli("build", "--raw", str(raw), "--curated", str(curated))
    assert again.returncode == 0, again.stderr
    assert "Base publiée inchangée" in again.stderr
    assert (database.stat().st_ino, database.stat().st_mtime_ns) == first
    assert kpis(curated) == kpis(demo_build["curated"])

    setting = run_cli("build", "--raw", str(raw), "--curated", str(curated),
                      env={"OMLOT_LOOKBACK_DAYS": "200"})
    assert "Base publiée :" in setting.stderr and "inchangée" not in setting.stderr
    # (durations with a decimal comma, as the dashboard writes them)
    assert re.search(r"lot\.duckdb en \d+,\d s", setting.stderr), setting.stderr
    rebuilt = (database.stat().st_ino, database.stat().st_mtime_ns)
    assert rebuilt != first

    touches = sorted(raw.glob("contacts_campagnes*"))[0]
    touches.write_bytes(touches.read_bytes().replace(b"\n", b"\r\n", 1))
    assert "inchangée" not in run_cli("build", "--raw", str(raw), "--curated",
                                      str(curated)).stderr
    assert "inchangée" in run_cli("build", "--raw", str(raw), "--curated", str(curated)).stderr
    assert "inchangée" not in run_cli("build", "--raw", str(raw), "--curated", str(curated),
                                      "--force").stderr


def test_a_failed_build_is_never_kept_as_unchanged(demo_build, tmp_path, monkeypatch):
    raw, curated = tmp_path / "raw", tmp_path / "curated"
    shutil.copytree(demo_build["raw"], raw)
    monkeypatch.setenv("OMLOT_FORCE_BUILD", "0")
    assert run_cli("build", "--raw", str(raw), "--curated", str(curated)).returncode == 0
    bad = raw / "installations_bad.csv"
    bad.write_text("ID installation;Date\nI1;01/01/2024\n", "utf-8")
    assert run_cli("build", "--raw", str(raw), "--curated", str(curated)).returncode != 0
    bad.unlink()
    # the inputs are back to those of the published build, but the last attempt failed (the
    # dashboard says so): it is built again, which clears the failure
    again = run_cli("build", "--raw", str(raw), "--curated", str(curated))
    assert "Base publiée :" in again.stderr and "inchangée" not in again.stderr


def test_each_file_s_sha256_is_its_bytes_whether_hashed_once_or_by_the_scan(demo_build,
                                                                             tmp_path,
                                                                             monkeypatch):
    """An export is hashed once per build: by the unchanged-inputs check (or the kept rows'
    lookup), which the reader's scan then reuses instead of hashing again; with neither (no
    kept rows), by the scan. Either way, and for a Windows-1252 file read through its UTF-8
    transcoding, the sha256 recorded is the file's own bytes'."""
    expected = {path.name: _sha(path) for path in demo_build["raw"].iterdir()}
    assert any(b"\xe9" in path.read_bytes() for path in demo_build["raw"].iterdir()
               if path.suffix == ".csv")  # a Windows-1252 export is among them
    for cache in ("1", "0"):
        monkeypatch.setenv("OMLOT_CACHE", cache)
        curated = tmp_path / f"curated-{cache}"
        assert run_cli("build", "--raw", str(demo_build["raw"]), "--curated",
                       str(curated)).returncode == 0
        with duckdb.connect(str(curated / "lot.duckdb"), read_only=True) as con:
            recorded = dict(con.execute("select file, sha256 from quality.files").fetchall())
        assert recorded == {name: expected[name] for name in recorded}, cache
        assert len(recorded) == len(expected)


def test_an_export_removed_during_the_build_is_named_and_the_last_good_one_stays(
        published, monkeypatch):
    """Staging reads a CSV a second time, after its checks: an export removed in between (an
    officer tidying the folder while a build runs) makes DuckDB fail there. The build stops
    with the file's own name and what happened, not DuckDB's words, and the last good
    database stays published."""
    (published["raw"] / "prospects_2.csv").write_text(
        "ID prospect;Date de premier contact\nP3;01/04/2023\n", "utf-8")
    before = _sha(published["database"])
    original = build_module.stage

    def tidy_then_stage(*args, **kwargs):
        (published["raw"] / "prospects_2.csv").unlink()
        return original(*args, **kwargs)

    monkeypatch.setattr(build_module, "stage", tidy_then_stage)
    with pytest.raises(guard.BuildFailure,
                       match="prospects_2.csv : le fichier a changé pendant la construction"):
        build_module.build(published["raw"], published["curated"], progress=lambda _: None,
                           force=True)
    assert _sha(published["database"]) == before


@pytest.mark.parametrize("args", [["--help"], ["report", "--help"], ["report"], ["foo"],
                                  ["kpis", "--from", "hier"]])
def test_the_command_line_speaks_french(args):
    """argparse's own words were English (« usage: », « show this help message and exit »,
    « the following arguments are required: --out », « invalid choice »), beside French help."""
    result = run_cli(*args)
    said = result.stdout + result.stderr
    assert said.strip()
    for english in ("usage:", "show this help", "positional arguments", "required:",
                    "invalid choice", "error:", "argument command"):
        assert english not in said, (english, said)
    if args == ["report"]:
        assert "arguments obligatoires manquants : --out" in said and result.returncode == 2


def test_kpis_for_a_person_speaks_french(published):
    """Without --json it printed the contract's keys and Python's dicts (« followed_by_channel
    {'salon': 85, …} », « 19.166667 »)."""
    result = run_cli("kpis", "--curated", str(published["curated"]))
    assert result.returncode == 0, result.stderr
    figures = kpis(published["curated"])
    assert f"Foyers suivis : {figures['followed']}" in result.stdout
    for english in ("followed", "installed_by_channel", "first_touch", "unattributed", "{",
                    "read :"):
        assert english not in result.stdout, english
    # what the figures cover is said first (« --from … » printed them without the period), a
    # whole credit is written whole (« 1,0 installés »)
    assert result.stdout.startswith("Sélection : depuis le début du programme")
    assert not re.search(r"\b\d+,0 (suivis|installés)", result.stdout)
    dated = run_cli("kpis", "--curated", str(published["curated"]), "--from", "2023-01-01",
                    "--to", "2023-12-31")
    assert dated.stdout.startswith("Sélection : du 01/01/2023 au 31/12/2023 (premier contact")


def test_kpis_piped_into_a_reader_that_stops_says_nothing(published):
    """`kpis | head -2` printed « Erreur : Broken pipe (). »."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    # (the reader gone before the first line: the command's write meets a closed pipe)
    command = subprocess.Popen([sys.executable, "-m", "pipelines", "kpis", "--curated",
                                str(published["curated"])], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    command.stdout.close()
    errors = command.stderr.read()
    assert command.wait() == 0 and errors == "", errors


@pytest.mark.parametrize("setting", [("OMLOT_LOOKBACK_DAYS", "abc", "de jours"),
                                     ("OMLOT_LOOKBACK_DAYS", "-5", "de jours"),
                                     ("OMLOT_HALF_LIFE_DAYS", "0", "de jours"),
                                     ("OMLOT_MAX_FILE_MB", "abc", "de mégaoctets")])
def test_a_setting_that_is_no_number_of_days_stops_the_build_and_never_a_reader(
        demo_build, setting, tmp_path):
    """A window of -5 days was published (« dans les -5 jours »), a half-life of 0 failed a
    check in English, and « abc » stopped even `kpis` on a traceback at import (and, for
    the largest file, `build` too, a new user found on 1 December)."""
    name, value, unit = setting
    curated = tmp_path / "curated"
    shutil.copytree(demo_build["curated"], curated)
    result = run_cli("build", "--raw", str(demo_build["raw"]), "--curated", str(curated),
                     env={name: value})
    assert result.returncode != 0
    assert f"{name}='{value}' n'est pas un nombre {unit}" in result.stderr
    assert "Traceback" not in result.stderr
    assert "La base publiée précédente reste en place" in result.stderr
    # (recorded as any failure, so that the dashboard says it)
    recorded = json.loads((curated / config.STATUS_NAME).read_text("utf-8"))
    assert recorded["status"] == "failed" and f"{name}='{value}'" in recorded["message"]
    figures = run_cli("kpis", "--curated", str(curated), env={name: value})
    assert figures.returncode == 0, figures.stderr
    assert f"Attention : {name}=" in figures.stderr


def test_kpis_writes_credits_as_the_pages_and_its_nouns_agreeing(capsys):
    """A committee reader (30 November): « FORUM-VTC-2021 : 13 suivis, 1 installés »,
    « 1,5 installés », and « 3,0 installés » under the time-decay model beside « 3 ». A second
    (1 December): « 2 installé » for 1.96: the noun agrees with the figure as shown."""
    from pipelines.__main__ import _print_figures

    _print_figures({"A": {"followed": 13, "installed": 1},
                    "B": {"followed": 2.9999999999, "installed": 1.5},
                    "C": {"followed": 0, "installed": 1.958814}}, {})
    assert capsys.readouterr().out.splitlines() == [
        "A : 13 suivis, 1 installé", "B : 3 suivis, 1,5 installé",
        "C : 0 suivi, 2 installés"]


def test_timings_say_each_step_s_wall_and_cpu_time_and_the_bench_reads_them(published,
                                                                              tmp_path):
    """Issue 12: `OMLOT_TIMINGS=1` shows where time goes. Wall time alone hid whether a step
    kept both cores busy (staging ten million touches: 17.9 s of wall for 33.8 s of CPU, a
    single-threaded step as long would show its CPU equal to its wall): each line gives both,
    and `make bench`'s breakdown still reads them."""
    import importlib.util

    result = run_cli("build", "--raw", str(published["raw"]), "--curated",
                     str(published["curated"]), env={"OMLOT_TIMINGS": "1"})
    assert result.returncode == 0, result.stderr
    steps = re.findall(r"^  ([a-z_]+\.[a-z_]+|réponse [a-z_]+[^:]*|publication[^:]*): "
                       r"(\d+\.\d\d) s \(CPU (\d+\.\d\d) s\)$", result.stderr, re.MULTILINE)
    names = {name for name, _, _ in steps}
    assert {"staging.prospects", "staging.touches", "core.households",
            "marts.attribution_credits", "publication, checkpoint"} <= names, result.stderr
    timed = [line for line in result.stderr.splitlines()
             if re.match(r"^  [^ ].*: \d+\.\d\d s", line)]
    assert len(timed) == len(steps), [t for t in timed if "CPU" not in t]
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = bench  # (its dataclasses look their module up)
    try:
        spec.loader.exec_module(bench)
        log = tmp_path / "build.log"
        log.write_text("$ build\n" + result.stderr, "utf-8")
        assert re.search(r"slowest models: [a-z_]+\.[a-z_]+ \d", bench.breakdown(log))
    finally:
        del sys.modules["bench_run"]


def test_a_build_never_loads_pandas_and_dates_files_to_the_second_below(demo_build, tmp_path):
    """The build asks no DataFrame: pandas (half a second of CPU, 45 MB) stays out of its
    process, which every build and each of the suite's builds paid when a few Python values
    (the files read, the channels, the objectives, a workbook's rows) went through Arrow,
    whose constructors import pandas to look for its types; nor do pyarrow and NumPy (0.2 s),
    imported to hand the files read to the second phase, to check a kept batch's footer and
    to count a small file's lines. The demo has workbooks (read by
    the reference reader) and CSV files. A file's time is shown to the second below, as a
    file manager shows it (DuckDB's cast of the same values would round it up)."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    raw = tmp_path / "raw"
    shutil.copytree(demo_build["raw"], raw)
    os.utime(raw / "campagnes.csv", (1_700_000_000.9, 1_700_000_000.9))
    # (built twice: the second reads the kept rows of the files unchanged, one added)
    added = raw / "campagnes_ajout.csv"
    code = ("import sys\nfrom pathlib import Path\nfrom pipelines.build import build\n"
            f"build(Path({str(raw)!r}), Path({str(tmp_path / 'curated')!r}))\n"
            f"Path({str(added)!r}).write_text('Code campagne;Nom\\nNOUV-1;Nouvelle\\n')\n"
            f"print(build(Path({str(raw)!r}), Path({str(tmp_path / 'curated')!r})).unchanged)\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'pyarrow', "
            "'numpy'}))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-2:] == ["False", "[]"]
    with duckdb.connect(str(tmp_path / "curated" / "lot.duckdb"), read_only=True) as con:
        [(shown,)] = con.execute("select strftime(modified_at, '%S') from quality.files "
                                 "where file = 'campagnes.csv'").fetchall()
    assert shown == "20"  # 1 700 000 000.9 s is 22:13:20.9 UTC


CHANNELS = (config.PACKAGE / "channels.toml").read_text("utf-8")


@pytest.mark.parametrize("file, text, said", [
    ("channels.toml", '[channels]\nsalon = ["Salon"\nweb ["Site"]\n',
     "channels.toml : fichier illisible : syntaxe TOML incorrecte ligne 3"),
    ("channels.toml", '[canaux]\nsalon = ["Salon"]\n',
     "channels.toml : la section [channels] doit donner"),
    ("channels.toml", '[channels]\nsalon = "Salon"\n',
     "channels.toml : la section [channels] doit donner"),
    ("targets.toml", '[targets.2024]\nfollowed = inf\n',
     "targets.toml : [targets.2024] followed doit être un nombre ≥ 0"),
    ("targets.toml", '[targets.2024]\nfollowed = nan\n',
     "targets.toml : [targets.2024] followed doit être un nombre ≥ 0"),
    # a second helper's findings: a colour that is no colour built a base whose Entonnoir
    # page failed on every load; without `autre`, its households left the figures by channel;
    # a label under two channels moved 21 salons to `autre` without a word; objectives that
    # are no tables stopped on « erreur interne (AttributeError) »
    ("channels.toml", CHANNELS.replace('salon = "#0072B2"', "salon = 123"),
     "channels.toml : [colours] salon doit être une couleur écrite « #RRVVBB »"),
    ("channels.toml", CHANNELS.replace('salon = "#0072B2"', 'salon = "#GGHHII"'),
     "channels.toml : [colours] salon doit être une couleur"),
    ("channels.toml", CHANNELS.replace('salon = "Salons"', "salon = 5"),
     "channels.toml : [labels] salon doit être un texte"),
    ("channels.toml", CHANNELS.replace('autre = ["Autre"]\n', ""),
     "channels.toml : le canal « autre » doit rester dans [channels]"),
    ("channels.toml", CHANNELS.replace('autre = ["Autre"]', 'autre = ["Autre", "salon!"]'),
     "channels.toml : un même libellé sous deux canaux (« salon! » sous autre, « Salon » "
     "sous salon"),
    ("channels.toml", CHANNELS.replace("[labels]", "[labels]\nsalon = \"Foires\""),
     "channels.toml : fichier illisible : clé ou section en double ligne"),
    ("targets.toml", "targets = 3\n", "targets.toml : [targets] doit être une table"),
    ("targets.toml", "[targets.2024]\nchannels = 5\n",
     "targets.toml : [targets.2024] channels doit être une table"),
    ("targets.toml", "[targets.2024.campaigns]\nSALON-VTC-2024 = 25\n",
     "targets.toml : [targets.2024] campagne SALON-VTC-2024 doit être une table"),
    ("targets.toml", '[targets."²⁰²⁴"]\nfollowed = 3\n',
     "targets.toml : [targets.²⁰²⁴] : l'année doit s'écrire sur 4 chiffres"),
    ("targets.toml", "[report]\nsmall_count = 99999999999999\n",
     "targets.toml : report.small_count doit être un nombre entier de 1 à 1 000"),
])
def test_a_settings_file_an_administrator_broke_is_named_in_french(published, tmp_path, file,
                                                                   text, said):
    """A helper's finding: a channels.toml with a syntax slip stopped the build on « erreur
    interne (TOMLDecodeError) : Expected '=' … », one without its section on a KeyError, and
    targets.toml took `inf` and `nan` for objectives. Each names the file and what to fix, in
    French, and the last good database stays."""
    (tmp_path / file).write_text(text, "utf-8")
    variable = "OMLOT_CHANNELS_FILE" if file == "channels.toml" else "OMLOT_TARGETS_FILE"
    before = _sha(published["database"])
    result = run_cli("build", "--raw", str(published["raw"]), "--curated",
                     str(published["curated"]), env={variable: str(tmp_path / file)})
    assert result.returncode == 1
    assert said in result.stderr, result.stderr
    for english in ("Traceback", "erreur interne", "Expected", "KeyError", "masqué"):
        assert english not in result.stderr
    assert _sha(published["database"]) == before
    if "deux canaux" not in said:  # (told before any export is read; that one needs SQL)
        assert "fichier(s) lu(s)" not in result.stderr


def test_a_settings_file_saved_with_a_byte_order_mark_is_read(published, tmp_path):
    """Notepad writes a byte-order mark before UTF-8 text: « syntaxe TOML incorrecte ligne 1,
    colonne 1 » for a file that is right."""
    (tmp_path / "channels.toml").write_text(CHANNELS, "utf-8-sig")
    result = run_cli("build", "--raw", str(published["raw"]), "--curated",
                     str(published["curated"]),
                     env={"OMLOT_CHANNELS_FILE": str(tmp_path / "channels.toml")})
    assert result.returncode == 0, result.stderr


def test_a_tired_officer_s_paths_are_answered_in_french(demo_build, tmp_path):
    """A second helper's findings: `report --out` a folder said « Is a directory », a path
    that cannot be made « No such file or directory »; `build --raw` a file said the folder
    could not be found although the file is there."""
    out_is_a_folder = run_cli("report", "--curated", str(demo_build["curated"]), "--from",
                              "2023-01-01", "--to", "2023-12-31", "--out", str(tmp_path))
    assert out_is_a_folder.returncode == 5
    assert "est un dossier, pas un fichier" in out_is_a_folder.stderr
    nowhere = run_cli("report", "--curated", str(demo_build["curated"]), "--from",
                      "2023-01-01", "--to", "2023-12-31", "--out", "/proc/bilan.pdf")
    assert nowhere.returncode == 5 and "Erreur : " in nowhere.stderr
    for english in ("No such", "Is a directory", "Permission denied", "Traceback"):
        assert english not in out_is_a_folder.stderr + nowhere.stderr
    a_file = run_cli("build", "--raw", str(demo_build["raw"] / "campagnes.csv"), "--curated",
                     str(tmp_path / "curated"))
    assert a_file.returncode == 1
    assert "campagnes.csv est un fichier, pas un dossier" in a_file.stderr
    # the bilan's threshold: argparse's « valeur invalide (int) : 'abc' », and 5 000 taken
    # where targets.toml refuses it (one rule for both)
    for threshold in ("abc", "0", "5000", "1e3"):
        refused = run_cli("report", "--curated", str(demo_build["curated"]), "--small-count",
                          threshold, "--out", str(tmp_path / "bilan.pdf"))
        assert refused.returncode == 2, (threshold, refused.stderr)
        assert (f"seuil invalide « {threshold} » : un nombre entier de 1 à 1 000"
                in refused.stderr), refused.stderr
    assert not (tmp_path / "bilan.pdf").exists()


def test_make_run_says_a_failed_build_in_french_and_still_serves(tmp_path):
    """`make run` printed make's « Error 1 (ignored) » after a failed build; it says in French
    that the dashboard opens anyway, and serves it (here a stand-in for streamlit)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, script in (("python", f'exec "{sys.executable}" "$@"'), ("streamlit", "echo servi")):
        (bin_dir / name).write_text(f"#!/bin/sh\n{script}\n", "utf-8")
        (bin_dir / name).chmod(0o755)
    stamp = tmp_path / "installed"
    stamp.touch()
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "prospects.csv").write_text("ID prospect;Canal\nP1;Salon\n", "utf-8")
    result = subprocess.run(
        ["make", "--no-print-directory", "-o", "demo", "run", f"BIN={bin_dir}",
         f"STAMP={stamp}"], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "OMLOT_RAW_DIR": str(raw), "OMLOT_CURATED_DIR": str(tmp_path / "c"),
             "OMLOT_HASH_KEY_FILE": str(tmp_path / "key")})
    said = result.stdout + result.stderr
    assert result.returncode == 0, said
    assert "colonne obligatoire absente" in said
    assert "La construction a échoué (voir ci-dessus) : le tableau de bord s'ouvre quand même" \
        in said
    assert "Error" not in said and "ignored" not in said
    assert result.stdout.splitlines()[-1] == "servi"
    # its address said in French, the commands not echoed (« touch .venv/.installed »,
    # « …/streamlit run dashboard/app.py --server.address … »)
    assert "Tableau de bord : http://127.0.0.1:8501 (Ctrl+C pour l'arrêter)" in said
    assert "streamlit run" not in said and "touch " not in said


def test_the_marts_folder_is_never_missing_while_a_build_replaces_it(tmp_path, monkeypatch):
    """parquet/ was replaced by two renames: a build killed between them left none (a
    helper's attack). It is exchanged with the new one in one step."""
    target, fresh = tmp_path / "parquet", tmp_path / ".parquet.abcdefghijkl.new"
    for folder, text in ((target, "old"), (fresh, "new")):
        folder.mkdir()
        (folder / "households.parquet").write_text(text)
    there, replace = [], os.replace

    def watched(source, destination):
        there.append(target.exists())
        return replace(source, destination)

    monkeypatch.setattr(build_module.os, "replace", watched)
    build_module._swap_in(fresh, target)
    assert (target / "households.parquet").read_text() == "new" and not fresh.exists()
    assert all(there), "parquet/ was missing at a moment of the swap"
