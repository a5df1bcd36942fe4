"""The plan canvas: a zoomable view of a floor plan with hazard pins drawn over it."""
