"""Model families. One readable file per family; shared blocks in layers.py."""
