"""python3 -m qbwc_emulator ... (run from tools/) = tools/qbwc_emulator/emulate.py ..."""
import os
import sys

try:
    import lxml  # noqa: F401
    import zeep  # noqa: F401
except ImportError:
    _debian = "/usr/bin/python3"
    if os.path.exists(_debian) and os.path.realpath(sys.executable) != os.path.realpath(_debian):
        os.execv(_debian, [_debian, "-m", "qbwc_emulator"] + sys.argv[1:])
    raise

from qbwc_emulator.emulate import main  # noqa: E402

sys.exit(main())
