"""`resque query`: one reading statement on the snapshot (or, with --live, the warehouse).

Read-only by construction, in two layers that each stop the attacks of issue 11 alone:

1. The statement is checked with DuckDB's own parser before anything runs: exactly one
   statement, of a reading kind (SELECT, WITH ... SELECT, DESCRIBE, SHOW, SUMMARIZE, or
   EXPLAIN of one of those); every table it names, at any depth (CTEs, subqueries,
   DESCRIBE/SUMMARIZE targets), is a table or view of the database or one of its CTEs,
   because any other name makes DuckDB read a file of that name (`from 'x.csv'`); and
   every table function is on a short allow-list, so no `read_csv`, `read_text`, `glob`,
   `query`, `sniff_csv` or anything an extension adds.
2. The connection is opened read-only with external access off (no file but the database,
   no ATTACH of a file, no COPY, no network), no extension installed or loaded on demand,
   no community extensions, and then the configuration locked, so no SET or PRAGMA can
   turn any of it back on (DuckDB docs, "Securing DuckDB").

A refused statement is a ResqueError of one line that says what is allowed.

`snapshot_lag` tells how far the snapshot is behind the warehouse (issue 16): the steps
that wrote the warehouse after the snapshot was published.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from resque.errors import ResqueError
from resque.warehouse.db import connect, sql

ALLOWED = (
    "queries are read-only: one SELECT, WITH ... SELECT, DESCRIBE, SHOW, SUMMARIZE or EXPLAIN "
    "statement on the tables and views; no files, ATTACH, COPY, SET, PRAGMA, INSTALL or LOAD"
)
# Applied when the connection opens; lock_configuration makes every other setting final.
LOCKED_DOWN: dict[str, Any] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}
# Table functions that make rows out of their arguments or describe the catalog; none
# reads a file, runs SQL of its own or reaches the network.
TABLE_FUNCTIONS = frozenset(
    {
        "range",
        "generate_series",
        "unnest",
        "json_each",
        "json_tree",
        "duckdb_tables",
        "duckdb_views",
        "duckdb_columns",
        "duckdb_schemas",
        "duckdb_constraints",
        "duckdb_indexes",
        "duckdb_types",
        "duckdb_functions",
        "duckdb_keywords",
    }
)
Kind = duckdb.StatementType
# A runs.kind as the staleness line counts it: (one, several); others are "<kind> run(s)".
STEP_WORDS: dict[str, tuple[str, str]] = {
    "import": ("import", "imports"),
    "crawl": ("crawl", "crawls"),
    "dedup": ("dedup", "dedups"),
    "occupations": ("occupations run", "occupations runs"),
    "match": ("match", "matches"),
    "forget": ("forget", "forgets"),
}


def run_query(path: str | Path, text: str) -> pd.DataFrame:
    """Run one reading statement on the database at `path`, read-only and locked down.

    Args:
        path: the snapshot or the warehouse file.
        text: the analyst's SQL.
    Returns:
        The result as a DataFrame.
    Raises:
        ResqueError: the statement is refused (one line saying what is allowed), or the
        database cannot be opened. DuckDB's own errors (a misspelt column) pass through.
    """
    with contextlib.closing(open_locked(path)) as con:
        statement = checked_statement(con, text)
        return con.execute(statement).df()


def snapshot_lag(snapshot: str | Path, warehouse: str | Path) -> str | None:
    """One line on what the warehouse did after the snapshot was published, else None.

    E.g. `snapshot of 02.12. 02:00, 3 imports since — --live for the warehouse`, the time
    local. None when the snapshot is current, and when the warehouse cannot be read: both are
    opened read-only, taking no writer lock, and while a writer holds the warehouse DuckDB
    refuses to open it at all; the query's answer matters more than this line.
    """
    try:
        with contextlib.closing(open_locked(snapshot)) as con:
            last_run = con.execute(sql("snapshot_last_run")).fetchall()[0][0]
        with contextlib.closing(open_locked(warehouse)) as con:
            rows = con.execute(sql("snapshot_since"), {"last_run": last_run}).fetchall()
    except (ResqueError, duckdb.Error):
        return None
    if not rows:
        return None
    published = rows[0][0].replace(tzinfo=dt.UTC).astimezone()  # runs hold naive UTC
    steps = ", ".join(_steps(kind, n) for _, kind, n in rows)
    return f"snapshot of {published:%d.%m. %H:%M}, {steps} since — --live for the warehouse"


def _steps(kind: str, n: int) -> str:
    """`3 imports`, `1 match`: a count of steps of one kind."""
    one, several = STEP_WORDS.get(kind, (f"{kind} run", f"{kind} runs"))
    return f"{n} {one if n == 1 else several}"


def open_locked(path: str | Path) -> duckdb.DuckDBPyConnection:
    """The database opened read-only, without external access, its configuration locked."""
    return connect(path, read_only=True, config=LOCKED_DOWN)


def checked_statement(con: duckdb.DuckDBPyConnection, text: str) -> duckdb.Statement:
    """The one statement of `text`, if it only reads; else a ResqueError saying what may."""
    statement = _single(con, text)
    if statement.type == Kind.EXPLAIN:
        inner = _single(con, _explained(statement.query), what="EXPLAIN of")
        _check_select(con, inner)
    else:
        _check_select(con, statement)
    return statement


def refused(why: str) -> ResqueError:
    """The one-line refusal: what was found, and what is allowed."""
    return ResqueError(f"query refused ({why}): {ALLOWED}")


def _single(con: duckdb.DuckDBPyConnection, text: str, what: str = "") -> duckdb.Statement:
    """The only statement in `text`; more than one, or none, is refused."""
    try:
        statements = con.extract_statements(text)
    except duckdb.ParserException as exc:
        if not what:
            raise  # the analyst's typo: DuckDB's own message says where
        raise refused(f"{what} something that is not a statement") from exc
    if len(statements) != 1:
        raise refused(f"{what} {len(statements)} statements".strip())
    return statements[0]


def _check_select(con: duckdb.DuckDBPyConnection, statement: duckdb.Statement) -> None:
    """A SELECT (DESCRIBE, SHOW, SUMMARIZE are SELECTs) whose every table is a known one."""
    if statement.type != Kind.SELECT:
        kind = "INSTALL or LOAD" if statement.type == Kind.LOAD else statement.type.name
        raise refused(f"{kind} statement")
    tree = json.loads(con.execute(sql("query_parse_tree"), [statement.query]).fetchone()[0])
    if tree.get("error"):
        raise refused("a statement whose tables cannot be checked")
    known = _known_relations(con)
    for node, ctes in _table_refs(tree):
        if node["type"] == "TABLE_FUNCTION":
            name = str((node.get("function") or {}).get("function_name", "")).lower()
            if name not in TABLE_FUNCTIONS:
                raise refused(f"table function {name}()")
        elif not _names_known(node, known, ctes):
            name = node.get("table_name", "")
            raise refused(f"no table or view named {name!r}; files cannot be read")


def _explained(text: str) -> str:
    """The statement after EXPLAIN [ANALYZE], found with DuckDB's own tokenizer."""
    tokens = [
        (offset, kind)
        for offset, kind in duckdb.tokenize(text)
        if kind != duckdb.token_type.comment
    ]
    words = [text[offset:].split(None, 1)[0].lower() for offset, _ in tokens[:2]]
    start = 2 if words[1:] == ["analyze"] else 1
    return text[tokens[start][0] :] if len(tokens) > start else ""


