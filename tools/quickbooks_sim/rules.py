"""The rule table (rules.json, beside this file): which item types a sales line may use, which account types each
account reference accepts, which name lists share one name space. The planner's C++ fake reads the same file, so the
two simulated QuickBooks cannot disagree; the product's own table is checked against it by a unit test."""
import json
import os

RULES_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rules.json")

with open(RULES_PATH, encoding="utf-8") as _f:
    RULES = json.load(_f)

ITEM_TYPES = tuple(RULES["item_types"])
SALES_LINE_ITEM_TYPES = frozenset(RULES["sales_line_item_types"]["types"])
ACCOUNT_ROLES = {role: frozenset(spec["types"]) for role, spec in RULES["account_roles"].items()}
NAME_LISTS = tuple(RULES["name_lists"]["lists"])


def account_allowed(role, account_type):
    """True when an account of `account_type` may stand in a reference of `role` (deposit, refund, transfer, item)."""
    return account_type in ACCOUNT_ROLES[role]
