"""Unchanged files are not read again (issue 12): a rebuild reuses the staged rows of files
already read, and publishes exactly what a build from scratch publishes."""

from __future__ import annotations

import json
import re
import shutil

import duckdb
import pytest

from pipelines import cache, status
from tests.conftest import copy_build, kpis, run_cli

# a phone is not the middle of a hexadecimal hash
EMAIL_OR_PHONE = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.]+|(?<![0-9a-f])0[1-9](?:[ .]?\d{2}){4}(?![0-9a-f])")


def _row(row: tuple) -> str:
    # sums of doubles may differ in their last bit with the order of the rows: 9 decimals
    return repr(tuple(round(v, 9) if isinstance(v, float) else v for v in row))


def _published(curated) -> dict:
    with duckdb.connect(str(curated / "lot.duckdb"), read_only=True) as con:
        tables = con.execute("select schema_name, table_name from duckdb_tables() "
                             "order by all").fetchall()
        return {f"{s}.{t}": sorted(map(_row, con.execute(f"select * from {s}.{t}").fetchall()))
                for s, t in tables if (s, t) != ("quality", "build")
                and not (s, t) == ("quality", "files")} | {
            "files": sorted(con.execute("select * exclude (modified_at) from quality.files")
                            .fetchall())}


def test_rebuild_reuses_unchanged_files_and_publishes_the_same(demo_build, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(demo_build["raw"], raw)
    curated, scratch = tmp_path / "curated", tmp_path / "scratch"
    first = run_cli("build", "--raw", str(raw), "--curated", str(curated))
    assert first.returncode == 0 and "inchangé" not in first.stderr
    # (--force: with nothing changed at all, the published build would simply be kept)
    again = run_cli("build", "--raw", str(raw), "--curated", str(curated), "--force")
    assert again.returncode == 0, again.stderr
    # the two touches files, under the contract's French name of the source
    assert re.search(r"Contacts de campagne\s+2 fichier\(s\) inchangé\(s\) repris, rien à relire",
                     again.stderr)
    assert run_cli("build", "--raw", str(raw), "--curated", str(scratch),
                   env={"OMLOT_CACHE": "0"}).returncode == 0
    assert _published(curated) == _published(scratch)

    # a new month of touches: only that file is read, the result is a build from scratch's
    (raw / "contacts_campagnes_2025-07.csv").write_text(
        "ID interaction;Horodatage;Code campagne;Email\n"
        "NEW1;2025-07-02T10:00:00;SALON-2025;nouvelle.personne@exemple.fr\n"
        "NEW2;pas une date;SALON-2025;\n", "utf-8")
    monthly = run_cli("build", "--raw", str(raw), "--curated", str(curated))
    assert monthly.returncode == 0, monthly.stderr
    assert re.search(r"Contacts de campagne\s+1 fichier\(s\) lu\(s\), 2 inchangé", monthly.stderr)
    shutil.rmtree(scratch)
    assert run_cli("build", "--raw", str(raw), "--curated", str(scratch),
                   env={"OMLOT_CACHE": "0"}).returncode == 0
    assert _published(curated) == _published(scratch)
    # the new month's rows, kept by a build that also put back the others, come back alone
    third = run_cli("build", "--raw", str(raw), "--curated", str(curated), "--force")
    assert re.search(r"Contacts de campagne\s+3 fichier\(s\) inchangé\(s\) repris, rien",
                     third.stderr)
    assert "0 lignes/s" not in third.stderr  # nothing read: no rate to give
    assert _published(curated) == _published(scratch)

    # one file of the first build's batch re-exported with a row more: it alone is read, the
    # batch's other file comes back without the changed file's old rows
    first_touches = next(path for path in sorted(raw.glob("contacts_campagnes_*.csv"))
                         if path.name != "contacts_campagnes_2025-07.csv")
    with first_touches.open("a", encoding=_encoding(first_touches)) as handle:
        handle.write(_row_like(first_touches, "AJOUT1"))
    changed = run_cli("build", "--raw", str(raw), "--curated", str(curated))
    assert re.search(r"Contacts de campagne\s+1 fichier\(s\) lu\(s\), 2 inchangé",
                     changed.stderr), changed.stderr
    shutil.rmtree(scratch)
    assert run_cli("build", "--raw", str(raw), "--curated", str(scratch),
                   env={"OMLOT_CACHE": "0"}).returncode == 0
    assert _published(curated) == _published(scratch)
    # the touches' batches: the first build's (its other file still used), the new month's,
    # the changed file's
    assert len(list(cache.folder_for(curated).rglob("touches/batch-*.parquet"))) == 3


def test_renamed_exports_come_back_under_their_new_names_whatever_they_hold(tmp_path):
    """The kept rows are read through a view that writes each file's name and position as SQL
    literals: a name with quotes and a semicolon is text, and a renamed file (same bytes) is
    published under its new name and position, as a build from scratch publishes it."""
    raw, curated, scratch = tmp_path / "raw", tmp_path / "curated", tmp_path / "scratch"
    raw.mkdir()
    header = "ID prospect;Date de premier contact;Canal;Email\n"
    (raw / "prospects_a.csv").write_text(header + "P001;01/02/2023;Salon;a@b.fr\n", "utf-8")
    (raw / "prospects_b'); drop table core.prospects; --.csv").write_text(
        header + "P002;02/02/2023;Salon;c@d.fr\n", "utf-8")
    assert run_cli("build", "--raw", str(raw), "--curated", str(curated)).returncode == 0
    # renamed: the second file now sorts first, under a name that closes a string literal
    (raw / "prospects_b'); drop table core.prospects; --.csv").rename(
        raw / "prospects_0 l'été \"ancien\".csv")
    again = run_cli("build", "--raw", str(raw), "--curated", str(curated))
    assert again.returncode == 0, again.stderr
    assert re.search(r"Prospects\s+2 fichier\(s\) inchangé\(s\) repris", again.stderr)
    assert run_cli("build", "--raw", str(raw), "--curated", str(scratch),
                   env={"OMLOT_CACHE": "0"}).returncode == 0
    assert _published(curated) == _published(scratch)
    with duckdb.connect(str(curated / "lot.duckdb"), read_only=True) as con:
        files = con.execute("select file, prospect_id from core.prospects order by 2").fetchall()
    assert files == [("prospects_a.csv", "P001"), ("prospects_0 l'été \"ancien\".csv", "P002")]


def _quality_files(curated) -> list[tuple]:
    with duckdb.connect(str(curated / "lot.duckdb"), read_only=True) as con:
        return con.execute("select file, read, accepted, rejected, duplicates, merged "
                           "from quality.files order by file_order"
                           ).fetchall()


def test_an_export_saved_twice_counts_its_copy_as_duplicates_like_any_other_file(demo_build,
                                                                                tmp_path):
    """The same export saved twice (« fichier (1).csv », byte for byte the same): the kept
    rows were filed by the file's sha256, so the copy took the first one's place, its rows
    vanished, and every build stopped on the reconciliation check (with or without kept
    rows). Each copy is read as the file it is: its rows are duplicates of the first's, as
    when the copy differs by a blank line at its end (another sha256); the next build puts
    both back."""
    raw, curated = tmp_path / "raw", tmp_path / "curated"
    shutil.copytree(demo_build["raw"], raw)
    touches = sorted(raw.glob("contacts_campagnes_*.csv"))[0]
    prospects = sorted(raw.glob("prospects_*.csv"))[0]
    for original in (touches, prospects, raw / "campagnes.csv"):
        shutil.copy(original, original.with_name(original.stem + " (1).csv"))
    built = run_cli("build", "--raw", str(raw), "--curated", str(curated))
    assert built.returncode == 0, built.stderr
    expected_kpis = kpis(curated)
    # each copy says what it is, on the quality page (the original says nothing)
    with duckdb.connect(str(curated / "lot.duckdb"), read_only=True) as con:
        notes = con.execute("select file, message from quality.warnings where message like "
                            "'même contenu que%' order by file").fetchall()
    pairs = [sorted([original.name, original.stem + " (1).csv"])
             for original in (touches, prospects, raw / "campagnes.csv")]
    assert notes == sorted(
        (second, f"même contenu que « {first} » : ses lignes comptent comme doublons ; "
                 "supprimez l'une des deux copies")
        for first, second in pairs)

    # the reference: copies that differ by a blank line (ignored) at their end
    other, reference = tmp_path / "other", tmp_path / "reference"
    shutil.copytree(raw, other)
    for copy in other.glob("* (1).csv"):
        with copy.open("ab") as handle:
            handle.write(b"\r\n")
    assert run_cli("build", "--raw", str(other), "--curated", str(reference),
                   env={"OMLOT_CACHE": "0"}).returncode == 0
    assert expected_kpis == kpis(reference)
    assert expected_kpis["rows"]["touches"]["duplicates"] >= _rows(touches)
    assert _quality_files(curated) == _quality_files(reference)
    # (the warnings aside: the reference's copies are not the same bytes)
    assert _published(curated) | {"files": None, "quality.warnings": None} \
        == _published(reference) | {"files": None, "quality.warnings": None}

    # the next build puts both copies back from the kept rows, and says the same
    again = run_cli("build", "--raw", str(raw), "--curated", str(curated), "--force")
    assert again.returncode == 0, again.stderr
    assert re.search(r"Contacts de campagne\s+3 fichier\(s\) inchangé\(s\) repris, rien",
                     again.stderr)
    assert kpis(curated) == expected_kpis
    # and without kept rows too
    assert run_cli("build", "--raw", str(raw), "--curated", str(tmp_path / "uncached"),
                   env={"OMLOT_CACHE": "0"}).returncode == 0
    assert kpis(tmp_path / "uncached") == expected_kpis


def _rows(path) -> int:
    return len([line for line in path.read_bytes().splitlines()[1:] if line.strip()])


def test_a_damaged_kept_batch_is_read_again_never_blocking_every_build(demo_build, tmp_path):
    """A kept batch cut short (by a disk, by hand) made every later build fail on it with
    DuckDB's English message, until someone thought of deleting data/.build; one with a few
    bytes changed inside (its footer whole) did too, or, a bit changed in its data, gave other
    figures without a word. Each batch's sha256 is checked before its rows are used: a
    damaged one is removed and its files are read again."""
    built = copy_build(demo_build, tmp_path)  # (as if built there, kept rows and all)
    raw, curated = built["raw"], built["curated"]
    expected = _published(curated)
    [batch] = cache.folder_for(curated).rglob("touches/batch-*.parquet")
    batch.write_bytes(batch.read_bytes()[:5000])
    cut = run_cli("build", "--raw", str(raw), "--curated", str(curated), "--force")
    assert cut.returncode == 0, cut.stderr
    assert re.search(r"Contacts de campagne\s+2 fichier\(s\) lu\(s\)", cut.stderr)
    assert _published(curated) == expected

    # one bit, then many bytes, changed inside: the footer still reads
    for damage in ((1000,), range(200, 20_000, 97)):
        [batch] = cache.folder_for(curated).rglob("touches/batch-*.parquet")
        damaged = bytearray(batch.read_bytes())
        for i in damage:
            damaged[i] ^= 0x01 if len(damage) == 1 else 0xFF
        batch.write_bytes(bytes(damaged))
        again = run_cli("build", "--raw", str(raw), "--curated", str(curated), "--force")
        assert again.returncode == 0, again.stderr
        assert re.search(r"Contacts de campagne\s+2 fichier\(s\) lu\(s\)", again.stderr)
        assert _published(curated) == expected
    # a batch replaced by another Parquet file (other columns)
    [batch] = cache.folder_for(curated).rglob("prospects/batch-*.parquet")
    with duckdb.connect() as con:
        con.execute("copy (select 1 as a, 'x' as b) to ? (format parquet)", [str(batch)])
    replaced = run_cli("build", "--raw", str(raw), "--curated", str(curated), "--force")
    assert replaced.returncode == 0, replaced.stderr
    assert re.search(r"Prospects\s+2 fichier\(s\) lu\(s\)", replaced.stderr)
    assert _published(curated) == expected


def test_facts_changed_by_hand_never_delete_a_file_nor_stop_the_build(demo_build, tmp_path):
    """A file's facts (.json beside the batches) name its batch and its position there: one
    changed by hand named an export as its batch, which the removal of a damaged batch then
    deleted; a position that is not a number went into SQL (DuckDB's English error, on every
    build). Facts that are not as written are ignored: the file is read again, nothing else
    is touched."""
    built = copy_build(demo_build, tmp_path)  # (as if built there, kept rows and all)
    raw, curated = built["raw"], built["curated"]
    expected = _published(curated)
    victim = tmp_path / "victim.txt"
    victim.write_text("à garder", "utf-8")
    export = sorted(raw.glob("prospects_*.csv"))[0]
    # (each a build: the cases that deleted a file, reached SQL, or broke the reading; the
    # other changes are refused by the same signature: test_facts_are_read_only_as_signed)
    changes = [("batch", str(victim)), ("batch", f"../../../../../raw/{export.name}"),
               ("position", "0) or (1=1"), ("warnings", 5)]
    for key, value in changes:
        for facts in cache.folder_for(curated).rglob("campaigns/*.json"):
            saved = json.loads(facts.read_text("utf-8"))
            facts.write_text(json.dumps(saved | {key: value}), "utf-8")
        again = run_cli("build", "--raw", str(raw), "--curated", str(curated), "--force")
        assert again.returncode == 0, (key, value, again.stderr)
        assert re.search(r"Campagnes\s+1 fichier\(s\) lu\(s\)", again.stderr), (key, value)
        assert victim.read_text("utf-8") == "à garder" and export.exists()
        assert _published(curated) == expected
    # plausible facts: another file's (a valid record, under this file's name), or this
    # file's with another file's position and rows: other figures without a word before
    prospects = sorted(cache.folder_for(curated).rglob("prospects/*.json"))
    assert len(prospects) == 2
    first, second = (json.loads(path.read_text("utf-8")) for path in prospects)
    prospects[1].write_text(json.dumps(first), "utf-8")
    swapped = run_cli("build", "--raw", str(raw), "--curated", str(curated), "--force")
    assert swapped.returncode == 0, swapped.stderr
    assert re.search(r"Prospects\s+1 fichier\(s\) lu\(s\), 1 inchangé", swapped.stderr)
    assert _published(curated) == expected
    first, second = (json.loads(path.read_text("utf-8")) for path in prospects)
    prospects[1].write_text(json.dumps(second | {"position": first["position"],
                                                 "rows_read": first["rows_read"]}), "utf-8")
    moved = run_cli("build", "--raw", str(raw), "--curated", str(curated), "--force")
    assert moved.returncode == 0, moved.stderr
    assert _published(curated) == expected

    # facts that are not even JSON, or not an object
    for text in ("{", "null"):
        for facts in cache.folder_for(curated).rglob("campaigns/*.json"):
            facts.write_text(text, "utf-8")
        again = run_cli("build", "--raw", str(raw), "--curated", str(curated), "--force")
        assert again.returncode == 0, (text, again.stderr)
        assert _published(curated) == expected


def test_kept_rows_that_cannot_be_written_leave_a_whole_build_and_say_why(demo_build,
                                                                          tmp_path):
    """Kept rows save time, nothing else. Their folder read-only (a backup tool, `chattr`)
    made every build fail with a message that blamed damaged rows; a link there would have
    had its target's folders pruned. The build reads every export, does not keep them, says
    why, and publishes what it would have published."""
    import subprocess

    built = copy_build(demo_build, tmp_path)  # (as if built there, kept rows and all)
    raw, curated = built["raw"], built["curated"]
    expected = _published(curated)
    folder = cache.folder_for(curated)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "other").mkdir(parents=True)
    (elsewhere / "other" / "keep.txt").write_text("à garder", "utf-8")
    shutil.rmtree(folder)
    folder.symlink_to(elsewhere, target_is_directory=True)
    linked = run_cli("build", "--raw", str(raw), "--curated", str(curated), "--force")
    assert linked.returncode == 0, linked.stderr
    assert "ne peut pas être écrit" in linked.stderr and "est un lien" in linked.stderr
    assert (elsewhere / "other" / "keep.txt").read_text("utf-8") == "à garder"
    assert _published(curated) == expected

    folder.unlink()
    folder.write_text("pas un dossier", "utf-8")
    blocked = run_cli("build", "--raw", str(raw), "--curated", str(curated), "--force")
    assert blocked.returncode == 0, blocked.stderr
    assert "ne peut pas être écrit" in blocked.stderr
    assert "abîmées" not in blocked.stderr
    assert _published(curated) == expected

    # what lies inside the build's own folder and is not as written is removed with it (the
    # files read again); a link there is removed, never followed
    folder.unlink()
    assert run_cli("build", "--raw", str(raw), "--curated", str(curated), "--force"
                   ).returncode == 0
    [fingerprint] = folder.iterdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("à garder", "utf-8")

    def touches_file(_):
        shutil.rmtree(fingerprint / "touches")
        (fingerprint / "touches").write_text("x", "utf-8")

    def batch_folder(_):
        [batch] = fingerprint.glob("prospects/batch-*.parquet")
        batch.unlink()
        batch.mkdir()

    def facts_link(_):
        facts = next(fingerprint.glob("campaigns/*.json"))
        facts.unlink()
        facts.symlink_to(victim)

    def source_link(_):
        shutil.rmtree(fingerprint / "campaigns")
        (fingerprint / "campaigns").symlink_to(elsewhere, target_is_directory=True)

    # (each alone is seen by cache._as_written: test_a_fingerprint_folder_as_written; all at
    # once here, one build)
    for damage in (touches_file, batch_folder, facts_link, source_link):
        damage(None)
        assert not cache._as_written(fingerprint), damage.__name__
    healed = run_cli("build", "--raw", str(raw), "--curated", str(curated), "--force")
    assert healed.returncode == 0, healed.stderr
    assert victim.read_text("utf-8") == "à garder"
    assert (elsewhere / "other" / "keep.txt").exists()
    assert _published(curated) == expected
    assert cache._as_written(next(folder.iterdir()))
    # `.build` itself a link: not followed, said
    build_dir = folder.parent.parent
    shutil.rmtree(build_dir)
    build_dir.symlink_to(elsewhere, target_is_directory=True)
    linked = run_cli("build", "--raw", str(raw), "--curated", str(curated), "--force")
    assert linked.returncode == 0 and ".build est un lien" in linked.stderr, linked.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == ["other"]
    build_dir.unlink()

    # made immutable (root included), where the file system allows it
    assert run_cli("build", "--raw", str(raw), "--curated", str(curated), "--force"
                   ).returncode == 0
    if subprocess.run(["chattr", "-R", "+i", str(folder)], capture_output=True).returncode:
        return
    try:
        (raw / "campagnes.csv").write_bytes((raw / "campagnes.csv").read_bytes() + b"\n")
        frozen = run_cli("build", "--raw", str(raw), "--curated", str(curated))
    finally:
        subprocess.run(["chattr", "-R", "-i", str(folder)], check=True)
    assert frozen.returncode == 0, frozen.stderr
    assert "ne peut pas être écrit" in frozen.stderr and "abîmées" not in frozen.stderr
    assert _published(curated) | {"files": None} == expected | {"files": None}

    # only the facts frozen: the build keeps rows, publishes, and its clean-up of the facts of
    # a file no longer exported fails — after publishing, which a failed build then denied
    facts = sorted(folder.rglob("campaigns/*.json"))
    subprocess.run(["chattr", "+i", *map(str, facts)], check=True)
    try:
        (raw / "campagnes.csv").write_bytes((raw / "campagnes.csv").read_bytes() + b"\n")
        cleaned = run_cli("build", "--raw", str(raw), "--curated", str(curated))
    finally:
        subprocess.run(["chattr", "-i", *map(str, facts)], check=True)
    assert cleaned.returncode == 0, cleaned.stderr
    assert "le ménage n'a pas pu se faire (opération non permise" in cleaned.stderr
    assert status.current(curated)["failed_attempt"] is None


