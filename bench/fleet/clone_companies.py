#!/usr/bin/python3
"""Fast set-up for the fleet benchmark: copies template companies into a Settlebridge database by SQL.

Making 10,000 companies through the CLI costs a PBKDF2 hash (about 0.2 s of CPU) per `company add` plus a process
and an import per settlement; this copies rows instead. The template database was made by the real CLI
(`company add`, `import`) and, for the "done" template, by a real Web Connector session that posted its documents;
every copy gets the template's rows with its own company id, name, Web Connector owner/file ids, settlement and
document ids (so each copy has the template's password too). Session history (wc_sessions) is not copied.

    clone_companies.py DB --template NAME=PREFIX:COUNT [--template ...]

Copies company NAME of DB COUNT times as PREFIX0, PREFIX1, ... into DB itself, in one transaction.
"""
import argparse
import sqlite3
import sys
import uuid

# Tables whose rows belong to one company (company_id column) and carry no id of their own that others refer to.
PER_COMPANY = ["category_accounts", "company_options", "qb_items", "qb_accounts", "qb_customers", "sku_items"]


def columns(db, table):
    return [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]


def copy_rows(db, table, where, args, replace):
    """INSERT INTO table SELECT ... FROM table WHERE where, with some columns replaced by SQL expressions."""
    cols = [c for c in columns(db, table) if replace.get(c, c) is not None]
    exprs = [replace.get(c, f'"{c}"') for c in cols]
    db.execute(f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) '
               f'SELECT {", ".join(exprs)} FROM "{table}" WHERE {where}', args)


def clone(db, template, name, id_base):
    tid = db.execute("SELECT id FROM companies WHERE name = ?", (template,)).fetchone()
    if tid is None:
        raise SystemExit(f"clone_companies: no company {template!r} in the template database")
    tid = tid[0]
    new_id = db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM companies").fetchone()[0]
    owner = "{" + str(uuid.uuid4()).upper() + "}"
    file_id = "{" + str(uuid.uuid4()).upper() + "}"
    cols = columns(db, "companies")
    values = ", ".join({"id": "?", "name": "?", "owner_id": "?", "file_id": "?"}.get(c, f'"{c}"') for c in cols)
    params = []
    for c in cols:
        if c == "id":
            params.append(new_id)
        elif c == "name":
            params.append(name)
        elif c == "owner_id":
            params.append(owner)
        elif c == "file_id":
            params.append(file_id)
    db.execute(f'INSERT INTO companies ({", ".join(chr(34) + c + chr(34) for c in cols)}) '
               f'SELECT {values} FROM companies WHERE id = {tid}', params)
    for table in PER_COMPANY:
        copy_rows(db, table, "company_id = ?", (tid,), {"company_id": str(new_id)})
    copy_rows(db, "event_log", "company_id = ?", (tid,), {"id": None, "company_id": str(new_id)})
    # Settlements and documents get fresh ids at id_base + the template's id; references follow.
    off = str(id_base)
    copy_rows(db, "settlements", "company_id = ?", (tid,),
              {"id": f"id + {off}", "company_id": str(new_id), "superseded_by": f"superseded_by + {off}"})
    copy_rows(db, "summaries", "settlement_row IN (SELECT id FROM settlements WHERE company_id = ?)", (tid,),
              {"settlement_row": f"settlement_row + {off}"})
    copy_rows(db, "documents", "company_id = ?", (tid,),
              {"id": f"id + {off}", "company_id": str(new_id), "settlement_row": f"settlement_row + {off}",
               "depends_on": f"depends_on + {off}", "last_session_id": "NULL"})


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("db")
    p.add_argument("--template", action="append", required=True, help="NAME=PREFIX:COUNT")
    a = p.parse_args()
    db = sqlite3.connect(a.db, isolation_level=None)
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("BEGIN IMMEDIATE")
    stride = 1 + max(db.execute("SELECT COALESCE(MAX(id), 0) FROM settlements").fetchone()[0],
                     db.execute("SELECT COALESCE(MAX(id), 0) FROM documents").fetchone()[0])
    made = 0
    for spec in a.template:
        template, _, rest = spec.partition("=")
        prefix, _, count = rest.partition(":")
        for i in range(int(count)):
            made += 1
            clone(db, template, f"{prefix}{i}", stride * made)
    db.execute("COMMIT")
    bad = db.execute("PRAGMA foreign_key_check").fetchall()
    if bad:
        raise SystemExit(f"clone_companies: foreign keys broken after the copy: {bad[:5]}")
    print(f"clone_companies: {made} companies copied into {a.db}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
