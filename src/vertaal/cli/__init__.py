"""The `vertaal` command line: a thin Typer layer over the library."""

from __future__ import annotations

import errno
import sqlite3

import typer
from typer.core import TyperGroup

from ..errors import VertaalError

INTERRUPTED = (
    "interrupted: files already written and the translation memory are kept, no temporary file is left; "
    "run the same command again to go on (finished files are skipped)"
)


class _Stopped(BaseException):
    """SIGTERM or SIGHUP, raised where the process is, so that cleanup (`finally`) runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    raise _Stopped(signum)


class _Group(TyperGroup):
    """Turns library errors into one-line messages instead of tracebacks, and signals into a clean
    stop: SIGINT exits 130, SIGTERM 143 and SIGHUP 129, after temporary files are removed."""

    def invoke(self, ctx: typer.Context) -> object:
        import signal
        import threading

        previous = {}
        # `serve`: uvicorn handles the signals itself (a clean shutdown, exit 0)
        named = getattr(ctx, "_protected_args", None) or getattr(ctx, "protected_args", None) or ctx.args
        serving = bool(named) and named[0] == "serve"
        if threading.current_thread() is threading.main_thread() and not serving:
            for signum in (signal.SIGTERM, signal.SIGHUP):
                previous[signum] = signal.signal(signum, _stop)
        try:
            return self._invoke(ctx)
        except KeyboardInterrupt as exc:
            typer.echo(f"\n{INTERRUPTED}", err=True)
            raise SystemExit(130) from exc
        except _Stopped as exc:
            typer.echo(INTERRUPTED, err=True)
            raise SystemExit(128 + exc.signum) from exc
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _invoke(self, ctx: typer.Context) -> object:
        try:
            return super().invoke(ctx)
        except VertaalError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from exc
        except BrokenPipeError as exc:  # `vertaal translate ... | head`
            raise SystemExit(1) from exc
        except sqlite3.DatabaseError as exc:  # a database that failed under us mid-command
            typer.echo(f"Error: {_database_message(exc)}", err=True)
            raise typer.Exit(1) from exc
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
            where = exc.filename or "the output"
            typer.echo(f"Error: no space left on the disk ({where}); nothing was changed", err=True)
            raise typer.Exit(1) from exc


def _database_message(exc: Exception) -> str:
    from ..db.connection import database_problem

    return database_problem(exc)


app = typer.Typer(
    cls=_Group,
    name="vertaal",
    help="Offline Dutch-English translation with an enforced term glossary.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


def _register() -> None:
    from . import check, extract, glossary, memory, models, serve, translate

    app.command("translate", no_args_is_help=False)(translate.translate)
    app.command("check")(check.check)
    app.command("extract")(extract.extract)
    app.command("serve")(serve.serve)
    app.add_typer(glossary.app, name="glossary")
    app.add_typer(memory.app, name="memory")
    app.add_typer(models.app, name="models")


@app.callback(invoke_without_command=True)
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True),
) -> None:
    """Offline Dutch-English translation with an enforced term glossary."""
    if version:
        from .. import __version__

        typer.echo(f"vertaal {__version__}")
        raise typer.Exit(0)


_register()


def main() -> None:
    """Console-script entry point."""
    app()