def test_facts_are_read_only_as_signed(tmp_path):
    """Every field of a file's facts is covered by its signature (the build test above tries
    a few by build): any change, of a value or of its type, and a record from another key or
    without a signature, is refused."""
    staged = cache.StagedCache(tmp_path / "curated", "k" * 64)
    good = {"batch": "batch-0123456789ab.parquet", "batch_sha256": "a" * 64, "position": 2,
            "file_sha256": "b" * 64, "rows_read": 10, "encoding": "utf-8", "delimiter": ";",
            "sheet": "", "ignored_columns": ["Notes"],
            "warnings": [[3, "Email", "valeur"], [None, None, "x"]]}
    signed = good | {"signature": staged._signature(good)}
    assert staged._signed(json.loads(json.dumps(signed))) == good
    bad = [("batch", "../batch-0123456789ab.parquet"), ("batch", "/etc/passwd"),
           ("batch_sha256", "0" * 64), ("position", "2"), ("position", 3),
           ("position", True), ("rows_read", 10.0), ("encoding", None), ("sheet", 3),
           ("ignored_columns", "Notes"), ("ignored_columns", [1]), ("warnings", [[1, 2]]),
           ("warnings", [["3", "Email", "valeur"], [None, None, "x"]]),
           ("file_sha256", "c" * 64)]
    for key, value in bad:
        with pytest.raises(ValueError):
            staged._signed(signed | {key: value})
    other = cache.StagedCache(tmp_path / "curated", "z" * 64)
    for record in (good, None, [], "x", good | {"signature": other._signature(good)}):
        with pytest.raises(ValueError):
            staged._signed(record)


