"""The qbXML schema (requests and the simulator's answers) the simulated QuickBooks, the Web Connector emulator and the
tests check documents against.

Two sources, both used when both are there:

- The project's own schema, qbxml/schema/requests.schema (always): every request Settlebridge sends and the simulator
  answers, written in the small notation that file's header describes (element order, required elements, repetition,
  lengths, value types, enumerations). It is turned into an XML Schema here (to_xsd), so that lxml and libxml2 check
  it; the C++ tests read the same schema, written by `python3 tools/quickbooks_sim/schema.py --write-xsd FILE` at
  build time.
- Intuit's qbXML 13.0 XSDs (qbxmlops130.xsd and the files it includes) when SETTLEBRIDGE_QBXML_XSD_DIR names a folder
  holding them (or a caller passes the file as xsd_path). They are Intuit's copyright and are not in the repository;
  CI passes ../shared/spec/qbxml when it is there.

A request must pass every schema it is checked against. Requests QuickBooks has but the project schema does not model
(ClassQueryRq, ItemGroupAddRq, ...) pass the simulator's check unexamined (answered 1030 "not supported" by the
engine); the strict form the C++ tests use (strict=True) refuses them, so Settlebridge cannot send one unnoticed.
The same file describes the simulator's answers (QBXMLMsgsRs), which the tests check with validate() as well.

Run as a script: --write-xsd FILE writes the strict XSD; --check FILE... validates qbXML files and prints the errors.
"""
import os
import re
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(os.path.dirname(_HERE))
PROJECT_SCHEMA = os.path.join(REPO_DIR, "qbxml", "schema", "requests.schema")
XSD_DIR_ENV = "SETTLEBRIDGE_QBXML_XSD_DIR"
INTUIT_XSD = "qbxmlops130.xsd"


class SchemaError(ValueError):
    """The project schema file itself is malformed (file, line, what)."""


# ----------------------------------------------------------------------------------------------------------
# The notation (see the header of qbxml/schema/requests.schema)

_OCCURS = {"": (1, 1), "?": (0, 1), "*": (0, None), "+": (1, None)}
_LINE = re.compile(r"^(?P<name>@?[A-Za-z][A-Za-z0-9]*)(?P<occ>[?*+]|\{\d+,(?:\d+|n)\})?(?:\s+(?P<type>\S+))?$")
BASE_TYPES = ("str", "id", "amt", "price", "quan", "percent", "date", "datetime", "bool", "int", "float", "guid",
              "ref")


class Node:
    """An element (kind "element"), an attribute ("attribute") or a group ("seq", "choice")."""

    def __init__(self, kind, name, min_occurs=1, max_occurs=1, vtype=None, line=0):
        self.kind = kind
        self.name = name
        self.min = min_occurs
        self.max = max_occurs           # None: unbounded
        self.vtype = vtype              # leaf value type ("str:41", "amt", "enum A|B", a named type), else None
        self.children = []              # elements and groups, in order
        self.attributes = []
        self.line = line


class Model:
    def __init__(self):
        self.types = {}                 # named type -> type text ("enum A|B|C")
        self.requests = []              # Node per request element (QBXMLMsgsRq), in file order
        self.responses = []             # Node per answer element (QBXMLMsgsRs), in file order

    def request(self, name):
        return next((r for r in self.requests + self.responses if r.name == name), None)


def _occurs(text, where):
    if not text:
        return 1, 1
    if text in _OCCURS:
        return _OCCURS[text]
    low, high = text[1:-1].split(",")
    high_value = None if high == "n" else int(high)
    if high_value is not None and high_value < int(low):
        raise SchemaError(f"{where}: occurrence {text} has a maximum below its minimum")
    return int(low), high_value


def _check_type(vtype, types, where):
    base, _, arg = vtype.partition(":")
    if base == "enum":
        if not arg or any(not v for v in arg.split("|")):
            raise SchemaError(f"{where}: {vtype!r}: an enumeration is enum:A|B|C")
        return
    if base in types and not arg:
        return
    if base not in BASE_TYPES:
        raise SchemaError(f"{where}: unknown value type {vtype!r}")
    if arg and (base not in ("str", "ref") or not arg.isdigit() or int(arg) < 1):
        raise SchemaError(f"{where}: {vtype!r}: only str:N and ref:N take a length, a positive whole number")


