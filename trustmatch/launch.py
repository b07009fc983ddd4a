"""The `trustmatch` command: the window by default, a command-line command when one is named.

This is the one module that knows both front ends; they never import each other.
"""

from __future__ import annotations

from trustmatch.cli.main import build_parser, run_command


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.self_test:
        from trustmatch.selftest import run as self_test

        args.func = self_test
    elif getattr(args, "func", None) is None and not args.version:
        from trustmatch.ui.app import run

        args.func = run
    return run_command(args)
