from trustmatch.launch import main

raise SystemExit(main())
