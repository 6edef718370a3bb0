"""Domain logic, free of Flask requests and templates."""
