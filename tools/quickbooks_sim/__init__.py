"""A simulated QuickBooks Desktop company for Settlebridge's tests (see tools/README.md).

    from quickbooks_sim import Company
    company = Company.new("/tmp/company.json")
    result = company.process(qbxml_request)      # -> engine.Result (response document or HRESULT)
    company.balance("Amazon Clearing")          # int cents
"""
import os as _os
import sys as _sys

try:
    import lxml  # noqa: F401  (python3-lxml, Debian)
except ImportError:
    # "python3 -m quickbooks_sim" under an interpreter without python3-lxml (e.g. a pyenv build first on PATH):
    # run the same command under Debian's python3, which has it.
    _debian = "/usr/bin/python3"
    if (_sys.argv and _sys.argv[0] == "-m" and _os.path.exists(_debian)
            and _os.path.realpath(_sys.executable) != _os.path.realpath(_debian)):
        _os.execv(_debian, [_debian, "-m", __name__] + _sys.argv[1:])
    raise

from .company import Company, SimError, open_locked, DOCUMENT_KINDS, SALES_TAX_MODES
from .engine import Fail, Result, PARSE_HRESULT, PARSE_MESSAGE

__all__ = ["Company", "SimError", "open_locked", "DOCUMENT_KINDS", "SALES_TAX_MODES", "Fail", "Result",
           "PARSE_HRESULT", "PARSE_MESSAGE"]
