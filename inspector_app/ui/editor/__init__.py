"""The hazard editor: the dock beside the plan where a pinned hazard is filled in, photographed,
marked up and fixed on the spot. Every change is saved at once through core use cases and undoable."""

from inspector_app.ui.editor.hazard_editor import HazardEditor

__all__ = ["HazardEditor"]
