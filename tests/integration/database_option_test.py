#!/usr/bin/python3
"""The store on PostgreSQL from the real binary (issue 18 part 2): `--database postgresql://...` and
settlebridge.database of --config put a command's data in that database (and no settlebridge.db in the data
directory); the same database read again by another command, with its schema version; a value that is no
PostgreSQL URI is refused (exit 2) naming the option or the file and key; a server that cannot be reached and a
database that does not exist fail the command (exit 3) with the server's words, the setting's name and never the
password. Needs SETTLEBRIDGE_TEST_DATABASE (tools/run-tests starts a throw-away cluster) and psql; skipped without.
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile
import unittest

BIN = os.environ["SETTLEBRIDGE_BIN"]
BASE = os.environ.get("SETTLEBRIDGE_TEST_DATABASE", "")
PASSWORD = {"SETTLEBRIDGE_PASSWORD": "correct horse battery"}


def run(*args, env_extra=None, expect=0):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SETTLEBRIDGE_")}
    env["HOME"] = env.get("HOME", "/tmp")
    env.update(env_extra or {})
    result = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=120, env=env)
    if result.returncode != expect:
        raise AssertionError(f"settlebridge {' '.join(args)}: exit {result.returncode}, expected {expect}\n"
                             f"stdout: {result.stdout}\nstderr: {result.stderr}")
    return result


def psql(uri, sql):
    return subprocess.run(["psql", uri, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql],
                          capture_output=True, text=True, timeout=60, check=True).stdout.strip()


def with_database(uri, name):
    """The base URI (postgresql://user@/settlebridge?host=...) with another database name."""
    head, _, query = uri.partition("?")
    head = head[:head.rindex("/") + 1] + name
    return head + ("?" + query if query else "")


class DatabaseOption(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sb-database-option-")
        self.data = os.path.join(self.tmp.name, "data")
        self.name = f"cli_{random.randrange(1 << 30)}"
        psql(BASE, f"CREATE DATABASE {self.name}")
        self.uri = with_database(BASE, self.name)

    def tearDown(self):
        psql(BASE, f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
        self.tmp.cleanup()

    def test_commands_use_the_database_the_option_names(self):
        run("--data-dir", self.data, "--database", self.uri, "company", "add", "Postgres Books", env_extra=PASSWORD)
        run("company", "add", "Second Books", "--data-dir", self.data, "--database", self.uri, env_extra=PASSWORD)
        self.assertFalse(os.path.exists(os.path.join(self.data, "settlebridge.db")), "a SQLite file was made")
        self.assertEqual(psql(self.uri, "SELECT string_agg(name, ',' ORDER BY name) FROM companies"),
                         "Postgres Books,Second Books")
        self.assertEqual(psql(self.uri, "SELECT max(version) FROM schema_version"),
                         psql(self.uri, "SELECT count(*) FROM schema_version"))
        names = run("--database", self.uri, "company", "list", "--data-dir", self.data).stdout
        self.assertIn("Postgres Books", names)
        # Names are unique without case on PostgreSQL too (citext), refused as on SQLite.
        refused = run("--data-dir", self.data, "--database", self.uri, "company", "add", "POSTGRES BOOKS",
                      env_extra=PASSWORD, expect=2)
        self.assertIn("already exists", refused.stderr)
        # The same data directory without --database is the SQLite file: empty.
        self.assertNotIn("Postgres Books", run("--data-dir", self.data, "company", "list").stdout)

    def test_config_names_the_database(self):
        config = os.path.join(self.tmp.name, "settlebridge.properties")
        with open(config, "w") as f:
            f.write(f"settlebridge.data_dir = {self.data}\nsettlebridge.database = {self.uri}\n")
        run("--config", config, "company", "add", "Config Books", env_extra=PASSWORD)
        self.assertEqual(psql(self.uri, "SELECT name FROM companies"), "Config Books")
        self.assertIn("Config Books", run("status", "--config", config).stdout)
        with open(config, "w") as f:
            f.write(f"settlebridge.data_dir = {self.data}\nsettlebridge.database = /var/lib/x.db\n")
        error = run("--config", config, "status", expect=2).stderr
        self.assertIn(config + ": settlebridge.database must be a PostgreSQL connection URI", error)

    def test_bad_values_and_unreachable_servers_are_named_without_the_password(self):
        error = run("--data-dir", self.data, "--database", "mysql://x:hunter2@db/sb", "status", expect=2).stderr
        self.assertIn("--database must be a PostgreSQL connection URI", error)
        self.assertNotIn("hunter2", error)
        # No server on this socket folder: refused (exit 3), the setting and the server's words named.
        nowhere = f"postgresql://sb:hunter2@/sb?host={self.tmp.name}&port=1"
        error = run("--data-dir", self.data, "--database", nowhere, "company", "list", expect=3).stderr
        self.assertIn("cannot connect to PostgreSQL (settlebridge.database = postgresql://sb:***@/sb?host=", error)
        self.assertIn("No such file or directory", error)
        self.assertNotIn("hunter2", error)
        missing = with_database(BASE, "no_such_database_here")
        error = run("--data-dir", self.data, "--database", missing, "company", "list", expect=3).stderr
        self.assertIn('database "no_such_database_here" does not exist', error)


if __name__ == "__main__":
    if not BASE:
        print("SKIP: SETTLEBRIDGE_TEST_DATABASE is not set (tools/run-tests starts a throw-away PostgreSQL cluster)")
        sys.exit(77)
    if shutil.which("psql") is None:
        print("SKIP: psql is not installed (apt-get install -y postgresql-client-15)")
        sys.exit(77)
    unittest.main()
