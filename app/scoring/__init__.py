"""Scoring: who is charged for what, per-unit metrics, the fair campaign score, snapshots,
the scorecard pages' read side, campaigns and exports."""