def test_the_kept_rows_folder_is_never_masked_in_a_message(tmp_path):
    """Its name was twelve hex digits: all decimal (one curated folder in 300), it read as a
    phone number and messages showed « …/staged/[téléphone masqué] »."""
    from pipelines import pii

    for i in range(400):
        folder = cache.folder_for(tmp_path / f"curated{i}")
        assert not re.search(r"\d", folder.name) and pii.mask(str(folder)) == str(folder)


def test_a_fingerprint_folder_as_written(tmp_path):
    """Folders named after sources, holding regular files only: anything else (a link, a
    folder for a file, a file for a folder) makes the build remove the folder."""
    folder = tmp_path / "fp"
    (folder / "touches").mkdir(parents=True)
    (folder / "touches" / "batch-0123456789ab.parquet").write_bytes(b"x")
    (folder / "touches" / "abc.json").write_text("{}", "utf-8")
    assert cache._as_written(folder)
    victim = tmp_path / "victim.txt"
    victim.write_text("x", "utf-8")
    cases = {
        "facts link": lambda: (folder / "touches" / "def.json").symlink_to(victim),
        "folder for a file": lambda: (folder / "touches" / "batch-x.parquet").mkdir(),
        "file for a folder": lambda: (folder / "campaigns").write_text("x", "utf-8"),
        "source link": lambda: (folder / "prospects").symlink_to(
            tmp_path, target_is_directory=True),
    }
    for name, damage in cases.items():
        damage()
        assert not cache._as_written(folder), name
        shutil.rmtree(folder)
        (folder / "touches").mkdir(parents=True)
        assert victim.read_text("utf-8") == "x"


