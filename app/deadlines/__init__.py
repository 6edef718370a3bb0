"""Deadlines: the working calendar, due times and what pauses them, the settings admins
change (policies and calendar exceptions), explanations, and the periodic enforcement."""
