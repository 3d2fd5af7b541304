"""What QuickBooks Desktop does with the text of a request, its lengths, its permissions and its numbering.

Sources and how sure each rule is (the list in tools/README.md, "Invented or inferred rules", repeats them):

- Raw characters above U+007F. QuickBooks refuses a request that carries them as it refuses XML it cannot parse
  (no response, HRESULT 0x80040400): peers, the consolibyte qbXML FAQ ("Steel Décor" refused, "Steel D&#233;cor"
  accepted) and qbwc/qbxml issue 8 (Chinese, Greek, Cyrillic text: "QuickBooks found an error with the XML").
- Character references above U+00FF (&#8211;). Accepted, but QuickBooks keeps a "?" in their place (qbwc/qbxml
  issue 8: entity-encoded non-ISO-8859-1 text "shows up as question marks"; peer-observed). References up to
  U+00FF are stored as the character (Latin-1 is what QuickBooks keeps).
- A date or a yes/no QuickBooks cannot convert: 3020 / 3010 for that request, "There was an error when converting
  the date value "X" in the field "F"" (Intuit's status-code table, wording and codes).
- A string longer than its field allows: status 3070 for that request, "The string "VALUE" in the field "FIELD"
  is too long." (the code as issue 13 gives it from Intuit's status-code table, whose rows past 3031 we could not
  read here; the message as QuickBooks Desktop wrote it for an Addr1, quoted on BuildOps' help page on sync
  errors). Limits: the maxLength of the schema (qbxml/schema/requests.schema), and for the
  FullName of a reference the lengths in Intuit's annotated listing (qbxmlops130: CustomerRef 209, account
  references 159, CurrencyRef 64, SalesTaxCodeRef 3, PaymentMethodRef 31; ItemRef has none).
- Permissions. 3260 "Insufficient permission level to perform this action." when the QuickBooks user the
  application logs in as may not do a kind of request (wording: several peers' help pages quoting QuickBooks);
  3261 when the application touches personal data (credit card details) without the "access personal data"
  right (code from Intuit's table; the wording here is the simulator's).
- Numbering. An add without a RefNumber gets the next number of its form: the last RefNumber of that form that
  ends in a digit, with that run of digits plus one (same width): "1001" -> "1002", "INV-0099" -> "INV-0100"
  (QuickBooks "increments the last number entered": Intuit's help and peers). A RefNumber that does not end in a
  digit does not move the sequence: INFERRED (no source says what QuickBooks does with it); the acceptance kit
  (tools/qb-acceptance) checks it on a real company file.
"""
import re

from . import schema

PARSE_DETAIL_RAW = ("raw character {char!r} (U+{cp:04X}) at line {line}, column {column}: QuickBooks reads only "
                    "ASCII; write U+00A0..U+00FF as a character reference such as &#233;")

# FullName limits of the references Settlebridge sends (Intuit's annotated listing, QBD).
REF_FULLNAME_LIMITS = {
    "CustomerRef": 209,
    "DepositToAccountRef": 159,
    "RefundFromAccountRef": 159,
    "ARAccountRef": 159,
    "TransferFromAccountRef": 159,
    "TransferToAccountRef": 159,
    "AccountRef": 159,
    "IncomeAccountRef": 159,
    "ExpenseAccountRef": 159,
    "COGSAccountRef": 159,
    "AssetAccountRef": 159,
    "ClassRef": 159,
    "CurrencyRef": 64,
    "SalesTaxCodeRef": 3,
    "CustomerSalesTaxCodeRef": 3,
    "PaymentMethodRef": 31,
    "ItemSalesTaxRef": 31,
    "TemplateRef": 31,
}
# ParentRef depends on the list: a customer's parent is a customer (209), an account's an account (159).
PARENT_LIMITS = {"CustomerAdd": 209, "AccountAdd": 159}

TOO_LONG_TYPE = "SCHEMAV_CVC_MAXLENGTH_VALID"

PERMISSION_MESSAGE = "Insufficient permission level to perform this action."
PERSONAL_DATA_MESSAGE = "The integrated application has no permission to access personal data."
PERSONAL_DATA_ELEMENTS = ("CreditCardInfo", "CreditCardTxnInfo", "SSN")


def raw_text_problem(qbxml):
    """None when every character of the request is ASCII, else a description of the first one that is not."""
    text = qbxml.decode("latin-1") if isinstance(qbxml, bytes) else (qbxml or "")
    if text.isascii():
        return None
    for index, char in enumerate(text):
        if ord(char) > 0x7F:
            line = text.count("\n", 0, index) + 1
            column = index - (text.rfind("\n", 0, index) + 1) + 1
            return PARSE_DETAIL_RAW.format(char=char, cp=ord(char), line=line, column=column)
    return None


