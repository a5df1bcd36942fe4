"""Floor-plan documents of every format behind one interface, usable without Qt or a display.

    from inspector_app import plans
    doc = plans.open("level2.pdf")            # PlanError on any unreadable file
    doc.page_count, doc.page(0).width_px
    image = doc.render_region(0, (0.25, 0.25, 0.5, 0.5), 1024, 768)   # a PIL image

Formats are detected from content, never from the extension. SVG rendering uses QtSvg (see
``plans.svg``); everything else is Pillow, pypdfium2 and ezdxf.
"""

from __future__ import annotations

from inspector_app.plans.document import FULL_PAGE, Layer, PageInfo, PlanDocument, Region
from inspector_app.plans.errors import PlanError
from inspector_app.plans.opener import open_plan

open = open_plan

__all__ = [
    "FULL_PAGE",
    "Layer",
    "PageInfo",
    "PlanDocument",
    "PlanError",
    "Region",
    "open",
    "open_plan",
]
