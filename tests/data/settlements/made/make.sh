#!/usr/bin/env bash
# Makes the project-made settlement reports of this folder with tools/generate_settlement.py (seeded: the same
# bytes every time; tests/integration/made_settlements_test.py checks that the committed files are what this
# script makes). They stand in for the real Amazon files that may not be redistributed (docs/TESTING.md): the same
# layouts and features, made up here. Usage: tests/data/settlements/made/make.sh [OUT_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here}"
gen() { /usr/bin/python3 "$here/../../../../tools/generate_settlement.py" "$@" 2>/dev/null; }
ca=(--marketplace Amazon.ca --currency CAD --sku-prefix MAPLE --skus 40)

# A new account's first settlement, legacy 33-column layout: no sales yet, the inbound transport fee and the
# subscription (paid by card: Successful charge) make it negative; spans the January/February month end.
gen --layout v1-33 "${ca[@]}" --orders 0 --no-account-rows --settlement-id 90000000011 --start 2026-01-20 --days 20 \
  --row "other-transaction|other-transaction|Subscription Fee|-32.09|2026-01-21 09:00:00" \
  --row "other-transaction|other-transaction|Successful charge|32.09|2026-01-21 09:05:00" \
  --row "other-transaction|other-transaction|Inbound Transportation Fee|-321.69|2026-02-03 18:30:00" \
  "$out/v1-33_CA_CAD_90000000011_negative-total_inbound-transport_month-end.txt"
# The next one: Amazon collects the carried -321.69 (Payable to Amazon) from the card (Successful charge); a few
# orders, advertising with GST/HST on it: negative again.
gen --layout v1 "${ca[@]}" --orders 3 --seed 12 --no-account-rows --settlement-id 90000000012 --start 2026-02-09 \
  --days 14 --ad-spend 25000 --ad-tax-rate 12 \
  --row "other-transaction|other-transaction|Payable to Amazon|-321.69|2026-02-10 08:00:00" \
  --row "other-transaction|other-transaction|Successful charge|321.69|2026-02-10 08:05:00" \
  "$out/v1_CA_CAD_90000000012_negative-total_payable-to-amazon_successful-charge.txt"
# Back to positive: the previous negative total collected, a micro deposit, a warehouse-damage reimbursement,
# advertising, orders and refunds.
gen --layout v1 "${ca[@]}" --orders 60 --seed 13 --no-account-rows --settlement-id 90000000013 --start 2026-03-02 \
  --days 13 --ad-spend 20915 --ad-tax-rate 12 \
  --row "other-transaction|other-transaction|Payable to Amazon|-179.13|2026-03-03 08:00:00" \
  --row "other-transaction|other-transaction|Successful charge|179.13|2026-03-03 08:05:00" \
  --row "other-transaction|other-transaction|Micro Deposit|-0.01|2026-03-04 12:00:00" \
  --row "other-transaction|FBA Inventory Reimbursement|WAREHOUSE_DAMAGE|15.25|2026-03-09 16:00:00" \
  "$out/v1_CA_CAD_90000000013_refund_ads_micro-deposit_warehouse-damage.txt"
# Storage, subscription, advertising, reserve and ~100 orders across the March/April month end.
gen --layout v1 "${ca[@]}" --orders 100 --seed 14 --settlement-id 90000000014 --start 2026-03-24 --days 14 \
  "$out/v1_CA_CAD_90000000014_storage-fee_ads_shipping-promo_month-end.txt"
# Reversed reimbursements and refunds.
gen --layout v1 "${ca[@]}" --orders 150 --seed 15 --no-account-rows --settlement-id 90000000015 --start 2026-04-13 \
  --days 14 \
  --row "other-transaction|FBA Inventory Reimbursement|REVERSAL_REIMBURSEMENT|-12.40|2026-04-20 10:00:00" \
  --row "other-transaction|other-transaction|Subscription Fee|-39.99|2026-04-14 09:00:00" \
  "$out/v1_CA_CAD_90000000015_reversal-reimbursement_refunds.txt"
# Storage and warehouse damage across the April/May month end.
gen --layout v1 "${ca[@]}" --orders 120 --seed 16 --settlement-id 90000000016 --start 2026-04-24 --days 14 \
  "$out/v1_CA_CAD_90000000016_storage_warehouse-damage_month-end.txt"
# The large one: ~250 orders, over 1,200 lines.
gen --layout v1 "${ca[@]}" --orders 250 --seed 17 --settlement-id 90000000017 --start 2026-05-11 --days 14 \
  "$out/v1_CA_CAD_90000000017_large.txt"
# Flat File V2 from Amazon.in: dd.MM.yyyy dates, a negative total with Payable to Amazon and a Debt Adjustment,
# advertising with IGST.
gen "${ca[@]}" --marketplace Amazon.in --currency INR --sku-prefix CHAI --orders 4 --seed 18 --no-account-rows \
  --eu-dates --settlement-id 90000000018 --start 2026-05-25 --days 14 --ad-spend 78021 --ad-tax-rate 18 \
  --row "other-transaction|other-transaction|Payable to Amazon|-1000.00|2026-05-26 06:40:00" \
  --row "Debt Adjustment|Debt Adjustment|Debt adjustment against Electronic Transaction (Credit Card/Net Banking/GC) Accounts|500.00|2026-05-27 06:40:00" \
  "$out/v2_IN_INR_90000000018_negative-total_payable-to-amazon_debt-adjustment_ads.txt"
# Extra (not one of the eight above): the legacy layout from Amazon.de in Windows-1252 with decimal commas and
# dd.MM.yyyy dates, SKUs with È, across the March/April month end.
gen --layout v1 --marketplace Amazon.de --currency EUR --sku-prefix CRÈME --skus 30 --encoding cp1252 --eu \
  --orders 40 --seed 19 --settlement-id 90000000019 --start 2026-03-25 --days 14 \
  "$out/extra/v1_DE_EUR_90000000019_windows-1252_decimal-comma_month-end.txt"