def parse(text, source=PROJECT_SCHEMA):
    """The schema notation -> Model. Raises SchemaError with file and line on anything it cannot read."""
    model = Model()
    stack = []          # (indent, node) of open elements and groups
    pending_type = None  # (name, parts, line) of a type definition that may continue on "|" lines
    lines = text.splitlines()
    for number, raw in enumerate(lines, 1):
        where = f"{source}:{number}"
        content = raw.split("#", 1)[0].rstrip()
        if not content.strip():
            continue
        stripped = content.strip()
        if pending_type is not None and raw.startswith(" ") and stripped.startswith("|"):
            pending_type[1].append(stripped)
            continue
        if pending_type is not None:
            model.types[pending_type[0]] = "enum " + "".join(pending_type[1])
            pending_type = None
        indent = len(content) - len(content.lstrip(" "))
        if "\t" in content[:indent + 1]:
            raise SchemaError(f"{where}: indent with spaces, not tabs")
        if indent == 0:
            stack = []
            m = re.match(r"^type\s+([A-Za-z][A-Za-z0-9]*)\s*=\s*enum\s+(\S+)$", stripped)
            if m:
                if m.group(1) in model.types or m.group(1) in BASE_TYPES:
                    raise SchemaError(f"{where}: type {m.group(1)} is defined twice or shadows a base type")
                pending_type = (m.group(1), [m.group(2)], number)
                continue
            m = re.match(r"^(request\s+([A-Za-z][A-Za-z0-9]*Rq)|response\s+([A-Za-z][A-Za-z0-9]*Rs))$", stripped)
            if not m:
                raise SchemaError(f"{where}: expected 'type NAME = enum A|B', 'request NAMERq' or 'response NAMERs', "
                                  f"got {stripped!r}")
            name = m.group(2) or m.group(3)
            if model.request(name) is not None:
                raise SchemaError(f"{where}: {name} is defined twice")
            node = Node("element", name, line=number)
            (model.requests if m.group(2) else model.responses).append(node)
            stack = [(0, node)]
            continue
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if not stack:
            raise SchemaError(f"{where}: indented line outside a request")
        parent = stack[-1][1]
        if parent.vtype is not None and not stripped.startswith("@"):
            raise SchemaError(f"{where}: {parent.name} has a value type, so it cannot hold elements")
        m = _LINE.match(stripped)
        if not m:
            raise SchemaError(f"{where}: cannot read {stripped!r} (NAME[?*+{{m,n}}] [TYPE], @attr[?] TYPE, "
                              "choice[occ], seq[occ])")
        name, occ, vtype = m.group("name"), m.group("occ") or "", m.group("type")
        if name.startswith("@"):
            if occ not in ("", "?") or not vtype:
                raise SchemaError(f"{where}: an attribute is @name or @name? followed by its type")
            _check_type(vtype, model.types, where)
            if vtype.startswith("ref"):
                raise SchemaError(f"{where}: an attribute cannot be a reference")
            if parent.kind != "element" or parent.children:
                raise SchemaError(f"{where}: attributes come first, directly under their element")
            parent.attributes.append(Node("attribute", name[1:], 0 if occ == "?" else 1, 1, vtype, number))
            continue
        low, high = _occurs(occ, where)
        if name in ("choice", "seq"):
            if vtype:
                raise SchemaError(f"{where}: a {name} group has members, not a type")
            node = Node(name, None, low, high, line=number)
        else:
            if vtype:
                _check_type(vtype, model.types, where)
            node = Node("element", name, low, high, vtype, number)
        parent.children.append(node)
        stack.append((indent, node))
    if pending_type is not None:
        model.types[pending_type[0]] = "enum " + "".join(pending_type[1])
    for request in model.requests + model.responses:
        _check_groups(request, source)
    return model


def _check_groups(node, source):
    for child in node.children:
        if child.kind in ("seq", "choice") and not child.children:
            raise SchemaError(f"{source}:{child.line}: an empty {child.kind}")
        _check_groups(child, source)


def load_model(path=None):
    path = path or PROJECT_SCHEMA
    with open(path, encoding="utf-8") as f:
        return parse(f.read(), path)


# ----------------------------------------------------------------------------------------------------------
# To an XML Schema

