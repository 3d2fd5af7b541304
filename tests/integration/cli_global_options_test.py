#!/usr/bin/python3
"""The real binary's command line (issue 17 part 3): the global options --data-dir, --config and --log-level
before or after the command (and between a group and its subcommand) reach the same data directory; --config names
the properties file whose settlebridge.data_dir every command uses; `COMMAND --help` and `help COMMAND` exit 0 with
the command's options; the bash completion the binary prints completes in a real bash.
"""
import os
import subprocess
import tempfile
import unittest

BIN = os.environ["SETTLEBRIDGE_BIN"]


def run(*args, env_extra=None, expect=0):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SETTLEBRIDGE_")}
    env["HOME"] = env.get("HOME", "/tmp")
    env.update(env_extra or {})
    result = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60, env=env)
    if result.returncode != expect:
        raise AssertionError(f"settlebridge {' '.join(args)}: exit {result.returncode}, expected {expect}\n"
                             f"stdout: {result.stdout}\nstderr: {result.stderr}")
    return result


class GlobalOptions(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sb-cli-global-")
        self.data = os.path.join(self.tmp.name, "data")
        self.password = {"SETTLEBRIDGE_PASSWORD": "correct horse battery"}

    def tearDown(self):
        self.tmp.cleanup()

    def test_before_and_after_the_command(self):
        run("--data-dir", self.data, "company", "add", "Before Books", env_extra=self.password)
        run("company", "add", "After Books", "--data-dir", self.data, env_extra=self.password)
        run("company", "--data-dir=" + self.data, "add", "Between Books", env_extra=self.password)
        self.assertTrue(os.path.exists(os.path.join(self.data, "settlebridge.db")))
        for args in (["--data-dir", self.data, "company", "list"], ["company", "list", "--data-dir", self.data],
                     ["--log-level", "warning", "company", "list", "--data-dir=" + self.data]):
            with self.subTest(args=args):
                names = [line.split("\t")[0] for line in run(*args).stdout.splitlines()]
                self.assertEqual(sorted(names), ["After Books", "Before Books", "Between Books"])
        status = run("--data-dir", self.data, "status").stdout
        self.assertIn("Before Books: held 0 queued 0", status)
        # Only global options go before the command; a bad level is named.
        self.assertIn("unknown option --format before the command", run("--format", "json", "status", expect=2).stderr)
        self.assertIn("--log-level must be one of", run("--log-level", "chatty", "status", "--data-dir", self.data,
                                                        expect=2).stderr)

    def test_config_names_the_data_directory(self):
        config = os.path.join(self.tmp.name, "settlebridge.properties")
        with open(config, "w") as f:
            f.write(f"settlebridge.data_dir = {self.data}\nsettlebridge.port = 8081\n")
        elsewhere = os.path.join(self.tmp.name, "env-data")
        env = dict(self.password, SETTLEBRIDGE_DATA_DIR=elsewhere)
        # --config's data_dir outranks $SETTLEBRIDGE_DATA_DIR; --data-dir outranks both.
        run("--config", config, "company", "add", "Config Books", env_extra=env)
        self.assertTrue(os.path.exists(os.path.join(self.data, "settlebridge.db")))
        self.assertFalse(os.path.exists(elsewhere))
        self.assertIn("Config Books", run("company", "list", "--config", config, env_extra=env).stdout)
        self.assertNotIn("Config Books", run("company", "list", env_extra=env).stdout)
        other = os.path.join(self.tmp.name, "other")
        self.assertNotIn("Config Books", run("--config", config, "company", "list", "--data-dir", other).stdout)
        missing = os.path.join(self.tmp.name, "missing.properties")
        self.assertIn("cannot read the configuration file " + missing,
                      run("--config", missing, "status", expect=2).stderr)

    def test_help_per_command(self):
        for args in (["company", "add", "--help"], ["help", "company", "add"], ["--data-dir", self.data, "company",
                                                                                 "add", "-h"]):
            with self.subTest(args=args):
                out = run(*args).stdout
                self.assertTrue(out.startswith("usage: settlebridge company add NAME [options]"), out)
                for option in ("--mode", "--time-zone", "--customer", "--company-file", "--currency",
                               "--auto-live-days", "--data-dir", "--config", "--log-level"):
                    self.assertIn("  " + option + " ", out)
                self.assertIn("example:\n  printf", out)
        self.assertFalse(os.path.exists(self.data), "help touched the data directory")
        self.assertIn("subcommands:", run("sellercloud", "help").stdout)
        self.assertIn("unknown option --bogus\n\nusage: settlebridge status",
                      run("status", "--bogus", "--data-dir", self.data, expect=2).stderr)

    def test_bash_completion(self):
        script = os.path.join(self.tmp.name, "settlebridge.bash")
        run("completion", "bash", "--out", script)
        def complete(*words):
            line = " ".join("'" + w + "'" for w in words)
            out = subprocess.run(["bash", "-c", f"source {script}; COMP_WORDS=(settlebridge {line}); "
                                  f"COMP_CWORD={len(words)}; _settlebridge; echo \"${{COMPREPLY[*]}}\""],
                                 capture_output=True, text=True, timeout=30, check=True).stdout
            return out.split()
        self.assertIn("sellercloud", complete("s"))
        self.assertEqual(complete("sellercloud", "co"), ["connect", "companies", "columns"])
        self.assertEqual(complete("--data-dir", "/tmp", "ads", "profile", ""), ["set"])
        self.assertEqual(complete("sellercloud", "send", "--ch"), ["--channel"])
        self.assertEqual(complete("sellercloud", "send", "--channel", ""), ["amazon", "walmart"])
        self.assertIn("--log-level", complete("status", "--l"))


if __name__ == "__main__":
    unittest.main()
