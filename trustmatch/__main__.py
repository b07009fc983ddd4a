from trustmatch.cli import main

raise SystemExit(main())