# Value types (qbXML's own formats; see the header of requests.schema).
_SIMPLE = {
    "str": '<xs:restriction base="xs:string"/>',
    "id": '<xs:restriction base="xs:string"><xs:maxLength value="36"/></xs:restriction>',
    "amt": r'<xs:restriction base="xs:string"><xs:pattern value="|[+\-]?\d{1,13}(\.\d\d)?"/></xs:restriction>',
    "price": r'<xs:restriction base="xs:string"><xs:pattern value="|[+\-]?\d{1,10}(\.\d{1,5})?"/></xs:restriction>',
    "date": '<xs:union memberTypes="xs:date sb.empty"/>',
    "datetime": r'<xs:restriction base="xs:string"><xs:pattern value="|\d{4}-\d{1,2}-\d{1,2}(T\d{1,2}(:\d{1,2}'
                r'(:\d{1,2}([+\-]\d{1,2}:\d{1,2})?)?)?)?"/></xs:restriction>',
    "bool": '<xs:union memberTypes="xs:boolean sb.empty"/>',
    "int": '<xs:restriction base="xs:integer"/>',
    "float": '<xs:union memberTypes="xs:decimal sb.empty"/>',
    "guid": r'<xs:restriction base="xs:string"><xs:pattern value="0|\{[0-9A-Fa-f]{8}(-[0-9A-Fa-f]{4}){3}-'
            r'[0-9A-Fa-f]{12}\}"/></xs:restriction>',
}
_SIMPLE["quan"] = _SIMPLE["price"]
_SIMPLE["percent"] = _SIMPLE["price"]


def _esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def _occ_attrs(node):
    out = ""
    if node.min != 1:
        out += f' minOccurs="{node.min}"'
    if node.max != 1:
        out += ' maxOccurs="unbounded"' if node.max is None else f' maxOccurs="{node.max}"'
    return out


def _type_ref(vtype, model):
    """A leaf's value type -> (type attribute, inline simpleType) for xs:element / xs:attribute."""
    base, _, arg = vtype.partition(":")
    if base in model.types:
        return f' type="sb.{base}"', ""
    if base == "enum":
        enums = "".join(f'<xs:enumeration value="{_esc(v)}"/>' for v in arg.split("|"))
        return "", f'<xs:simpleType><xs:restriction base="xs:string">{enums}</xs:restriction></xs:simpleType>'
    if base == "str" and arg:
        return "", f'<xs:simpleType><xs:restriction base="xs:string"><xs:maxLength value="{arg}"/>' \
                   "</xs:restriction></xs:simpleType>"
    return f' type="sb.{base}"', ""


def _element_xsd(node, model, out):
    if node.kind in ("seq", "choice"):
        tag = "sequence" if node.kind == "seq" else "choice"
        out.append(f"<xs:{tag}{_occ_attrs(node)}>")
        for child in node.children:
            _element_xsd(child, model, out)
        out.append(f"</xs:{tag}>")
        return
    occ = _occ_attrs(node)
    if node.vtype and node.vtype.startswith("ref"):
        _, _, length = node.vtype.partition(":")
        out.append(f'<xs:element name="{node.name}"{occ}><xs:complexType><xs:sequence>'
                   '<xs:element name="ListID" type="sb.id" minOccurs="0"/>')
        if length:
            out.append('<xs:element name="FullName" minOccurs="0"><xs:simpleType><xs:restriction base="xs:string">'
                       f'<xs:maxLength value="{length}"/></xs:restriction></xs:simpleType></xs:element>')
        else:
            out.append('<xs:element name="FullName" type="sb.str" minOccurs="0"/>')
        out.append("</xs:sequence></xs:complexType></xs:element>")
        return
    if node.vtype and not node.attributes:
        type_attr, inline = _type_ref(node.vtype, model)
        out.append(f'<xs:element name="{node.name}"{type_attr}{occ}>{inline}</xs:element>')
        return
    out.append(f'<xs:element name="{node.name}"{occ}>')
    _complex_type_xsd(node, model, out)
    out.append("</xs:element>")


def _attributes_xsd(node, model, out):
    for a in node.attributes:
        use = ' use="required"' if a.min == 1 else ""
        type_attr, inline = _type_ref(a.vtype, model)
        out.append(f'<xs:attribute name="{a.name}"{type_attr}{use}>{inline}</xs:attribute>')


def _complex_type_xsd(node, model, out, name=None):
    named = f' name="{name}"' if name else ""
    if node.vtype:
        # A value with attributes: the value's type, extended.
        type_attr, inline = _type_ref(node.vtype, model)
        base = type_attr.split('"')[1] if type_attr else None
        if base is None:
            raise SchemaError(f"{PROJECT_SCHEMA}:{node.line}: a value with attributes needs a named type, not "
                              f"{node.vtype}")
        out.append(f'<xs:complexType{named}><xs:simpleContent><xs:extension base="{base}">')
        _attributes_xsd(node, model, out)
        out.append("</xs:extension></xs:simpleContent></xs:complexType>")
        return
    out.append(f"<xs:complexType{named}>")
    if node.children:
        out.append("<xs:sequence>")
        for child in node.children:
            _element_xsd(child, model, out)
        out.append("</xs:sequence>")
    _attributes_xsd(node, model, out)
    out.append("</xs:complexType>")


