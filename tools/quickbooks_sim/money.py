"""Money and number text as qbXML writes it. Money is always int cents here; Decimal only for rates/quantities."""
from decimal import Decimal, InvalidOperation, ROUND_HALF_UP

CENT = Decimal("0.01")


def parse_amount(text):
    """AMTTYPE text ("45.00", "-15.74", "45") -> int cents. Raises ValueError on anything else."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError) as exc:
        raise ValueError(f"not an amount: {text!r}") from exc
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"amount has more than two decimals: {text!r}")
    return int(cents)


def parse_decimal(text):
    """QUANTYPE / PRICETYPE / PERCENTTYPE / FLOATTYPE text -> Decimal."""
    try:
        return Decimal(text.strip())
    except (InvalidOperation, AttributeError) as exc:
        raise ValueError(f"not a number: {text!r}") from exc


def round_cents(value):
    """A Decimal amount in currency units -> int cents, half away from zero (QuickBooks' rounding)."""
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_amount(cents):
    """int cents -> AMTTYPE text with exactly two decimals ("95.85", "-0.40", "0.00")."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(int(cents)), 100)
    return f"{sign}{whole}.{frac:02d}"


def format_decimal(value, min_places=0, max_places=5):
    """A Decimal -> text with at most max_places decimals, trailing zeros dropped down to min_places."""
    quantum = Decimal(1).scaleb(-max_places)
    value = value.quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{value:f}"
    if "." in text:
        whole, frac = text.split(".")
        frac = frac.rstrip("0")
        if len(frac) < min_places:
            frac = frac.ljust(min_places, "0")
        text = whole if not frac else f"{whole}.{frac}"
    elif min_places:
        text = text + "." + "0" * min_places
    if text in ("-0", "-0.00") or (text.startswith("-") and Decimal(text) == 0):
        text = text[1:]
    return text


def format_rate(value):
    """PRICETYPE as QuickBooks returns it: at least two decimals, at most five."""
    return format_decimal(value, min_places=2, max_places=5)


def format_quantity(value):
    """QUANTYPE: as few decimals as needed (QuickBooks returns "3", "1.5")."""
    return format_decimal(value, min_places=0, max_places=5)
