"""QuickBooks Desktop editions: what the US and the Canadian company files have of their own.

Intuit's annotated qbXML 13.0 listing (qbxmlops130.annotated.xml, beside Intuit's XSDs; not in the repository) marks,
per element, the editions that do not have it: "not in QBD" (the US edition), "not in QBCA" (Canada), "not in QBUK"... Each edition's
QuickBooks parses a request against its own element list, so an element of another edition is answered like any
request it cannot parse: HRESULT 0x80040400 (inferred: no Intuit source states the answer; listed in
tools/README.md). EDITION_ONLY below is the listing's table for the requests this simulator answers;
tests/integration/quickbooks_sim_test.py checks it against the listing when SETTLEBRIDGE_QBXML_XSD_DIR holds it.

The UK edition is out of scope (Intuit stopped selling QuickBooks Desktop UK in 2023): a company made with country
"UK" only reports that country; it follows the US edition's element rules.

Default lists per edition (QuickBooks' names; marked inferred in tools/README.md where no Intuit source gives them):
  US: sales tax codes Tax (taxable) and Non (non-taxable); sales tax off until the user turns it on.
  CA: sales tax codes G (GST), H (HST), E (exempt), Z (zero-rated); sales tax on with G the default taxable and
      E the default non-taxable code; home currency Canadian Dollar.
"""

# QuickBooks edition per HostRet Country.
EDITIONS = {"US": "QBD", "CA": "QBCA", "UK": "QBD"}

# Element path below the request (e.g. "SalesReceiptAdd/IsTaxIncluded") -> the editions that do NOT have it,
# for the requests the simulator answers (the annotated listing's "not in ..." notes; QBOE/QBAU left out).
EDITION_ONLY = {
    "AccountAddRq/AccountAdd/DetailAccountType": {"QBD", "QBCA"},
    "AccountAddRq/AccountAdd/SalesTaxCodeRef": {"QBD"},
    "CustomerAddRq/CustomerAdd/Suffix": {"QBD", "QBCA"},
    "CustomerAddRq/CustomerAdd/PrintAs": {"QBD", "QBCA"},
    "CustomerAddRq/CustomerAdd/Mobile": {"QBD", "QBCA"},
    "CustomerAddRq/CustomerAdd/Pager": {"QBD", "QBCA"},
    "CustomerAddRq/CustomerAdd/ItemSalesTaxRef": {"QBCA"},
    "CustomerAddRq/CustomerAdd/SalesTaxCountry": {"QBD"},
    "CustomerAddRq/CustomerAdd/IsStatementWithParent": {"QBD", "QBCA"},
    "CustomerAddRq/CustomerAdd/DeliveryMethod": {"QBD", "QBCA"},
    "CustomerAddRq/CustomerAdd/TaxRegistrationNumber": {"QBD"},
    "ItemServiceAddRq/ItemServiceAdd/IsTaxIncluded": {"QBD"},
    "ItemServiceAddRq/ItemServiceAdd/SalesAndPurchase/PurchaseTaxCodeRef": {"QBD"},
    "ItemNonInventoryAddRq/ItemNonInventoryAdd/IsTaxIncluded": {"QBD"},
    "ItemNonInventoryAddRq/ItemNonInventoryAdd/SalesAndPurchase/PurchaseTaxCodeRef": {"QBD"},
    "ItemOtherChargeAddRq/ItemOtherChargeAdd/IsTaxIncluded": {"QBD"},
    "ItemOtherChargeAddRq/ItemOtherChargeAdd/SalesAndPurchase/PurchaseTaxCodeRef": {"QBD"},
    "SalesReceiptAddRq/SalesReceiptAdd/IsTaxIncluded": {"QBD"},
    "SalesReceiptAddRq/SalesReceiptAdd/SalesReceiptLineAdd/TaxAmount": {"QBD", "QBCA"},
    "SalesReceiptAddRq/SalesReceiptAdd/SalesReceiptLineAdd/IsTaxable": {"QBD", "QBCA"},
    "SalesReceiptAddRq/SalesReceiptAdd/SalesReceiptLineGroupAdd/Desc": {"QBD", "QBCA"},
    "SalesReceiptAddRq/SalesReceiptAdd/SalesReceiptLineGroupAdd/ServiceDate": {"QBD", "QBCA"},
    "SalesReceiptAddRq/SalesReceiptAdd/DiscountLineAdd": {"QBD", "QBCA"},
    "SalesReceiptAddRq/SalesReceiptAdd/SalesTaxLineAdd": {"QBD", "QBCA"},
    "SalesReceiptAddRq/SalesReceiptAdd/ShippingLineAdd": {"QBD", "QBCA"},
    "CreditMemoAddRq/CreditMemoAdd/IsTaxIncluded": {"QBD"},
    "CreditMemoAddRq/CreditMemoAdd/CreditMemoLineAdd/TaxAmount": {"QBD", "QBCA"},
    "CreditMemoAddRq/CreditMemoAdd/CreditMemoLineAdd/IsTaxable": {"QBD", "QBCA"},
    "CreditMemoAddRq/CreditMemoAdd/CreditMemoLineGroupAdd/Desc": {"QBD", "QBCA"},
    "CreditMemoAddRq/CreditMemoAdd/CreditMemoLineGroupAdd/ServiceDate": {"QBD", "QBCA"},
    "CreditMemoAddRq/CreditMemoAdd/DiscountLineAdd": {"QBD", "QBCA"},
    "CreditMemoAddRq/CreditMemoAdd/SalesTaxLineAdd": {"QBD", "QBCA"},
    "CreditMemoAddRq/CreditMemoAdd/ShippingLineAdd": {"QBD", "QBCA"},
    # What the bookkeeper enters by hand (banking.py).
    "CreditCardChargeAddRq/CreditCardChargeAdd/IsTaxIncluded": {"QBD"},
    "CreditCardChargeAddRq/CreditCardChargeAdd/SalesTaxCodeRef": {"QBD"},
    "CreditCardChargeAddRq/CreditCardChargeAdd/ExpenseLineAdd/TaxAmount": {"QBD", "QBCA"},
    "CreditCardChargeAddRq/CreditCardChargeAdd/ExpenseLineAdd/SalesTaxCodeRef": {"QBD"},
    "CreditCardChargeAddRq/CreditCardChargeAdd/ItemLineAdd/LinkToTxn": {"QBD", "QBCA"},
    "CreditCardChargeAddRq/CreditCardChargeAdd/ItemLineAdd/TaxAmount": {"QBD", "QBCA"},
    "CreditCardChargeAddRq/CreditCardChargeAdd/ItemLineAdd/SalesTaxCodeRef": {"QBD"},
    "CreditCardChargeAddRq/CreditCardChargeAdd/ItemGroupLineAdd/Desc": {"QBD", "QBCA"},
    # The tax-code experiment of the real-QuickBooks kit (journal.py).
    "JournalEntryAddRq/JournalEntryAdd/Memo": {"QBD", "QBCA"},
    "JournalEntryAddRq/JournalEntryAdd/JournalDebitLine/TaxAmount": {"QBD", "QBCA"},
    "JournalEntryAddRq/JournalEntryAdd/JournalDebitLine/ItemSalesTaxRef": {"QBD"},
    "JournalEntryAddRq/JournalEntryAdd/JournalCreditLine/TaxAmount": {"QBD", "QBCA"},
    "JournalEntryAddRq/JournalEntryAdd/JournalCreditLine/ItemSalesTaxRef": {"QBD"},
    "CheckAddRq/CheckAdd/IsTaxIncluded": {"QBD"},
    "CheckAddRq/CheckAdd/SalesTaxCodeRef": {"QBD"},
    "CheckAddRq/CheckAdd/ExpenseLineAdd/TaxAmount": {"QBD", "QBCA"},
    "CheckAddRq/CheckAdd/ExpenseLineAdd/SalesTaxCodeRef": {"QBD"},
    "CheckAddRq/CheckAdd/ItemLineAdd/TaxAmount": {"QBD", "QBCA"},
    "CheckAddRq/CheckAdd/ItemLineAdd/SalesTaxCodeRef": {"QBD"},
    "CheckAddRq/CheckAdd/ItemLineAdd/LinkToTxn": {"QBD", "QBCA"},
    "CheckAddRq/CheckAdd/ItemGroupLineAdd/Desc": {"QBD", "QBCA"},
}