def to_xsd(model, strict=True):
    """The model as an XML Schema document (str).

    strict: QBXMLMsgsRq holds only the modelled requests. Not strict (the simulator's form): it holds any element;
    a modelled request is checked (lax processing finds its global declaration), any other is left to the engine."""
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           "<!-- Generated from qbxml/schema/requests.schema by tools/quickbooks_sim/schema.py; do not edit. -->",
           '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">',
           '<xs:simpleType name="sb.empty"><xs:restriction base="xs:token"><xs:enumeration value=""/>'
           "</xs:restriction></xs:simpleType>"]
    for name, body in _SIMPLE.items():
        out.append(f'<xs:simpleType name="sb.{name}">{body}</xs:simpleType>')
    for name, text in model.types.items():
        values = text.split(" ", 1)[1].split("|")
        enums = "".join(f'<xs:enumeration value="{_esc(v)}"/>' for v in values)
        out.append(f'<xs:simpleType name="sb.{name}"><xs:restriction base="xs:string">{enums}</xs:restriction>'
                   "</xs:simpleType>")
    for element in model.requests + model.responses:
        _complex_type_xsd(element, model, out, name=f"sb.{element.name}")
        if not strict:
            out.append(f'<xs:element name="{element.name}" type="sb.{element.name}"/>')

    def contents(elements):
        if strict:
            out.append('<xs:choice minOccurs="0" maxOccurs="unbounded">')
            for element in elements:
                out.append(f'<xs:element name="{element.name}" type="sb.{element.name}"/>')
            out.append("</xs:choice>")
        else:
            out.append('<xs:sequence><xs:any processContents="lax" minOccurs="0" maxOccurs="unbounded"/>'
                       "</xs:sequence>")
    out.append('<xs:element name="QBXML"><xs:complexType><xs:choice><xs:element name="QBXMLMsgsRq">'
               "<xs:complexType>")
    contents(model.requests)
    out.append('<xs:attribute name="onError" use="required"><xs:simpleType><xs:restriction base="xs:string">'
               '<xs:enumeration value="stopOnError"/><xs:enumeration value="continueOnError"/>'
               '<xs:enumeration value="rollbackOnError"/></xs:restriction></xs:simpleType></xs:attribute>'
               '<xs:attribute name="responseData"><xs:simpleType><xs:restriction base="xs:string">'
               '<xs:enumeration value="includeAll"/><xs:enumeration value="includeNone"/></xs:restriction>'
               "</xs:simpleType></xs:attribute>"
               '<xs:attribute name="newMessageSetID" type="xs:string"/>'
               '<xs:attribute name="oldMessageSetID" type="xs:string"/>'
               '</xs:complexType></xs:element><xs:element name="QBXMLMsgsRs"><xs:complexType>')
    contents(model.responses)
    out.append('<xs:attribute name="newMessageSetID" type="xs:string"/>'
               '<xs:attribute name="messageSetStatusCode" type="xs:integer"/>'
               "</xs:complexType></xs:element></xs:choice></xs:complexType></xs:element>")
    out.append("</xs:schema>")
    return "\n".join(out) + "\n"


def value_types(model=None):
    """Element name -> "DATETYPE" / "BOOLTYPE" for the leaves whose value is a date or a yes/no (status 3020/3010
    when QuickBooks cannot convert one)."""
    model = model or _project()[0]
    found = {}

    def walk(node):
        for child in node.children:
            if child.kind == "element" and child.vtype in ("date", "bool"):
                found[child.name] = "DATETYPE" if child.vtype == "date" else "BOOLTYPE"
            walk(child)
    for request in model.requests:
        walk(request)
    return found


# ----------------------------------------------------------------------------------------------------------
# Validation

_project_cache = {}
_intuit_cache = {}


def _project():
    """(model, lax compiled schema, strict compiled schema) of the project schema, loaded once."""
    cached = _project_cache.get(PROJECT_SCHEMA)
    if cached is None:
        from lxml import etree
        model = load_model()
        lax = etree.XMLSchema(etree.fromstring(to_xsd(model, strict=False).encode("utf-8")))
        strict = etree.XMLSchema(etree.fromstring(to_xsd(model, strict=True).encode("utf-8")))
        cached = (model, lax, strict)
        _project_cache[PROJECT_SCHEMA] = cached
    return cached


def model():
    return _project()[0]


def modelled_requests():
    return {r.name for r in _project()[0].requests}


