"""qbXML responses written the way QuickBooks Desktop writes them.

QuickBooks' own answers (see tests/data/qbxml/samples/*Rs*.xml and the captured
receiveResponseXML envelope) look like this: an XML declaration with a space before "?>", no qbxml
processing instruction, one element per line, no indentation, empty elements as "<Tag ... />".
"""

XML_DECLARATION = '<?xml version="1.0" ?>'


class E:
    """One element of a response: tag, attributes (ordered), and either text or child elements."""

    __slots__ = ("tag", "attrs", "text", "children")

    def __init__(self, tag, text=None, attrs=None, children=None):
        self.tag = tag
        self.attrs = dict(attrs or {})
        self.text = text
        self.children = list(children or [])

    def add(self, *children):
        for child in children:
            if child is not None:
                self.children.append(child)
        return self

    def child(self, tag):
        for c in self.children:
            if c.tag == tag:
                return c
        return None


def leaf(tag, value):
    """A text element, or None when value is None (so optional fields can be passed straight to add())."""
    if value is None:
        return None
    return E(tag, text=str(value))


def ref(tag, list_id, full_name):
    """A ListRef aggregate as QuickBooks returns it: ListID then FullName."""
    return E(tag, children=[leaf("ListID", list_id), leaf("FullName", full_name)])


def escape_text(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text):
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _write(element, out):
    attrs = "".join(f' {k}="{escape_attr(str(v))}"' for k, v in element.attrs.items())
    if element.children:
        out.append(f"<{element.tag}{attrs}>")
        for child in element.children:
            _write(child, out)
        out.append(f"</{element.tag}>")
    elif element.text is not None and element.text != "":
        out.append(f"<{element.tag}{attrs}>{escape_text(element.text)}</{element.tag}>")
    elif element.text == "":
        out.append(f"<{element.tag}{attrs}></{element.tag}>")
    else:
        out.append(f"<{element.tag}{attrs} />")


def document(responses, msgs_attrs=None):
    """The full response document for a list of *Rs elements."""
    out = [XML_DECLARATION]
    _write(E("QBXML", children=[E("QBXMLMsgsRs", attrs=msgs_attrs, children=responses)]), out)
    return "\n".join(out) + "\n"
