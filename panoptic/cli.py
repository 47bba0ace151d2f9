"""The `panoptic` command line.

Each command lives in `panoptic.commands.<name>` and registers itself on the
Typer app; statement families add theirs through `Family.commands`; heavy modules are imported inside the command bodies so that
`panoptic --help` and `panoptic check` stay fast and never load a driver.
"""

from __future__ import annotations

import sys

COMMANDS = (
    "check",
    "fmt",
    "compile",
    "run",
    "report",
    "merge",
    "doctor",
    "lsp",
    "docs",
    "convert",
    "init",
    "show",
    "record",
)


def build_app(only: str | None = None):
    """The Typer application with every command registered, or only the core command `only` (a run of one
    command imports and registers nothing else: no other command module, no family's commands)."""
    import importlib

    import typer

    app = typer.Typer(
        name="panoptic",
        help="A statically checked language for UI test automation.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    @app.callback(invoke_without_command=True)
    def _root(
        version: bool = typer.Option(False, "--version", help="Print the version and exit."),
    ) -> None:
        if version:
            from panoptic import __version__

            typer.echo(f"panoptic {__version__}")
            raise typer.Exit(0)

    for name in (only,) if only in COMMANDS else COMMANDS:
        try:
            module = importlib.import_module(f"panoptic.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"panoptic.commands.{name}":
                raise
            continue
        module.register(app)
    if only not in COMMANDS:
        _family_commands(app)
    return app


def _family_commands(app) -> None:
    """Add the commands of every statement family that has some (`panoptic enterprise …`, `panoptic sync`, …)."""
    from panoptic.contract.family import families
    from panoptic.contract.platform import load_object

    for family in families():
        if family.commands is None:
            continue
        try:
            register = load_object(family.commands)
        except Exception as exc:  # one broken family must not take the whole command line away
            sys.stderr.write(
                f"warning[PAN006]: the commands of the `{family.name}` statement family ({family.commands}) "
                f"cannot be loaded: {type(exc).__name__}: {exc}\n"
            )
            continue
        register(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `panoptic` script."""
    try:
        _main(argv)
    except BrokenPipeError:  # `panoptic check … | head`: the reader went away; that is not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(0) from None
    except OSError as exc:
        import errno

        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            _internal_error(exc)
        where = f" writing {exc.filename}" if exc.filename else ""
        sys.stderr.write(
            f"error[PAN003]: no space left on the device{where}\n"
            "  = help: free space or pass `--output` on another disk; what was written before is kept\n"
        )
        raise SystemExit(2) from None
    except (Exception, RecursionError) as exc:  # a bug: one line and its own exit code, never a traceback
        _internal_error(exc)


def _exit_now(code: int) -> None:
    """End the process with `code` once stdout and stderr are flushed, without tearing its objects down.

    Freeing the syntax trees and IR of a large check one object at a time takes about a sixth of the check's
    time (0.12 s of 0.63 s on 100,000 lines); `os._exit` skips it. The check's cache files are already
    closed (`store_pickle` closes and renames each one before returning), and no `atexit` hook is on its path.
    """
    import os

    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _internal_error(exc: BaseException) -> None:
    """Report a crash as PAN005 and exit 4 (not 1, which means the input has errors)."""
    import os

    sys.stderr.write(
        f"error[PAN005]: internal error: {type(exc).__name__}\n"
        "  = help: please report it with the command and `panoptic --version`"
        + ("" if os.environ.get("PANOPTIC_TRACEBACK") else "; set PANOPTIC_TRACEBACK=1 to see where it failed")
        + "\n"
    )
    if os.environ.get("PANOPTIC_TRACEBACK"):
        import traceback

        traceback.print_exception(exc)
    raise SystemExit(4) from None


def _main(argv: list[str] | None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:  # the fast path: no Typer import at all
        from panoptic import __version__

        print(f"panoptic {__version__}")
        return
    if args[:1] == ["check"]:  # fast path: no Typer import for the command editors and hooks run most
        import gc

        from panoptic.commands.check import fast_main

        if argv is None:  # the process ends with the check (`_exit_now`): no collection is worth its time
            gc.disable()

        code = fast_main(args[1:])
        if code is not None:
            sys.stdout.flush()
            if argv is None:  # the process's own command line: nothing is left to do but free what the check built
                _exit_now(code)
            raise SystemExit(code)
    if args[:1] == ["convert"]:  # fast path: the converter needs no Typer and no family commands
        from panoptic.commands.convert import fast_main as convert_main

        code = convert_main(args[1:])
        if code is not None:
            raise SystemExit(code)
    running = args[:1] == ["run"]
    if running:
        from panoptic.commands.run import pause_gc_until_run

        pause_gc_until_run()
    app = build_app(only=args[0] if args else None)
    try:
        app(args=args, prog_name="panoptic", standalone_mode=True)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        raise SystemExit(130) from None
    finally:
        if running:  # a run that ended before its first scenario (errors, --list) turns it on here
            from panoptic.commands.run import resume_gc

            resume_gc()


if __name__ == "__main__":
    main()
