#include "daemon/app/summary_output.hpp"

#include <algorithm>
#include <iomanip>
#include <string>

#include "daemon/app/columns.hpp"
#include "daemon/app/json_writer.hpp"
#include "daemon/common/money.hpp"

namespace settlebridge::app {

using common::Cents;
using settlement::DocumentKind;
using common::formatCents;

namespace {

const char* kindName(DocumentKind kind) {
    return kind == DocumentKind::SalesReceipt ? "sales_receipt" : "credit_memo";
}

const char* kindTitle(DocumentKind kind) {
    return kind == DocumentKind::SalesReceipt ? "Sales receipt" : "Credit memo";
}

const char* layoutName(settlement::Layout layout) {
    return layout == settlement::Layout::FlatFileV2 ? "flat_file_v2" : "flat_file_v1";
}

}  // namespace

void writeSummaryText(std::ostream& out, const settlement::Summary& summary) {
    const auto& header = summary.header;
    out << "Settlement " << header.settlementId << " (";
    if (!summary.marketplaceName.empty()) out << summary.marketplaceName << ", ";
    out << header.currency << ", " << layoutName(header.layout) << ")\n";
    out << "Deposit " << formatCents(header.totalAmount) << " " << header.currency << " on " << summary.depositDate
        << "; time zone " << summary.timeZone << "; customer \"" << summary.customerName << "\"; mapping "
        << summary.mappingVersion << "\n";
    if (summary.grossMode) {
        out << "GROSS MODE: fees are left out, so these documents will NOT match the deposit.\n";
    }
    for (const auto& document : summary.documents) {
        out << "\n" << kindTitle(document.kind) << " " << document.refNumber << "  dated " << document.txnDate;
        if (summary.parts.size() > 1) out << "  (part " << (document.part + 1) << " of " << summary.parts.size() << ")";
        out << "\n";
        out << "  " << fitColumn("Item", 31) << "  " << fitColumn("Description", 40) << "  " << alignRight("Qty", 7)
            << "  " << alignRight("Amount", 14) << "\n";
        for (const auto& line : document.lines) {
            out << "  " << fitColumn(line.item, 31) << "  " << fitColumn(line.description, 40) << "  "
                << alignRight(line.quantity != 0 ? std::to_string(line.quantity) : "", 7) << "  "
                << alignRight(formatCents(line.amount), 14) << "\n";
        }
        out << "  " << fitColumn("Total", 31) << "  " << fitColumn("", 40) << "  " << alignRight("", 7) << "  "
            << alignRight(formatCents(document.total()), 14) << "\n";
    }
    if (!summary.unmapped.empty()) {
        out << "\nUnmapped combinations (kept on \"Unmapped\" lines; map them to post them properly):\n";
        for (const auto& u : summary.unmapped) {
            out << "  " << u.transactionType << " / " << u.amountType << " / " << u.amountDescription << ": "
                << u.rows << " row(s), " << formatCents(u.amount) << " (first at line " << u.firstLine << ")\n";
        }
    }
    for (const auto& note : summary.notes) out << "\nNote: " << note << "\n";
    out << "\nReconciliation: " << summary.rowCount << " rows sum to " << formatCents(summary.rowsTotal)
        << "; documents net " << formatCents(summary.documentsNet) << "; deposit "
        << formatCents(header.totalAmount) << " " << header.currency << " -> ";
    if (summary.reconciled) {
        out << "RECONCILED to the cent\n";
    } else {
        out << "NOT RECONCILED, difference " << formatCents(summary.difference) << "\n";
    }
}

void writeSummaryJson(std::ostream& out, const settlement::Summary& summary) {
    JsonWriter json(out);
    const auto& header = summary.header;
    json.beginObject();
    json.key("format_version").value(kSummaryJsonVersion);
    json.key("settlement_id").value(header.settlementId);
    json.key("layout").value(layoutName(header.layout));
    json.key("marketplace").value(summary.marketplaceName);
    json.key("currency").value(header.currency);
    json.key("time_zone").value(summary.timeZone);
    json.key("customer").value(summary.customerName);
    json.key("deposit_cents").value(header.totalAmount);
    json.key("deposit_date").value(summary.depositDate);
    json.key("row_count").value(summary.rowCount);
    json.key("rows_total_cents").value(summary.rowsTotal);
    json.key("documents_net_cents").value(summary.documentsNet);
    json.key("reconciled").value(summary.reconciled);
    json.key("difference_cents").value(summary.difference);
    json.key("gross_mode").value(summary.grossMode);
    json.key("mapping_version").value(summary.mappingVersion);
    json.key("parts").beginArray();
    for (const auto& part : summary.parts) {
        json.beginObject();
        json.key("index").value(part.index);
        json.key("month").value(part.month);
        json.key("txn_date").value(part.txnDate);
        json.key("net_cents").value(part.net);
        json.endObject();
    }
    json.endArray();
    json.key("documents").beginArray();
    for (const auto& document : summary.documents) {
        json.beginObject();
        json.key("kind").value(kindName(document.kind));
        json.key("part").value(document.part);
        json.key("ref_number").value(document.refNumber);
        json.key("external_key").value(document.externalKey);
        json.key("txn_date").value(document.txnDate);
        json.key("memo").value(document.memo);
        json.key("total_cents").value(document.total());
        json.key("lines").beginArray();
        for (const auto& line : document.lines) {
            json.beginObject();
            json.key("category").value(line.category);
            json.key("item").value(line.item);
            if (line.sku.empty()) {
                json.key("sku").null();
            } else {
                json.key("sku").value(line.sku);
            }
            json.key("description").value(line.description);
            json.key("quantity").value(line.quantity);
            json.key("amount_cents").value(line.amount);
            json.key("rows").value(line.rows);
            json.endObject();
        }
        json.endArray();
        json.endObject();
    }
    json.endArray();
    // Convenience views: every receipt line and every credit memo line, as the contract names them.
    for (const auto kind : {DocumentKind::SalesReceipt, DocumentKind::CreditMemo}) {
        json.key(kind == DocumentKind::SalesReceipt ? "receipt_lines" : "credit_memo_lines").beginArray();
        for (const auto& document : summary.documents) {
            if (document.kind != kind) continue;
            for (const auto& line : document.lines) {
                json.beginObject();
                json.key("ref_number").value(document.refNumber);
                json.key("category").value(line.category);
                if (line.sku.empty()) {
                    json.key("sku").null();
                } else {
                    json.key("sku").value(line.sku);
                }
                json.key("quantity").value(line.quantity);
                json.key("amount_cents").value(line.amount);
                json.endObject();
            }
        }
        json.endArray();
    }
    std::size_t unmappedRows = 0;
    for (const auto& u : summary.unmapped) unmappedRows += u.rows;
    json.key("unmapped_count").value(unmappedRows);
    json.key("unmapped").beginArray();
    for (const auto& u : summary.unmapped) {
        json.beginObject();
        json.key("transaction_type").value(u.transactionType);
        json.key("amount_type").value(u.amountType);
        json.key("amount_description").value(u.amountDescription);
        json.key("rows").value(u.rows);
        json.key("amount_cents").value(u.amount);
        json.key("first_line").value(u.firstLine);
        json.endObject();
    }
    json.endArray();
    json.key("notes").beginArray();
    for (const auto& note : summary.notes) json.value(note);
    json.endArray();
    // The account the documents deposit to and refund from ("" = the company's clearing account): the carried-balance
    // account for a negative settlement (docs/ACCOUNTING.md section 14).
    json.key("carried_balance_account").value(summary.throughCarriedBalance() ? summary.carriedBalanceAccount
                                                                              : std::string());
    json.key("returned_payouts").beginArray();
    for (const auto& returned : summary.returnedPayouts) {
        json.beginObject();
        json.key("date").value(returned.date);
        json.key("amount_cents").value(returned.amount);
        json.endObject();
    }
    json.endArray();
    json.key("tax_registered").value(summary.taxRegistered);
    json.endObject();
}

}  // namespace settlebridge::app
