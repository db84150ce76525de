"""ai-race-tables: the published tables' storage and the analysts' loader."""

__all__ = ["load_table", "load_snapshot"]


def __getattr__(name: str):
    """The loader, imported when first used (PEP 562): pandas and Delta Lake load with it, not
    with every module of the package (an extraction worker needs neither)."""
    if name in __all__:
        from ai_race_tables import storage

        return getattr(storage, name)
    raise AttributeError(f"module 'ai_race_tables' has no attribute {name!r}")
