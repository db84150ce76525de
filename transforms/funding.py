"""Placeholder, replaced below."""
def find_funding(ctx):
    return []