def intuit_xsd_path(xsd_path=None):
    """Intuit's qbxmlops130.xsd to check against as well: xsd_path when given, else the one in
    $SETTLEBRIDGE_QBXML_XSD_DIR, else None. A folder named but without the file is an error, not a silent skip."""
    if xsd_path:
        return os.path.abspath(xsd_path)
    folder = os.environ.get(XSD_DIR_ENV)
    if not folder:
        return None
    path = os.path.join(folder, INTUIT_XSD)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{XSD_DIR_ENV}={folder}: {INTUIT_XSD} is not there (name the folder that holds "
                                "Intuit's qbXML 13.0 XSDs, or unset it)")
    return os.path.abspath(path)


def load_intuit(path):
    schema = _intuit_cache.get(path)
    if schema is None:
        from lxml import etree
        if not os.path.exists(path):
            raise FileNotFoundError(f"qbXML schema not found: {path}")
        schema = etree.XMLSchema(etree.parse(path))
        _intuit_cache[path] = schema
    return schema


def validate_entries(tree, xsd_path=None, strict=False):
    """[] when the document passes the project schema (and Intuit's, when given), else lxml's error entries (line,
    path, message, type_name), the project schema's first; an error both report once."""
    _, lax, strict_schema = _project()
    entries = []
    project = strict_schema if strict else lax
    if not project.validate(tree):
        entries.extend(project.error_log)
    if not strict:
        entries.extend(_not_requests(tree))
    intuit = intuit_xsd_path(xsd_path)
    if intuit is not None:
        schema = load_intuit(intuit)
        if not schema.validate(tree):
            seen = {(e.line, e.message) for e in entries}
            entries.extend(e for e in schema.error_log if (e.line, e.message) not in seen)
    return entries


class _Entry:
    """An error entry of the simulator's own (lxml's _LogEntry cannot be made)."""

    def __init__(self, line, path, message, type_name):
        self.line, self.path, self.message, self.type_name = line, path, message, type_name


def _not_requests(tree):
    """In the simulator's (lax) form, an element of QBXMLMsgsRq that is no request at all (its name does not end in
    "Rq") is a structure error; a request the project schema does not model is left to the engine (1030). The same
    for answers in QBXMLMsgsRs ("Rs")."""
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    if root.tag != "QBXML":
        return []
    out = []
    for msgs_tag, suffix, what in (("QBXMLMsgsRq", "Rq", "request"), ("QBXMLMsgsRs", "Rs", "answer")):
        msgs = root.find(msgs_tag)
        for el in (msgs if msgs is not None else []):
            if isinstance(el.tag, str) and not el.tag.endswith(suffix):
                out.append(_Entry(el.sourceline, el.getroottree().getpath(el),
                                  f"Element '{el.tag}': This element is not expected (not a qbXML {what}).",
                                  "SCHEMAV_ELEMENT_CONTENT"))
    return out


def validate(tree, xsd_path=None, strict=False):
    """[] when the document is valid, else one "line N: message" string per schema error."""
    return [f"line {e.line}: {e.message}" for e in validate_entries(tree, xsd_path, strict)]


def validate_intuit(tree, xsd_path=None):
    """Intuit's XSDs only: None when no XSD folder is given, else the "line N: message" errors ([] when valid)."""
    path = intuit_xsd_path(xsd_path)
    if path is None:
        return None
    schema = load_intuit(path)
    return [] if schema.validate(tree) else [f"line {e.line}: {e.message}" for e in schema.error_log]


def main(argv):
    import argparse
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--write-xsd", metavar="FILE", help="write the strict XSD of the project schema to FILE")
    p.add_argument("--check", nargs="+", metavar="FILE", help="validate qbXML request files (strict form)")
    args = p.parse_args(argv)
    if not args.write_xsd and not args.check:
        p.error("give --write-xsd FILE or --check FILE...")
    try:
        if args.write_xsd:
            text = to_xsd(load_model(), strict=True)
            tmp = args.write_xsd + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, args.write_xsd)
        status = 0
        for path in args.check or []:
            from lxml import etree
            try:
                errors = validate(etree.parse(path, etree.XMLParser(resolve_entities=False, no_network=True)),
                                  strict=True)
            except (OSError, etree.XMLSyntaxError) as exc:
                errors = [f"not read as XML: {exc}"]
            print(f"{path}: {'valid' if not errors else 'INVALID'}")
            for e in errors:
                print(f"  {e}")
            status = status or (1 if errors else 0)
        return status
    except SchemaError as exc:
        print(f"schema.py: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
