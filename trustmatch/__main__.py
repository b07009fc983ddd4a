import sys

from trustmatch.launch import main

if __name__ == "__main__":  # not when a worker process imports this module again
    if getattr(sys, "frozen", False):
        # A frozen bundle starts worker processes (batch exports) by running its own executable again.
        # Imported only there: multiprocessing costs every command's start-up ~20 ms it does not need.
        import multiprocessing

        multiprocessing.freeze_support()
    raise SystemExit(main())
