"""Data for demonstrations and measurements: `flask seed demo` and `flask seed bulk`."""
