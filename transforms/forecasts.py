"""Placeholder, replaced below."""
def find_forecasts(ctx):
    return []