def store_as_quickbooks(tree):
    """Characters above U+00FF (sent as references) become "?", as QuickBooks stores them. Returns the count."""
    replaced = 0
    for el in tree.getroot().iter():
        if not isinstance(el.tag, str):
            continue
        if el.text and any(ord(ch) > 0xFF for ch in el.text):
            replaced += sum(1 for ch in el.text if ord(ch) > 0xFF)
            el.text = "".join("?" if ord(ch) > 0xFF else ch for ch in el.text)
        for key, value in el.attrib.items():
            if any(ord(ch) > 0xFF for ch in value):
                el.set(key, "".join("?" if ord(ch) > 0xFF else ch for ch in value))
    return replaced


def _request_of(el):
    """The *Rq element (a child of QBXMLMsgsRq) that holds el."""
    node = el
    while node is not None:
        parent = node.getparent()
        if parent is not None and parent.tag == "QBXMLMsgsRq":
            return node
        node = parent
    return None


def split_value_errors(tree, entries):
    """Schema errors -> ({*Rq element: (code, message)}, [other error texts]).

    QuickBooks answers a value it cannot take with a status for that request, not a parse failure of the document
    (Intuit's status table): a string over its maxLength 3070, a date it cannot convert 3020, a yes/no it cannot
    convert 3010. Every other schema error (structure, order, amounts and quantities, whose codes are not in the
    part of Intuit's table we have) stays a parse failure. lxml may report one bad value twice (the facet, then "not
    a valid value of the atomic type"): one answer per value."""
    types = schema.value_types()
    refused, value_paths, others = {}, set(), []
    for e in entries:
        found = tree.xpath(e.path) if e.path else []
        el = found[0] if found else None
        rq = _request_of(el) if el is not None else None
        answer = None
        if rq is not None and e.type_name == TOO_LONG_TYPE:
            answer = (3070, f'The string "{el.text or ""}" in the field "{el.tag}" is too long.')
        elif rq is not None and types.get(el.tag) == "DATETYPE":
            answer = (3020, f'There was an error when converting the date value "{el.text or ""}" in the field '
                            f'"{el.tag}".')
        elif rq is not None and types.get(el.tag) == "BOOLTYPE":
            answer = (3010, f'There was an error when converting the boolean value "{el.text or ""}" in the field '
                            f'"{el.tag}".')
        if answer is not None:
            value_paths.add(e.path)
            refused.setdefault(rq, answer)
            continue
        others.append(e)
    rest = [f"line {e.line}: {e.message}" for e in others if e.path not in value_paths]
    return refused, rest


def _ref_too_long(rq):
    """(field, value) of the first reference FullName longer than Intuit's listing allows, else None."""
    for el in rq.iter():
        if not isinstance(el.tag, str) or el.tag != "FullName":
            continue
        ref = el.getparent()
        limit = REF_FULLNAME_LIMITS.get(ref.tag)
        if ref.tag == "ParentRef":
            limit = PARENT_LIMITS.get(ref.getparent().tag)
        if limit is not None and len(el.text or "") > limit:
            return "FullName", el.text
    return None


def refusal(ctx, rq):
    """Before a request runs: (3260 or 3261, message) for a permission it lacks, else (3070/3020/3010, message) for
    a value it cannot take, else None."""
    perms = ctx.state.get("permissions") or {}
    name = rq.tag[:-2] if rq.tag.endswith("Rq") else rq.tag
    if name in (perms.get("denied") or []):
        return 3260, PERMISSION_MESSAGE
    if not perms.get("personal_data", False):
        for tag in PERSONAL_DATA_ELEMENTS:
            if rq.find(f".//{tag}") is not None:
                return 3261, PERSONAL_DATA_MESSAGE
    refused = ctx.value_errors.get(rq) if getattr(ctx, "value_errors", None) else None
    if refused:
        return refused
    found = _ref_too_long(rq)
    if found:
        field, value = found
        return 3070, f'The string "{value}" in the field "{field}" is too long.'
    return None


_TRAILING_DIGITS = re.compile(r"^(.*?)(\d+)$", re.S)


def next_ref_number(state, kind):
    """The RefNumber QuickBooks gives an add of `kind` that names none (see the module comment)."""
    for t in reversed(state["transactions"]):
        if t.get("kind") != kind or not t.get("ref_number"):
            continue
        m = _TRAILING_DIGITS.match(t["ref_number"])
        if not m:
            continue  # INFERRED: a number that does not end in a digit does not seed the next one
        head, digits = m.groups()
        following = str(int(digits) + 1).zfill(len(digits))
        candidate = head + following
        return candidate if len(candidate) <= 11 else following[-11:]
    return "1"
