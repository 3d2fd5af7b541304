#include "daemon/posting/rendering.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "daemon/posting/document_builder.hpp"

namespace settlebridge::posting {

namespace {

std::pair<int, int> parseVersion(std::string_view text) {
    if (text.empty()) return {13, 0};
    const auto dot = text.find('.');
    int major = 0;
    int minor = 0;
    for (char c : text.substr(0, dot)) {
        if (c < '0' || c > '9') return {13, 0};
        major = major * 10 + (c - '0');
    }
    if (dot != std::string_view::npos) {
        for (char c : text.substr(dot + 1)) {
            if (c < '0' || c > '9') return {13, 0};
            minor = minor * 10 + (c - '0');
        }
    }
    return {major, minor};
}

}  // namespace

qbxml::RenderContext renderContextFor(const domain::Company& company, std::string_view qbxmlVersion) {
    qbxml::RenderContext ctx;
    ctx.clearingAccount = company.clearingAccount;
    ctx.nonTaxableCode = company.salesTax.value_or(true) ? company.nonTaxableCode : std::string();
    ctx.multicurrency = company.multiCurrency.value_or(false);
    ctx.transferToAccount = company.bankAccount;
    const auto [major, minor] = parseVersion(qbxmlVersion.empty() ? std::string_view(company.qbxmlVersion) : qbxmlVersion);
    ctx.qbxmlMajor = major;
    ctx.qbxmlMinor = minor;
    return ctx;
}

const settlement::SummaryDocument* findSummaryDocument(const settlement::Summary& summary, std::string_view key) {
    for (const auto& d : summary.documents) {
        if (d.externalKey == key) return &d;
    }
    return nullptr;
}

std::vector<std::string> referencedItems(const domain::Document& doc, const settlement::Summary& summary) {
    std::vector<std::string> out;
    if (doc.kind != domain::DocKind::Receipt && doc.kind != domain::DocKind::CreditMemo) return out;
    const Payload payload = decodePayload(doc.payload);
    const settlement::SummaryDocument* source = findSummaryDocument(summary, payload.externalKey);
    if (source == nullptr) return out;
    std::set<std::string> seen;
    for (const auto& line : source->lines) {
        if (line.item.empty()) continue;
        if (seen.insert(line.item).second) out.push_back(line.item);
    }
    return out;
}

std::string renderAdd(const domain::Document& doc, const settlement::Summary& summary, const qbxml::RenderContext& ctx,
                      std::string_view requestId, const std::string& creditMemoTxnId,
                      const std::map<std::string, std::string>& itemSubstitutions) {
    const Payload payload = decodePayload(doc.payload);
    switch (doc.kind) {
        case domain::DocKind::Receipt:
        case domain::DocKind::CreditMemo: {
            const settlement::SummaryDocument* source = findSummaryDocument(summary, payload.externalKey);
            if (source == nullptr) {
                throw std::runtime_error("the stored summary of settlement " + doc.settlementId + " has no document " +
                                         payload.externalKey);
            }
            settlement::SummaryDocument copy = *source;
            for (auto& line : copy.lines) {
                auto it = itemSubstitutions.find(line.item);
                if (it != itemSubstitutions.end()) line.item = it->second;
            }
            return qbxml::renderDocumentAdd(summary, copy, ctx, requestId);
        }
        case domain::DocKind::RefundPayment: {
            const settlement::SummaryDocument* memo = findSummaryDocument(summary, payload.externalKey);
            if (memo == nullptr) {
                throw std::runtime_error("the stored summary of settlement " + doc.settlementId + " has no credit memo " +
                                         payload.externalKey);
            }
            qbxml::RefundParams params;
            params.creditMemoTxnId = creditMemoTxnId;
            params.refNumber = doc.refNumber;
            return qbxml::renderARRefundCreditCardAdd(summary, *memo, params, ctx, requestId);
        }
        case domain::DocKind::Transfer: {
            qbxml::RenderContext transferCtx = ctx;
            if (transferCtx.transferToAccount.empty()) transferCtx.transferToAccount = payload.transferTo;
            if (payload.type == kPayloadReturned) {
                return qbxml::renderReturnedPayoutTransfer(summary, static_cast<std::size_t>(payload.returnedIndex),
                                                           transferCtx, requestId);
            }
            auto xml = qbxml::renderTransferAdd(summary, transferCtx, requestId);
            if (!xml) throw std::runtime_error("settlement " + doc.settlementId + " has no positive deposit to transfer");
            return *xml;
        }
    }
    throw std::runtime_error("unknown document kind");
}

std::string renderLookup(const domain::Document& doc, const qbxml::RenderContext& ctx, std::string_view requestId) {
    switch (doc.kind) {
        case domain::DocKind::Receipt:
            return qbxml::renderTxnQueryByRefNumber(qbxml::TxnType::SalesReceipt, doc.refNumber, ctx, requestId);
        case domain::DocKind::CreditMemo:
            return qbxml::renderTxnQueryByRefNumber(qbxml::TxnType::CreditMemo, doc.refNumber, ctx, requestId);
        case domain::DocKind::RefundPayment:
            return qbxml::renderTxnQueryByRefNumber(qbxml::TxnType::ARRefundCreditCard, doc.refNumber, ctx, requestId);
        case domain::DocKind::Transfer:
            // A foreign deposit's move was sent as a DepositAdd: looked for among the deposits of its date.
            if (decodePayload(doc.payload).sentForm == kSentAsDeposit) {
                return qbxml::renderDepositQuery(doc.txnDate, ctx, requestId);
            }
            return qbxml::renderTransferQuery(doc.txnDate, ctx, requestId);
    }
    throw std::runtime_error("unknown document kind");
}

}  // namespace settlebridge::posting
