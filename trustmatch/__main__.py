import multiprocessing

from trustmatch.launch import main

if __name__ == "__main__":  # not when a worker process imports this module again
    # A frozen bundle starts worker processes (batch exports) by running its own executable again.
    multiprocessing.freeze_support()
    raise SystemExit(main())
