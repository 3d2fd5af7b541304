#!/usr/bin/python3
"""Generate a realistic Amazon settlement report: Flat File V2 (GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2) or the
legacy flat file "V1" (GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE, 36 or 33 columns).

Used for the bundled demo samples, the benchmark's large file (~150,000 orders, ~900k rows, ~160 MB) and the
project-made test settlements (tests/data/settlements/made/make.sh).
The output balances exactly: the summary row's total-amount is the sum of every amount row, computed in
integer cents. Row vocabulary follows what real V2 files carry (see shared/research/settlement.md §a.5):
orders with principal, tax, shipping, marketplace-facilitator withholding, commission, FBA fees and
promotions; refunds with commission give-back and refund commission; storage, subscription, advertising,
reimbursements and a reserve hold/release.

usage: generate_settlement.py --orders N [--seed S] [--settlement-id ID] [--start YYYY-MM-DD]
                              [--days D] [--marketplace Amazon.com] [--currency USD] [--eu]
                              [--no-account-rows] [--row SPEC]... [--tax-rate PCT] [--facilitator-every N]
                              [--ad-spend CENTS --ad-tax-rate PCT] [--layout v2|v1|v1-33]
                              [--encoding utf-8|cp1252] [--eu-dates] [--sku-prefix P] OUT

Scenario options (for the carried-balance and tax tests; without them the output is what it always was):
  --no-account-rows      leave out the storage, subscription, advertising, reimbursement and reserve rows
  --row SPEC             an account-level row of your own, repeatable, in file order:
                         "TRANSACTION-TYPE|AMOUNT-TYPE|AMOUNT-DESCRIPTION|AMOUNT[|YYYY-MM-DD HH:MM:SS]"
                         (amount with a decimal point, e.g. -321.69; the time in UTC, default the settlement's
                         middle day), e.g. "other-transaction|other-transaction|Payable to Amazon|-321.69"
  --tax-rate PCT         sales tax the seller collects through Amazon (ItemPrice/Tax, e.g. 13 for Ontario HST) on
                         every order outside Amazon.com (Amazon.com keeps its 7 % with facilitator withholding)
  --facilitator-every N  with --tax-rate: every Nth order's tax is withheld by Amazon as marketplace facilitator
                         (ItemWithheldTax/MarketplaceFacilitatorTax-Principal), netting that tax to zero
  --ad-spend CENTS       one advertising charge (ServiceFee/Cost of Advertising/TransactionTotalAmount, negative)
  --ad-tax-rate PCT      with --ad-spend: the GST/HST Amazon charges on it (ServiceFee/Cost of Advertising/TaxAmount)

Layout and encoding options (without them: V2, UTF-8, as always):
  --layout v1            the legacy wide layout, 36 columns: one line per amount, each in its own column
                         (price-amount, item-related-fee-amount, promotion-amount, other-fee-amount, other-amount),
                         a quantity line before each order item, account rows named by their transaction-type
                         (Payable to Amazon, Successful charge, Storage Fee ...), ISO 8601 dates (+00:00)
  --layout v1-33         the same without the promotion-id/-type/-amount columns (no promotion rows)
  --eu                   1.234,56 amounts and dd.MM.yyyy HH:MM:SS UTC dates
  --eu-dates             dd.MM.yyyy HH:MM:SS UTC dates only (as Amazon.in writes them), amounts with a point
  --encoding cp1252      write Windows-1252 bytes (as Seller Central's downloads may be); with --sku-prefix
                         "CRÈME" the SKUs carry characters outside ASCII
  --sku-prefix P         SKU stem (default SB): P-0001-BLK ...
"""
import argparse
import datetime as dt
import random
import sys

HEADER = ["settlement-id", "settlement-start-date", "settlement-end-date", "deposit-date", "total-amount",
          "currency", "transaction-type", "order-id", "merchant-order-id", "adjustment-id", "shipment-id",
          "marketplace-name", "amount-type", "amount-description", "amount", "fulfillment-id", "posted-date",
          "posted-date-time", "order-item-code", "merchant-order-item-id", "merchant-adjustment-item-id", "sku",
          "quantity-purchased", "promotion-id"]

V1_HEADER = ["settlement-id", "settlement-start-date", "settlement-end-date", "deposit-date", "total-amount",
             "currency", "transaction-type", "order-id", "merchant-order-id", "adjustment-id", "shipment-id",
             "marketplace-name", "shipment-fee-type", "shipment-fee-amount", "order-fee-type", "order-fee-amount",
             "fulfillment-id", "posted-date", "order-item-code", "merchant-order-item-id",
             "merchant-adjustment-item-id", "sku", "quantity-purchased", "price-type", "price-amount",
             "item-related-fee-type", "item-related-fee-amount", "misc-fee-amount", "other-fee-amount",
             "other-fee-reason-description", "promotion-id", "promotion-type", "promotion-amount",
             "direct-payment-type", "direct-payment-amount", "other-amount"]
