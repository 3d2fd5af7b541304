"""What the Python integration tests of this folder share; each imports it before anything else:

    from integration_support import SOURCE_DIR, bootstrap
    bootstrap("lxml", "zeep")   # the modules the test needs; then tools/ is importable

Debian's python3 has python3-lxml and python3-zeep: when the first python3 on PATH lacks one of the modules a test
needs, the test runs again under /usr/bin/python3. The simulators and the Web Connector emulator are imported from
tools/.
"""
import os
import sys

SOURCE_DIR = os.environ.get("SETTLEBRIDGE_SOURCE_DIR") or \
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def bootstrap(*modules):
    """Puts tools/ on sys.path, then re-runs the test under Debian's python3 when one of `modules` cannot be imported
    (tools/debian_python.py; raises ImportError when that is already the interpreter)."""
    tools = os.path.join(SOURCE_DIR, "tools")
    if tools not in sys.path:
        sys.path.insert(0, tools)
    from debian_python import rerun_under_debian_python
    rerun_under_debian_python(modules, [os.path.abspath(sys.argv[0])] + sys.argv[1:])
