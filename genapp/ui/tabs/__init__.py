"""One module per tab of the app: its layout (``build``), its endpoints and its wiring."""
