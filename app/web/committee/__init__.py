"""Pages for those who judge units: scorecards (and the public transparency figures),
campaigns, and the exports they download."""