# Response aggregates one edition does not send (same listing): PreferencesRet/MultiLocationInventoryPreferences is
# not in QBCA; SalesTaxCodeRet/ItemPurchaseTaxRef and ItemSalesTaxRef are not in QBD.

# Per edition: the product name HostRet reports, the home currency, the company's address, the default sales tax
# codes (name, taxable, description) and the sales-tax preference of a new company file.
DEFAULTS = {
    "US": {"product": "QuickBooks Pro 2014", "home_currency": "US Dollar",
           "address": ("Seattle", "WA", "98101", "US"),
           "tax_codes": [("Tax", True, "Taxable Sales"), ("Non", False, "Non-Taxable Sales")],
           "taxable_code": "Tax", "non_taxable_code": "Non", "sales_tax_mode": "off", "sales_tax_rate": "0"},
    "CA": {"product": "QuickBooks Pro 2014 Canadian Edition", "home_currency": "Canadian Dollar",
           "address": ("Toronto", "ON", "M5V 2T6", "Canada"),
           "tax_codes": [("G", True, "GST"), ("H", True, "HST"), ("E", False, "Exempt"),
                         ("Z", False, "Zero-rated")],
           "taxable_code": "G", "non_taxable_code": "E", "sales_tax_mode": "taxable-lines", "sales_tax_rate": "5"},
}
DEFAULTS["UK"] = dict(DEFAULTS["US"], product="QuickBooks Pro 2014 UK Edition", home_currency="British Pound Sterling",
                      address=("London", "", "EC1A 1BB", "UK"))


def edition_of(country):
    return EDITIONS.get((country or "US").upper(), "QBD")


def defaults(country):
    return DEFAULTS.get((country or "US").upper(), DEFAULTS["US"])


def foreign_elements(rq, country):
    """Paths of elements of the request `rq` (an lxml element, e.g. <SalesReceiptAddRq>) that the company's edition
    does not have: [] when every element is the edition's."""
    edition = edition_of(country)
    found = []

    def walk(el, path):
        for child in el:
            if not isinstance(child.tag, str):
                continue
            p = f"{path}/{child.tag}"
            if edition in EDITION_ONLY.get(p, ()):
                found.append(p)
                continue
            walk(child, p)

    walk(rq, rq.tag)
    return found
