"""The script both executables of the PyInstaller bundle run (packaging/inspector.spec): the
windowed FireRiskInspector starts the desktop program, the console inspector-app is the CLI."""

import sys

from inspector_app.launcher import bundle_main

sys.exit(bundle_main())