def _known_relations(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str, str]]:
    """(database, schema, name) of every table and view, lower-cased."""
    rows = con.execute(sql("query_names")).fetchall()
    return {tuple(str(part).lower() for part in row) for row in rows}


def _names_known(node: dict, known: set[tuple[str, str, str]], ctes: set[str]) -> bool:
    """Whether a table reference names a CTE or an existing table or view (never a file)."""
    if node["type"] == "SHOW_REF" and (
        node.get("show_type") == "SHOW_SPECIAL" or not node.get("table_name")
    ):
        return True  # SHOW TABLES, SHOW DATABASES; DESCRIBE/SUMMARIZE check their query
    name = str(node.get("table_name", "")).lower()
    schema = str(node.get("schema_name") or "").lower()
    catalog = str(node.get("catalog_name") or "").lower()
    if not schema and not catalog and name in ctes:
        return True
    return any(
        name == n and (not schema or schema in (s, d)) and (not catalog or catalog == d)
        for d, s, n in known
    )


def _table_refs(tree: Any) -> Iterator[tuple[dict, frozenset[str]]]:
    """Every table reference in the parse tree, with the CTE names in scope where it stands.

    A CTE is in scope in the query that defines it and in its own and later CTEs' bodies;
    a name used outside that scope would be looked up as a table, then as a file.
    """
    stack: list[tuple[Any, frozenset[str]]] = [(tree, frozenset())]
    while stack:
        item, scope = stack.pop()
        if isinstance(item, list):
            stack.extend((child, scope) for child in item)
            continue
        if not isinstance(item, dict):
            continue
        if item.get("type") in TABLE_REFS:
            yield item, scope
        cte_map = item.get("cte_map")
        entries = (cte_map.get("map") or []) if isinstance(cte_map, dict) else []
        names = [str(entry["key"]).lower() for entry in entries]
        for position, entry in enumerate(entries):
            stack.append((entry["value"], scope | set(names[: position + 1])))
        inner = scope | set(names)
        stack.extend((child, inner) for key, child in item.items() if key != "cte_map")


# The parse tree's table references that name something to read.
TABLE_REFS = frozenset({"BASE_TABLE", "TABLE_FUNCTION", "SHOW_REF"})
