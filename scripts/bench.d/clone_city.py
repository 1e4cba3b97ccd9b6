#!/usr/bin/env python3
"""Copies one imported city of a PostgreSQL database into many, in SQL, for
the national-scale benchmark (scripts/bench --only scale): importing hundreds
of cities one CSV set at a time would take hours, a copy takes seconds.

    clone_city.py --url postgres://.../db --from 990019 --first 1 --last 49

Copy k gets the city code 9kkkk + check digit (JIS X 0402; 90001..98999, no
prefecture, never a real city nor a synthetic_city.py city 99nnn), the name
複製市k, and every id of the source city shifted by k x 10^8, so its plans,
items, indicators and their cells, judgements, printings, budgets, grades,
narratives and search index are the source's under other ids. The source
city's ids must be below 10^8 (the copies' are above), and it may share the
database with copies made before. Staff data is not copied: accounts, sessions, the audit
trail, history, findings and acknowledgements (a published year keeps no
publisher). The table and column list is read from the database, so a table
added by a later migration is copied too when it follows the same naming
(`id`, `*_id`, `parent_id`, `merged_into`, `municipality_code`).
"""

import argparse
import subprocess

SKIP = {
    "accounts", "sessions", "audit_events", "history", "findings", "check_acknowledgements",
    "sign_in_failures", "hyoka_migrations", "import_mappings",
}
ACCOUNT_REFS = {"account_id", "published_by", "updated_by"}
OFFSET = 100_000_000


def city_code(k):
    five = f"{90000 + k:05d}"
    total = sum(int(d) * w for d, w in zip(five, [6, 5, 4, 3, 2]))
    return five + str((11 - total % 11) % 10)


def psql(url, sql, capture=False):
    out = subprocess.run(
        ["psql", url, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"], input=sql, text=True, check=True,
        capture_output=capture,
    )
    return out.stdout if capture else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--from", dest="source", required=True, help="the source city's code")
    ap.add_argument("--first", type=int, required=True, help="first copy number (1…)")
    ap.add_argument("--last", type=int, required=True, help="last copy number (…8999)")
    a = ap.parse_args()
    assert 1 <= a.first <= a.last <= 8999
    columns = {}
    for line in psql(a.url, """SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' ORDER BY table_name, ordinal_position;""", capture=True).splitlines():
        table, column = line.split("|")
        columns.setdefault(table, []).append(column)
    # The copies as a table: k, code, name.
    values = ",".join(f"({k},'{city_code(k)}','複製市{k}')" for k in range(a.first, a.last + 1))
    sql = [
        "BEGIN;",
        f"CREATE TEMP TABLE copies (k BIGINT, code TEXT, name TEXT); INSERT INTO copies VALUES {values};",
    ]
    # Parents first, so foreign keys hold at each statement.
    order = ["municipalities", "departments", "sections", "evaluation_scales", "plans", "plan_nodes", "items",
             "indicators", "sheets"]
    tables = [t for t in order if t in columns] + sorted(t for t in columns if t not in order and t not in SKIP)
    for table in tables:
        cols = columns[table]
        if table != "municipalities" and "municipality_code" not in cols and not any(
            c == "id" or c.endswith("_id") for c in cols
        ):
            continue
        exprs = []
        for c in cols:
            if table == "municipalities" and c == "code":
                exprs.append("c.code")
            elif table == "municipalities" and c == "name":
                exprs.append("c.name")
            elif c == "municipality_code":
                exprs.append("c.code")
            elif c in ACCOUNT_REFS:
                exprs.append("NULL")
            elif c == "id" or c.endswith("_id") or c == "merged_into":
                exprs.append(f"t.{c} + c.k * {OFFSET}")
            else:
                exprs.append(f"t.{c}")
        # Only the source city's rows: by its code, or by ids below the
        # first copy's (copies made earlier are in the table too).
        if table == "municipalities":
            source = f"t.code = '{a.source}'"
        elif "municipality_code" in cols:
            source = f"t.municipality_code = '{a.source}'"
        else:
            key = "id" if "id" in cols else next(c for c in cols if c.endswith("_id") and c not in ACCOUNT_REFS)
            source = f"t.{key} < {OFFSET}"
        sql.append(
            f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM {table} t CROSS JOIN copies c"
            f" WHERE {source};"
        )
    sql.append("COMMIT;")
    psql(a.url, "\n".join(sql))


if __name__ == "__main__":
    main()
