"""The qbXML 13.0 schema (Intuit's SDK validator XSDs in shared/spec/qbxml/), loaded once per process."""
import os

from lxml import etree

_HERE = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(os.path.dirname(_HERE))


def shared_dir():
    """The shared/ folder: $SETTLEBRIDGE_SHARED_DIR (set by ctest), else ../shared beside the checkout."""
    env = os.environ.get("SETTLEBRIDGE_SHARED_DIR")
    if env:
        return env
    return os.path.normpath(os.path.join(REPO_DIR, "..", "shared"))


def default_xsd_path():
    return os.environ.get("QBXML_XSD") or os.path.join(shared_dir(), "spec", "qbxml", "qbxmlops130.xsd")


_schemas = {}


def load(path=None):
    """The compiled schema for path (default: qbxmlops130.xsd), cached."""
    path = os.path.abspath(path or default_xsd_path())
    schema = _schemas.get(path)
    if schema is None:
        if not os.path.exists(path):
            raise FileNotFoundError(f"qbXML schema not found: {path} (set SETTLEBRIDGE_SHARED_DIR or QBXML_XSD)")
        schema = etree.XMLSchema(etree.parse(path))
        _schemas[path] = schema
    return schema


def validate(tree, path=None):
    """[] when the document is valid, else one "line N: message" string per schema error."""
    return [f"line {e.line}: {e.message}" for e in validate_entries(tree, path)]


def validate_entries(tree, path=None):
    """[] when the document is valid, else lxml's error entries (line, path, message, type_name)."""
    schema = load(path)
    if schema.validate(tree):
        return []
    return list(schema.error_log)
