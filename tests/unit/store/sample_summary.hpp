#pragma once
// Hand-built settlement summaries for the store, posting and Web Connector tests (the summarizer has its own
// tests; here only the shape matters: documents with deterministic RefNumbers and external keys).

#include <string>

#include "daemon/settlement/model.hpp"
#include "daemon/settlement/naming.hpp"

namespace settlebridge::testing {

inline settlement::SummaryLine line(std::string category, std::string sku, std::string item, std::int64_t quantity,
                                    common::Cents amount) {
    settlement::SummaryLine l;
    l.category = std::move(category);
    l.sku = std::move(sku);
    l.item = std::move(item);
    l.description = l.sku.empty() ? l.category : l.sku + " sales";
    l.quantity = quantity;
    l.amount = amount;
    l.rows = 1;
    return l;
}

inline settlement::SummaryDocument document(const std::string& settlementId, settlement::DocumentKind kind, int part,
                                            std::string txnDate) {
    settlement::SummaryDocument d;
    d.kind = kind;
    d.part = part;
    const bool receipt = kind == settlement::DocumentKind::SalesReceipt;
    d.refNumber = settlement::makeRefNumber(settlementId,
                                            receipt ? settlement::RefKind::SalesReceipt : settlement::RefKind::CreditMemo,
                                            part);
    d.externalKey = settlementId + (receipt ? ":R:" : ":C:") + std::to_string(part);
    d.txnDate = std::move(txnDate);
    d.memo = "Amazon settlement " + settlementId + " (" + d.externalKey + ")";
    return d;
}

/// A settlement with one receipt (two SKUs and two fee lines) and, when `refunds` is non-zero, a credit memo.
/// Receipt total = 100.00 + 50.00 - 15.00 - 10.00 = 125.00; credit memo total = refunds.
inline settlement::Summary sampleSummary(const std::string& settlementId = "23874396421",
                                         common::Cents refunds = 2500, bool reconciled = true) {
    settlement::Summary s;
    s.header.settlementId = settlementId;
    s.header.startUtc = 1710000000;
    s.header.endUtc = 1711000000;
    s.header.depositUtc = 1711100000;
    s.header.currency = "USD";
    s.marketplaceName = "Amazon.com";
    s.timeZone = "America/Los_Angeles";
    s.customerName = "Amazon Summary";
    s.depositDate = "2024-03-22";
    s.mappingVersion = "builtin-1";
    settlement::SummaryPart part;
    part.index = 0;
    part.month = "2024-03";
    part.txnDate = "2024-03-21";
    auto receipt = document(settlementId, settlement::DocumentKind::SalesReceipt, 0, "2024-03-21");
    receipt.lines.push_back(line("product", "SKU-ABC-001", "SKU-ABC-001", 5, 10000));
    receipt.lines.push_back(line("product", "SKU:XYZ/42", "SKU-XYZ-42", 2, 5000));
    receipt.lines.push_back(line("commission", "", "Amazon Commission", 0, -1500));
    receipt.lines.push_back(line("fba-fulfilment", "", "Amazon FBA Fees", 0, -1000));
    s.documents.push_back(receipt);
    common::Cents net = receipt.total();
    if (refunds != 0) {
        auto memo = document(settlementId, settlement::DocumentKind::CreditMemo, 0, "2024-03-21");
        memo.lines.push_back(line("product", "SKU-ABC-001", "SKU-ABC-001", 1, refunds));
        s.documents.push_back(memo);
        net -= memo.total();
    }
    part.net = net;
    s.parts.push_back(part);
    s.header.totalAmount = reconciled ? net : net + 123;
    s.rowCount = 6;
    s.rowsTotal = net;
    s.documentsNet = net;
    s.reconciled = reconciled;
    s.difference = s.header.totalAmount - net;
    s.notes.push_back("sample");
    return s;
}

}  // namespace settlebridge::testing
