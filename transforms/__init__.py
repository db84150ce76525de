"""Pure text-to-rows transforms: no I/O, no orchestration, no storage."""
