"""The Python tools and tests need python3-lxml (the Web Connector emulator also python3-zeep), which Debian's
python3 has; the first python3 on PATH (pyenv, a virtualenv) may not. rerun_under_debian_python() starts the
program again under /usr/bin/python3 then.

    sys.path.insert(0, TOOLS)   # this folder
    from debian_python import rerun_under_debian_python
    rerun_under_debian_python(("lxml", "zeep"), [os.path.abspath(__file__)] + sys.argv[1:])
"""
import importlib
import os
import sys

DEBIAN_PYTHON = "/usr/bin/python3"


def rerun_under_debian_python(modules, argv):
    """Returns when every one of `modules` can be imported. Otherwise replaces this process with Debian's python3
    running `argv` (the command line after the interpreter), or raises the ImportError when this already is it."""
    try:
        for module in modules:
            importlib.import_module(module)
    except ImportError:
        if os.path.exists(DEBIAN_PYTHON) and os.path.realpath(sys.executable) != os.path.realpath(DEBIAN_PYTHON):
            os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON] + argv)
        raise