def test_a_batch_damaged_during_a_build_is_removed_and_said_in_french(tmp_path):
    """The last resort, for a batch damaged after its check (during the build): DuckDB's error
    names it, the kept rows are removed and the message says so in French; an error writing
    a new batch (its `.tmp` name: the disk, permissions) is not blamed on the kept rows."""
    from pipelines import build

    curated = tmp_path / "curated"
    folder = cache.folder_for(curated)
    (folder / "fingerprint" / "touches").mkdir(parents=True)
    batch = folder / "fingerprint" / "touches" / "batch-0123456789ab.parquet"
    batch.write_bytes(b"PAR1")
    writing = duckdb.IOException(f"Cannot open file \"{batch.parent}/.{batch.name}.1.tmp\"")
    assert build._discard_damaged_kept_rows(curated, writing) is None
    assert batch.exists()
    reading = duckdb.InvalidInputException(f"Out of buffer reading \"{batch}\"")
    failure = build._discard_damaged_kept_rows(curated, reading)
    assert failure.exit_code == 5 and "abîmées : elles ont été effacées" in str(failure)
    assert not folder.exists()
    assert build._discard_damaged_kept_rows(curated, duckdb.IOException("autre")) is None


def _encoding(path) -> str:
    try:
        path.read_text("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def _row_like(path, touch_id: str) -> str:
    """A copy of the file's last data row under another ID, with the file's line ending and
    delimiter."""
    text = path.read_text(_encoding(path))
    ending = "\r\n" if "\r\n" in text else "\n"
    last = text.rstrip("\r\n").split(ending)[-1]
    delimiter = ";" if last.count(";") > last.count(",") else ","
    return ("" if text.endswith(ending) else ending) + delimiter.join(
        [touch_id, *last.split(delimiter)[1:]]) + ending


def test_staged_rows_kept_hold_no_personal_data_in_clear(demo_build, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(demo_build["raw"], raw)
    curated = tmp_path / "curated"
    assert run_cli("build", "--raw", str(raw), "--curated", str(curated)).returncode == 0
    kept = list(cache.folder_for(curated).rglob("*.parquet"))
    assert kept
    for path in kept:
        assert path.stat().st_mode & 0o077 == 0
        with duckdb.connect() as con:
            text = repr(con.execute("select * from read_parquet(?)", [str(path)]).fetchall())
        assert not EMAIL_OR_PHONE.search(text), (path.name, EMAIL_OR_PHONE.search(text))


def test_a_changed_rule_invalidates_the_kept_rows(demo_build, tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "_SHAPING", cache._SHAPING + ("channels.toml",))
    assert cache.fingerprint("k" * 64) != cache.fingerprint("j" * 64)  # the key counts too


def test_builds_of_sibling_folders_keep_each_their_own_rows(demo_build, tmp_path):
    # two curated folders with one parent (as the contract tests build them, concurrently):
    # the second build must not prune the rows the first one kept
    other_raw = tmp_path / "other_raw"
    other_raw.mkdir()
    (other_raw / "prospects.csv").write_text(
        "ID prospect;Date de premier contact\nP1;01/02/2023\n", "utf-8")
    first, second = tmp_path / "curated_a", tmp_path / "curated_b"
    assert run_cli("build", "--raw", str(demo_build["raw"]), "--curated",
                   str(first)).returncode == 0
    assert run_cli("build", "--raw", str(other_raw), "--curated", str(second)).returncode == 0
    again = run_cli("build", "--raw", str(demo_build["raw"]), "--curated", str(first))
    assert again.returncode == 0 and "2 fichier(s) inchangé(s) repris" in again.stderr
