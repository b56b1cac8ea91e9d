"""Command line (shared/spec/exports.md): `python -m pipelines demo|build|kpis|report`."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import sys
from pathlib import Path

from . import config, french, pii, targets

EXIT_FILE_ERROR = 1
EXIT_USAGE = 2
EXIT_CHECK_FAILED = 3
EXIT_BUSY = 4
EXIT_ENVIRONMENT = 5
EXIT_INTERNAL = 6


def _models() -> list[str]:
    """The attribution models' codes, as the reference list gives them (the help listed none)."""
    with open(config.REFERENCE_DIR / "attribution_models.csv", encoding="utf-8") as handle:
        return [row["model"] for row in csv.DictReader(handle, delimiter=";")]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"date invalide « {text} » : format attendu AAAA-MM-JJ, par ex. 2023-07-01"
        ) from None


def _scale(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"échelle invalide « {text} » : un entier ≥ 1")
    return int(text)


def _small_count(text: str) -> int:
    """The bilan's threshold: argparse said « valeur invalide (int) : 'abc' », and took 5 000
    where targets.toml refuses it."""
    if not text.isascii() or not text.isdigit() or int(text) not in targets.SMALL_COUNTS:
        raise argparse.ArgumentTypeError(
            f"seuil invalide « {pii.mask(text)} » : {targets.SMALL_COUNT_RULE}")
    return int(text)


# argparse's own words in French (« usage: », « show this help message and exit », « the
# following arguments are required »): the command line is the officer's too.
_ARGPARSE_FRENCH = {
    "usage: ": "usage : ",
    "positional arguments": "commandes",
    "options": "options",
    "show this help message and exit": "affiche cette aide",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments inconnus : %s",
    "expected one argument": "une valeur est attendue",
    "expected at most one argument": "une valeur au plus est attendue",
    "expected at least one argument": "une valeur au moins est attendue",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s) : %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "choix inconnu : %(value)r (possibles : %(choices)s)",
    "ambiguous option: %(option)s could match %(matches)s":
        "option ambiguë : %(option)s peut être %(matches)s",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "one of the arguments %s is required": "un des arguments %s est obligatoire",
}


CURATED = "dossier de la base publiée (défaut : data/curated)"
FROM = "premier jour de la période de premier contact (défaut : le début des données)"
TO = "dernier jour de la période (défaut : la fin des données)"


def _curated(command: argparse.ArgumentParser) -> None:
    command.add_argument("--curated", type=Path, default=config.CURATED_DIR, help=CURATED,
                         metavar="DOSSIER")


def _curated_and_period(command: argparse.ArgumentParser) -> None:
    """The published database and the period of first contact a figure is asked for."""
    _curated(command)
    command.add_argument("--from", dest="date_from", type=_date, default=None, help=FROM,
                         metavar="AAAA-MM-JJ")
    command.add_argument("--to", dest="date_to", type=_date, default=None, help=TO,
                         metavar="AAAA-MM-JJ")


def _french(message: str) -> str:
    return _ARGPARSE_FRENCH.get(message, message)


def _parser() -> argparse.ArgumentParser:
    argparse._ = _french  # (argparse looks its messages up through this name when it says them)
    parser = argparse.ArgumentParser(
        prog="python -m pipelines",
        description="Exports du programme « Oh my Lot ! » -> base DuckDB des indicateurs.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")
    demo = commands.add_parser("demo", help="écrit les exports de démonstration")
    demo.add_argument("--raw", type=Path, default=config.RAW_DIR,
                      help="dossier où les écrire (défaut : data/raw)")
    demo.add_argument("--seed", type=int, default=None,
                      help="graine du tirage (les mêmes exports pour la même graine)")
    demo.add_argument("--scale", type=_scale, default=None, metavar="N",
                      help="N fois le programme, pour les mesures de performance "
                           "(N = 1000 : 400 000 foyers, 10 M contacts de campagne)")
    build = commands.add_parser("build", help="construit la base à partir des exports")
    build.add_argument("--raw", type=Path, default=config.RAW_DIR,
                       help="dossier des exports (défaut : data/raw)")
    _curated(build)
    build.add_argument("--force", action="store_true",
                       help="reconstruit même si rien n'a changé depuis la dernière fois")
    kpis = commands.add_parser("kpis", help="affiche les chiffres clés")
    _curated_and_period(kpis)
    kpis.add_argument("--json", action="store_true", help="sortie JSON (format du contrat)")
    report = commands.add_parser("report", help="écrit le bilan PDF du programme pour une "
                                 "période, ou celui d'une campagne (--campaign)")
    _curated_and_period(report)
    report.add_argument("--campaign", action="append", default=[], metavar="CODE",
                        help="une campagne (répéter pour plusieurs campagnes d'une opération)")
    report.add_argument("--out", type=Path, required=True, help="fichier PDF à écrire",
                        metavar="FICHIER.pdf")
    report.add_argument("--small-count", type=_small_count, default=None, metavar="N",
                        help="seuil du secret statistique (défaut : targets.toml)")
    report.add_argument("--model", default=None, metavar="MODÈLE",
                        help="modèle d'attribution des coûts : " + ", ".join(_models())
                        + " (défaut : celui de targets.toml)")
    return parser


