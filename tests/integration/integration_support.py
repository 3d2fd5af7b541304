"""What the Python integration tests of this folder share; each imports it before anything else:

    from integration_support import SOURCE_DIR, bootstrap
    bootstrap("lxml", "zeep")   # the modules the test needs; then tools/ is importable

Debian's python3 has python3-lxml and python3-zeep: when the first python3 on PATH lacks one of the modules a test
needs, the test runs again under /usr/bin/python3. The simulators and the Web Connector emulator are imported from
tools/.
"""
import importlib
import os
import sys

SOURCE_DIR = os.environ.get("SETTLEBRIDGE_SOURCE_DIR") or \
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def bootstrap(*modules):
    """Re-runs the test under Debian's python3 when one of `modules` cannot be imported (raises ImportError when
    that is already the interpreter); then puts tools/ on sys.path."""
    try:
        for module in modules:
            importlib.import_module(module)
    except ImportError:
        debian = "/usr/bin/python3"
        if os.path.exists(debian) and os.path.realpath(sys.executable) != os.path.realpath(debian):
            os.execv(debian, [debian, os.path.abspath(sys.argv[0])] + sys.argv[1:])
        raise
    tools = os.path.join(SOURCE_DIR, "tools")
    if tools not in sys.path:
        sys.path.insert(0, tools)
