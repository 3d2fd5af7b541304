#!/usr/bin/python3
"""Peer baseline: the usual pandas way to summarize a V2 settlement (read_csv + groupby), on the same file.

Reads the whole file into a DataFrame, parses amounts as floats (what most scripts do), groups by
transaction-type / amount-type / amount-description and by SKU, and prints the total.
"""
import sys

import pandas as pd

path = sys.argv[1]
frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
summary = frame.iloc[0]
rows = frame.iloc[1:].copy()
rows["amount"] = pd.to_numeric(rows["amount"].str.replace(",", "", regex=False))
by_category = rows.groupby(["transaction-type", "amount-type", "amount-description"])["amount"].sum()
principal = rows[(rows["amount-type"] == "ItemPrice") & (rows["amount-description"] == "Principal")]
by_sku = principal.groupby("sku").agg(amount=("amount", "sum"), quantity=("quantity-purchased", "count"))
print(f"categories={len(by_category)} skus={len(by_sku)} total={rows['amount'].sum():.2f} "
      f"deposit={summary['total-amount']}")
