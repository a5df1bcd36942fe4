"""The Qt shell: application start-up, main window, models adapting the core, dialogs."""
