"""`python -m inspector_app` runs the same entry point as `inspector-app`."""

import sys

from inspector_app.cli import main

sys.exit(main())
