"""ai-race-tables: the published tables' storage and the analysts' loader."""
from ai_race_tables.storage import load_snapshot, load_table

__all__ = ["load_table", "load_snapshot"]
