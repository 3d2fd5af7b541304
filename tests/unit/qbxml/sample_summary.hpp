#pragma once
// A settlement summary built by hand for the qbxml tests (independent of the summarizer).

#include <cstdint>
#include <string>
#include <utility>

#include "daemon/settlement/model.hpp"

namespace settlebridge::qbxml::testing {

inline settlement::SummaryLine line(std::string item, std::string description, std::int64_t quantity,
                                    common::Cents amount, std::string category = "product-sales",
                                    std::string sku = {}) {
    settlement::SummaryLine out;
    out.category = std::move(category);
    out.sku = std::move(sku);
    out.item = std::move(item);
    out.description = std::move(description);
    out.quantity = quantity;
    out.amount = amount;
    out.rows = 1;
    return out;
}

/// Settlement 23874396421 (CAD): a receipt of 75.85 and a credit memo of 17.59, deposit 58.26.
inline settlement::Summary sampleSummary() {
    settlement::Summary s;
    s.header.settlementId = "23874396421";
    s.header.currency = "CAD";
    s.header.totalAmount = 5826;
    s.marketplaceName = "Amazon.ca";
    s.timeZone = "America/Toronto";
    s.customerName = "Amazon Summary";
    s.depositDate = "2025-06-07";
    s.parts.push_back({0, "2025-06", "2025-06-05", 5826});

    settlement::SummaryDocument receipt;
    receipt.kind = settlement::DocumentKind::SalesReceipt;
    receipt.refNumber = "AYU766DR0";
    receipt.externalKey = "23874396421:R:0";
    receipt.txnDate = "2025-06-05";
    receipt.memo = "Amazon settlement 23874396421 (23874396421:R:0), 2025-05-22 to 2025-06-05";
    receipt.lines.push_back(line("Amazon Sales:SKU-ABC-001", "SKU-ABC-001 principal", 3, 5997, "product-sales",
                                 "SKU-ABC-001"));
    receipt.lines.push_back(line("Amazon Sales:SKU-XYZ-42", "SKU-XYZ-42 principal", 1, 4500, "product-sales",
                                 "SKU-XYZ-42"));
    receipt.lines.push_back(line("Amazon Shipping", "Shipping credits", 0, 798, "shipping"));
    receipt.lines.push_back(line("Amazon Fees:Commission", "Referral fees", 0, -1574, "commission"));
    receipt.lines.push_back(line("Amazon Fees:FBA Fulfillment", "FBA per-unit fulfilment fees", 0, -2136,
                                 "fba-fulfilment"));
    receipt.lines.push_back(line("Amazon Fees:Commission", "Referral fee correction", 0, 0, "commission"));
    // total 5997 + 4500 + 798 - 1574 - 2136 + 0 = 75.85

    settlement::SummaryDocument memo;
    memo.kind = settlement::DocumentKind::CreditMemo;
    memo.refNumber = "AYU766DC0";
    memo.externalKey = "23874396421:C:0";
    memo.txnDate = "2025-06-05";
    memo.memo = "Amazon settlement 23874396421 (23874396421:C:0) refunds";
    memo.lines.push_back(line("Amazon Sales:SKU-ABC-001", "SKU-ABC-001 refunded principal", 1, 1999,
                              "product-sales", "SKU-ABC-001"));
    memo.lines.push_back(line("Amazon Fees:Commission", "Referral fee refunded to the seller", 0, -240,
                              "commission"));
    // total 1999 - 240 = 17.59

    s.documents.push_back(receipt);
    s.documents.push_back(memo);
    s.documentsNet = 5826;
    s.rowsTotal = 5826;
    s.reconciled = true;
    s.mappingVersion = "test-1";
    return s;
}

}  // namespace settlebridge::qbxml::testing