def _demo(args: argparse.Namespace) -> int:
    # (it wrote over a folder of real exports: « campagnes.csv » replaced without a word, and
    # the demo's prospects read together with this month's real ones)
    from .contract import EXTENSIONS

    present = sorted(path.name for path in args.raw.iterdir()
                     if path.suffix.lower() in EXTENSIONS) if args.raw.is_dir() else []
    if present:
        shown = ", ".join(pii.mask(name) for name in present[:3]) + (
            ", …" if len(present) > 3 else "")
        print(f"Erreur : {pii.mask(str(args.raw))} contient déjà "
              f"{french.plural(len(present), 'un export', f'{len(present)} exports')} "
              f"({shown}) : les exports de démonstration ne s'écrivent que dans un dossier "
              "sans export, pour ne jamais remplacer ni mêler de vrais exports. Choisissez un "
              "autre dossier (--raw DOSSIER) ou videz celui-ci.", file=sys.stderr)
        return EXIT_FILE_ERROR
    if args.scale is not None:
        from .demo_scale import write_scaled

        kwargs = {} if args.seed is None else {"seed": args.seed}
        paths = write_scaled(args.raw, args.scale, **kwargs)
        print(f"{len(paths)} exports (×{args.scale}) écrits dans {args.raw}", file=sys.stderr)
        return 0
    from .demo import write_demo

    kwargs = {} if args.seed is None else {"seed": args.seed}
    paths = write_demo(args.raw, **kwargs)
    print(f"{len(paths)} exports de démonstration écrits dans {args.raw}", file=sys.stderr)
    return 0


def _build(args: argparse.Namespace) -> int:
    from . import progress, status
    from .build import BuildFailure, build

    try:
        result = build(args.raw, args.curated, force=args.force)
    except BuildFailure as exc:
        # (a first build that fails leaves no database: « reste en place » misled)
        kept = ("" if exc.exit_code == EXIT_BUSY
                else "\nLa base publiée précédente reste en place."
                if status.current(args.curated)["published"]  # (one that opens)
                else "\nAucune base lisible n'est encore publiée : corrigez, puis relancez.")
        print(f"Erreur : {exc}{kept}", file=sys.stderr)
        return exc.exit_code
    rejected = sum(c["rejected"] for c in result.counts.values())
    # (the page an officer opens, not the table: it said « voir quality.rejects »)
    rejects = (f"{progress.count(rejected)} ligne(s) rejetée(s) : voir la page « Qualité des "
               "données »" if rejected else "aucune ligne rejetée")
    if result.unchanged:
        print(f"Base publiée inchangée : {result.database} ({rejects})", file=sys.stderr)
        return 0
    print(f"Base publiée : {result.database} en {progress.seconds(result.seconds)} "
          f"({rejects})", file=sys.stderr)
    return 0


