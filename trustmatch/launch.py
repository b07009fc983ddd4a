"""The `trustmatch` command: the window by default, a command-line command when one is named.

This is the one module that knows both front ends; they never import each other.
"""

from __future__ import annotations

import os
import sys

from trustmatch.app.problems import UserError
from trustmatch.cli.main import build_parser, run_command

NO_DISPLAY = (
    "No display found: run TrustMatch on a desktop, or use --screenshot FILE.png to render the window offscreen."
)


def no_display() -> bool:
    """True on a Linux machine with no X or Wayland display, where Qt would abort with its own plugin message."""
    names = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    return sys.platform.startswith("linux") and not any(os.environ.get(n) for n in names)


def refuse_without_display(args) -> int:
    raise UserError(NO_DISPLAY)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.self_test:
        from trustmatch.ui.selftest import run as self_test

        args.func = self_test
    elif getattr(args, "func", None) is None and not args.version:
        if not args.screenshot and no_display():
            args.func = refuse_without_display
        else:
            from trustmatch.ui.app import run

            args.func = run
    elif getattr(args, "format", None) == "pdf":  # `export --format pdf` draws with Qt, which cli may not import
        from trustmatch.ui.pdf import write

        args.write_pdf = write
    return run_command(args)
