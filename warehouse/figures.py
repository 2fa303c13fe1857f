"""The figures of the partner report, read with the SQL in warehouse/sql/report_*.sql."""

from __future__ import annotations

import duckdb
import pandas as pd

from resque.warehouse.db import sql

QUERIES = {
    "headline": "report_headline",
    "vacancies_by_week": "report_vacancies_by_week",  # week null: no publication date
    "sectors": "report_sectors",
    "duplicates": None,  # the analyst view duplicates_per_source
    "match_distribution": "report_match_distribution",
}


def report_data(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Every table the report shows, by name (see QUERIES); works on warehouse and snapshot."""
    return {
        name: con.sql(sql(query) if query else "select * from duplicates_per_source").df()
        for name, query in QUERIES.items()
    }
