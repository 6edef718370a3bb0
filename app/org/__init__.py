"""The organisation: units, categories and routing rules as administrators manage them."""