def _kpis(args: argparse.Namespace) -> int:
    import duckdb

    from . import status
    from .kpis import headline

    path = config.database_path(args.curated)
    if not path.exists():
        print(f"Erreur : aucune base publiée dans {args.curated} : lancez d'abord "
              "« python -m pipelines build ».", file=sys.stderr)
        return EXIT_FILE_ERROR
    if args.date_from and args.date_to and args.date_from > args.date_to:
        print("Erreur : --from est après --to.", file=sys.stderr)
        return EXIT_USAGE
    current = True
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            # (an update whose build failed leaves the older database published: said, as
            # the dashboard and the bilan say it)
            current = status.built_by_this_code(status.published_build(con))
            if not current:
                print(f"Attention : {status.OLDER_MODELS}", file=sys.stderr)
            figures = headline(con, args.date_from, args.date_to)
            names = {} if args.json else dict(con.execute(
                "select channel, label from ref.channels union all "
                "select model, 'Modèle « ' || label || ' »' from ref.attribution_models"
            ).fetchall())
    except duckdb.Error:  # (a file damaged or replaced by hand printed DuckDB's traceback)
        why = ("construite par une autre version, n'a pas ce que ces chiffres lui demandent"
               if not current else "est illisible (abîmée, ou remplacée par un autre fichier)")
        print(f"Erreur : la base publiée {path} {why} : relancez « python -m pipelines build ».",
              file=sys.stderr)
        return EXIT_FILE_ERROR
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        from .contract import SOURCES, source_label
        names |= {source: source_label(source) for source in SOURCES}
        # (a person reading the figures is told what they cover: « --from 2023-01-01 » printed
        # them without a word of the period)
        print(f"Sélection : {french.period(args.date_from, args.date_to)} (premier contact des "
              "foyers)")
        _print_figures(figures, names)
    return 0


# `kpis` without --json: the same figures for a person, in French (it printed the contract's
# keys and Python's dicts: « followed_by_channel {'salon': 85, …} », « 19.166667 »).
_LABELS = {
    "followed": "Foyers suivis", "accompanied": "Foyers accompagnés",
    "installed": "Foyers installés", "people_installed": "Personnes installées",
    "followed_by_channel": "Foyers suivis par canal",
    "installed_by_channel": "Foyers installés par canal", "ambassadors": "Ambassadeurs",
    "ambassadors_active": "Ambassadeurs actifs", "contacts": "Personnes touchées",
    "interactions": "Interactions", "rows": "Lignes des exports",
    "attribution": "Crédits d'attribution (foyers suivis, installés) par modèle et campagne",
    "read": "lues", "accepted": "acceptées", "rejected": "rejetées", "duplicates": "doublons",
    "merged": "fusionnées", "unattributed": "non attribué",
}


def _print_figures(figures: dict, names: dict[str, str], depth: int = 0) -> None:
    """`names`: the channels' and sources' names, by code."""
    for key, value in figures.items():
        label = _LABELS.get(key) or names.get(key, key)
        if isinstance(value, dict) and set(value) <= {"followed", "installed"}:
            # (a whole credit whole: « 1,0 installés »; the noun agreeing with the figure as
            # shown: « 1 installés », and 1.96 printed « 2 installé »)
            credits = {measure: _figure(value.get(measure))
                       for measure in ("followed", "installed")}
            print(f"{'  ' * depth}{label} : " + ", ".join(
                f"{shown} {french.agree(shown, value.get(measure), word)}"
                for (measure, shown), word in zip(credits.items(), ("suivi", "installé"),
                                                  strict=True)))
        elif isinstance(value, dict):
            print(f"{'  ' * depth}{label} :")
            _print_figures(value, names, depth + 1)
        else:
            print(f"{'  ' * depth}{label} : {_figure(value)}")


def _figure(value: float | None) -> str:
    """A count whole, a credit or a rate with one decimal; a credit whole once written with
    one decimal is whole (2.9999999999 of the time-decay model read « 3,0 » beside the linear
    model's « 3 »)."""
    return french.number(value, 0 if value is None or french.rounded(value, 1) % 1 == 0 else 1)


def _report(args: argparse.Namespace) -> int:
    from .report.command import run

    return run(args)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {"demo": _demo, "build": _build, "kpis": _kpis, "report": _report}
    if config.SETTING_ERRORS and args.command in ("kpis", "report"):
        # (the figures follow the settings the build stored, not these)
        for error in config.SETTING_ERRORS.values():
            print(f"Attention : {pii.mask(error)}", file=sys.stderr)
    try:
        return handlers[args.command](args)
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return EXIT_INTERNAL
    except BrokenPipeError:  # (`kpis | head`: the reader had enough, not an error to print)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # a folder that cannot be written, a full disk
        # (in French: « Erreur : No such file or directory » for `report --out /proc/x.pdf`)
        from . import guard

        print(f"Erreur : {guard.reason(exc)}.", file=sys.stderr)
        return EXIT_ENVIRONMENT


if __name__ == "__main__":
    sys.exit(main())
