"""Intake: a new case from the web form, the hotline desk or Open311; routing; extra
questions; tracking codes; what the citizen does afterwards on the tracking page."""
