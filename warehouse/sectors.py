"""The WZ 2008 reference table and the WZ columns of rows stored before migration 0009."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from resque.pipelines.sectors import normalise_sector, wz_names
from resque.warehouse.db import sql


def fill(con: duckdb.DuckDBPyConnection) -> None:
    """Fill `wz2008` with the official names and the WZ columns of every stored row.

    Runs inside migration 0009's transaction (warehouse.db.AFTER_MIGRATION): each distinct
    sector text is mapped once, in Python, by the same rule the load uses.
    """
    names = wz_names()
    con.executemany("insert into wz2008 values (?, ?)", list(names.items()))
    texts = [row[0] for row in con.execute(sql("sector_wz_texts")).fetchall()]
    mapped = [(text, normalise_sector(text)) for text in texts]
    con.register(
        "sector_wz",
        pa.table(
            {
                "sector": [text for text, _ in mapped],
                "section": [wz.section if wz else None for _, wz in mapped],
                "division": [wz.division if wz else None for _, wz in mapped],
            },
            schema=pa.schema(
                [("sector", pa.string()), ("section", pa.string()), ("division", pa.string())]
            ),
        ),
    )
    try:
        con.execute(sql("sector_wz_fill"))
    finally:
        con.unregister("sector_wz")
