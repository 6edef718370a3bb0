"""Accounts: passwords and sign-in, throttling, one-time password links, staff accounts
as administrators manage them, and Open311 API keys."""
