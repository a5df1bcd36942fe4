"""`python -m inspector_app` runs the same entry point as `inspector-app`, `--self-test` included."""

import sys

from inspector_app.launcher import console_main

sys.exit(console_main())