V1_33_HEADER = [c for c in V1_HEADER if c not in ("promotion-id", "promotion-type", "promotion-amount")]


def money(cents, eu):
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    whole, frac = divmod(cents, 100)
    if eu:
        digits = f"{whole:,}".replace(",", ".")
        return f"{sign}{digits},{frac:02d}"
    return f"{sign}{whole}.{frac:02d}"


def stamp(when, eu, iso=False):
    if eu:
        return when.strftime("%d.%m.%Y %H:%M:%S UTC")
    return when.strftime("%Y-%m-%dT%H:%M:%S+00:00") if iso else when.strftime("%Y-%m-%d %H:%M:%S UTC")


def day(when, eu):
    return when.strftime("%d.%m.%Y") if eu else when.strftime("%Y-%m-%d")


def parse_row(spec):
    """--row "TYPE|AMOUNT-TYPE|DESCRIPTION|AMOUNT[|YYYY-MM-DD HH:MM:SS]" -> (type, amount type, description, cents,
    datetime or None)."""
    parts = spec.split("|")
    if len(parts) not in (4, 5) or not all(parts[:3]):
        raise SystemExit(f"--row {spec!r}: expected TYPE|AMOUNT-TYPE|DESCRIPTION|AMOUNT[|YYYY-MM-DD HH:MM:SS]")
    text = parts[3].strip()
    negative = text.startswith("-")
    whole, _, frac = text.lstrip("+-").partition(".")
    if not whole.isdigit() or not (frac == "" or (frac.isdigit() and len(frac) == 2)):
        raise SystemExit(f"--row {spec!r}: the amount must look like -321.69")
    cents = int(whole) * 100 + (int(frac) if frac else 0)
    when = dt.datetime.fromisoformat(parts[4]) if len(parts) == 5 else None
    return parts[0], parts[1], parts[2], -cents if negative else cents, when


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--orders", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--settlement-id", default="25000000017")
    ap.add_argument("--start", default="2026-09-24")
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--marketplace", default="Amazon.com")
    ap.add_argument("--currency", default="USD")
    ap.add_argument("--skus", type=int, default=300)
    ap.add_argument("--eu", action="store_true", help="write 1.234,56 amounts and dd.MM.yyyy dates")
    ap.add_argument("--no-account-rows", action="store_true")
    ap.add_argument("--row", action="append", default=[])
    ap.add_argument("--tax-rate", type=int, default=0)
    ap.add_argument("--facilitator-every", type=int, default=0)
    ap.add_argument("--ad-spend", type=int, default=0)
    ap.add_argument("--ad-tax-rate", type=int, default=0)
    ap.add_argument("--layout", choices=("v2", "v1", "v1-33"), default="v2")
    ap.add_argument("--encoding", choices=("utf-8", "cp1252"), default="utf-8")
    ap.add_argument("--eu-dates", action="store_true")
    ap.add_argument("--sku-prefix", default="SB")
    args = ap.parse_args()
    if args.layout != "v2" and args.facilitator_every:
        raise SystemExit("--facilitator-every: the legacy layout has no withheld-tax column")
    extra_rows = [parse_row(spec) for spec in args.row]

    rnd = random.Random(args.seed)
    start = dt.datetime.fromisoformat(args.start).replace(hour=7, minute=10, second=9)
    end = start + dt.timedelta(days=args.days)
    deposit = end + dt.timedelta(days=2)
    span = int((end - start).total_seconds())
    sid = args.settlement_id
    eu = args.eu
    eu_dates = eu or args.eu_dates
    v1 = args.layout != "v2"
    us = args.marketplace == "Amazon.com" and not v1
    skus = [(f"{args.sku_prefix}-{i:04d}-{rnd.choice(['BLK', 'WHT', 'RED', 'BLU'])}", rnd.randint(899, 8999))
            for i in range(args.skus)]

    total = 0
    body = []
    out = open(args.out, "w", encoding=args.encoding, newline="\n") if args.out != "-" else sys.stdout
    # The summary row needs the total, which is only known at the end: write rows to a temp list in chunks
    # would hold the file in memory, so write the body to a second file and stitch.
    tmp_path = args.out + ".body" if args.out != "-" else None
    body = open(tmp_path, "w", encoding=args.encoding, newline="\n") if tmp_path else None
    rows = []
    header = V1_HEADER if args.layout == "v1" else V1_33_HEADER if args.layout == "v1-33" else HEADER
    quantity_lines = set()  # V1: order items whose quantity line is written

    def write(line):
        if body:
            body.write(line + "\n")
        else:
            rows.append(line)

    def emit(ttype, order_id, adj_id, ship_id, atype, adesc, cents, when, item_code, sku, qty, promo=""):
        nonlocal total
        if v1:
            return emit_v1(ttype, order_id, adj_id, ship_id, atype, adesc, cents, when, item_code, sku, qty, promo)
        total += cents
        write("\t".join([sid, "", "", "", "", "", ttype, order_id, order_id if order_id else "", adj_id, ship_id,
                         args.marketplace if order_id else "", atype, adesc, money(cents, eu),
                         "AFN" if sku else "", day(when, eu_dates), stamp(when, eu_dates), item_code, "", "", sku,
                         str(qty) if qty else "", promo]))

    def emit_v1(ttype, order_id, adj_id, ship_id, atype, adesc, cents, when, item_code, sku, qty, promo):
        """One V2-shaped row as the legacy layout writes it: the amount in the column of its kind."""
        nonlocal total
        if atype == "Promotion" and args.layout == "v1-33":
            return  # the 33-column layout has no promotion columns
        total += cents
        cells = dict.fromkeys(header, "")
        cells["settlement-id"] = sid
        if order_id:
            cells.update({"order-id": order_id, "merchant-order-id": order_id, "shipment-id": ship_id,
                          "marketplace-name": args.marketplace, "fulfillment-id": "AFN", "order-item-code": item_code})
        cells["posted-date"] = stamp(when, eu_dates, iso=True)
        cells["sku"] = sku
        amount = money(cents, eu)
        if ttype in ("Order", "Refund"):
            cells["transaction-type"] = ttype
            if ttype == "Refund":
                cells["adjustment-id"] = adj_id
                cells["merchant-adjustment-item-id"] = adj_id[-10:] + item_code[-9:]
            key = (ttype, order_id, item_code)
            if ttype == "Order" and key not in quantity_lines:
                quantity_lines.add(key)  # the item's units, on a line of their own before its amounts
                write("\t".join(cells[c] for c in header[:22]) + "\t" + str(qty) + "\t" * (len(header) - 23))
            if atype == "ItemPrice":
                cells["price-type"], cells["price-amount"] = adesc, amount
            elif atype == "ItemFees":
                cells["item-related-fee-type"], cells["item-related-fee-amount"] = adesc, amount
            elif atype == "Promotion":
                cells["promotion-id"], cells["promotion-type"], cells["promotion-amount"] = promo, adesc, amount
            else:
                raise SystemExit(f"--layout {args.layout}: no column for {atype}/{adesc}")
        elif ttype == "ServiceFee":
            cells["transaction-type"] = "ServiceFee"
            if adesc == "TaxAmount":
                cells["other-fee-amount"], cells["other-fee-reason-description"] = amount, "TaxAmount"
            else:
                cells["item-related-fee-type"], cells["item-related-fee-amount"] = atype, amount
        else:
            # Account-level rows: the legacy layout names them in transaction-type, the money in other-amount.
            cells["transaction-type"] = adesc
            cells["quantity-purchased"] = str(qty) if qty else ""
            cells["other-amount"] = amount
        write("\t".join(cells[c] for c in header))

    item_seq = 60000000000000
    refunds = []
    for n in range(args.orders):
        when = start + dt.timedelta(seconds=rnd.randrange(span))
        order_id = f"{rnd.randint(111, 114)}-{rnd.randint(1000000, 9999999)}-{rnd.randint(1000000, 9999999)}"
        ship_id = "".join(rnd.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789") for _ in range(9))
        for _ in range(1 if rnd.random() < 0.85 else 2):
            sku, price = rnd.choice(skus)
            qty = 1 if rnd.random() < 0.9 else 2
            item_seq += rnd.randint(1, 97)
            code = str(item_seq)
            principal = price * qty
            emit("Order", order_id, "", ship_id, "ItemPrice", "Principal", principal, when, code, sku, qty)
            tax = principal * 7 // 100 if us else principal * args.tax_rate // 100
            withheld = us or (args.facilitator_every > 0 and (n + 1) % args.facilitator_every == 0)
            if tax:
                emit("Order", order_id, "", ship_id, "ItemPrice", "Tax", tax, when, code, sku, qty)
            shipping = 499 if rnd.random() < 0.25 else 0
            if shipping:
                emit("Order", order_id, "", ship_id, "ItemPrice", "Shipping", shipping, when, code, sku, qty)
                emit("Order", order_id, "", ship_id, "Promotion", "Shipping", -shipping, when, code, sku, qty,
                     "Free shipping " + str(rnd.randint(1000, 9999)))
            if tax and withheld:
                emit("Order", order_id, "", ship_id, "ItemWithheldTax", "MarketplaceFacilitatorTax-Principal", -tax,
                     when, code, sku, qty)
            emit("Order", order_id, "", ship_id, "ItemFees", "Commission", -(principal * 15 // 100), when, code,
                 sku, qty)
            emit("Order", order_id, "", ship_id, "ItemFees", "FBAPerUnitFulfillmentFee", -(322 + 50 * qty), when,
                 code, sku, qty)
            if rnd.random() < 0.03:
                refunds.append((order_id, ship_id, code, sku, qty, principal, tax, withheld))
    for order_id, ship_id, code, sku, qty, principal, tax, withheld in refunds:
        when = start + dt.timedelta(seconds=rnd.randrange(span))
        adj = str(rnd.randint(10**13, 10**14 - 1))
        emit("Refund", order_id, adj, ship_id, "ItemPrice", "Principal", -principal, when, code, sku, qty)
        if tax:
            emit("Refund", order_id, adj, ship_id, "ItemPrice", "Tax", -tax, when, code, sku, qty)
        if tax and withheld:
            emit("Refund", order_id, adj, ship_id, "ItemWithheldTax", "MarketplaceFacilitatorTax-Principal", tax,
                 when, code, sku, qty)
        commission = principal * 15 // 100
        emit("Refund", order_id, adj, ship_id, "ItemFees", "Commission", commission, when, code, sku, qty)
        emit("Refund", order_id, adj, ship_id, "ItemFees", "RefundCommission", -min(500, commission // 5), when,
             code, sku, qty)
    mid = start + dt.timedelta(days=args.days // 2)
    scale = max(1, args.orders // 40)
    if args.ad_spend:
        emit("ServiceFee", "", "", "", "Cost of Advertising", "TransactionTotalAmount", -args.ad_spend, mid, "", "", 0)
        if args.ad_tax_rate:
            emit("ServiceFee", "", "", "", "Cost of Advertising", "TaxAmount", -(args.ad_spend * args.ad_tax_rate // 100),
                 mid, "", "", 0)
    for ttype, atype, desc, cents, when in extra_rows:
        emit(ttype, "", "", "", atype, desc, cents, when or mid, "", "", 0)
    if args.no_account_rows:
        return finish(args, out, body, tmp_path, rows, sid, start, end, deposit, total, eu)
    emit("other-transaction", "", "", "", "other-transaction", "Storage Fee", -(1234 * scale), mid, "", "", 0)
    emit("other-transaction", "", "", "", "other-transaction", "Subscription Fee", -3999, start, "", "", 0)
    emit("ServiceFee", "", "", "", "Cost of Advertising", "TransactionTotalAmount", -(2150 * scale), mid, "", "", 0)
    reimbursed_sku = skus[0][0]
    emit("other-transaction", "", "", "", "FBA Inventory Reimbursement", "WAREHOUSE_DAMAGE", 1525, mid, "",
         reimbursed_sku, 1)
    emit("other-transaction", "", "", "", "other-transaction", "Previous Reserve Amount Balance", 5000 * scale,
         start, "", "", 0)
    emit("other-transaction", "", "", "", "other-transaction", "Current Reserve Amount", -(5100 * scale), end, "",
         "", 0)
    return finish(args, out, body, tmp_path, rows, sid, start, end, deposit, total, eu)


def finish(args, out, body, tmp_path, rows, sid, start, end, deposit, total, eu):
    header = V1_HEADER if args.layout == "v1" else V1_33_HEADER if args.layout == "v1-33" else HEADER
    dates, iso = eu or args.eu_dates, args.layout != "v2"
    summary = "\t".join([sid, stamp(start, dates, iso), stamp(end, dates, iso), stamp(deposit, dates, iso),
                         money(total, eu), args.currency] + [""] * (len(header) - 6))
    out.write("\t".join(header) + "\n")
    out.write(summary + "\n")
    if body:
        body.close()
        with open(tmp_path, encoding=args.encoding) as f:
            while True:
                chunk = f.read(1 << 20)
                if not chunk:
                    break
                out.write(chunk)
        import os
        os.remove(tmp_path)
    else:
        out.write("\n".join(rows) + "\n")
    if out is not sys.stdout:
        out.close()
    print(f"settlement {sid}: total {money(total, False)} {args.currency}", file=sys.stderr)
    return total


if __name__ == "__main__":
    main()
