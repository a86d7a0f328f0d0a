from nttqa.cli import main

raise SystemExit(main())
