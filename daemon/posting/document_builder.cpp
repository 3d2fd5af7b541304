#include "daemon/posting/document_builder.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>
#include <stdexcept>

#include "daemon/posting/rendering.hpp"
#include "daemon/settlement/naming.hpp"
#include "qbxml/guid.hpp"
#include "qbxml/render.hpp"

namespace settlebridge::posting {

namespace {

using settlement::DocumentKind;
using domain::DocKind;
using domain::DocState;

domain::Document baseDocument(const settlement::Summary& summary, const domain::Company& company,
                             std::int64_t settlementRow, domain::Timestamp now) {
    domain::Document d;
    d.companyId = company.id;
    d.settlementRow = settlementRow;
    d.settlementId = summary.header.settlementId;
    d.customer = summary.customerName;
    d.currency = summary.header.currency;
    d.createdAt = now;
    d.updatedAt = now;
    return d;
}

void setInitialState(domain::Document& d, const settlement::Summary& summary, const domain::Company& company) {
    if (company.mode == domain::CompanyMode::Testing) {
        d.state = DocState::Held;
        d.holdReason = "testing";
        d.lastError = "The company is in Testing mode: approve the settlement to post it.";
    } else if (!summary.reconciled) {
        d.state = DocState::Held;
        d.holdReason = "unreconciled";
        d.lastError = "The settlement does not reconcile with its deposit (difference " +
                      common::formatCents(summary.difference) +
                      "): check it, then approve it to post anyway, or wait for Amazon to re-issue it.";
    } else {
        d.state = DocState::Queued;
    }
}

/// Fails a document QuickBooks could never accept, before it is ever queued.
void renderCheck(domain::Document& d, const settlement::Summary& summary, const qbxml::RenderContext& ctx) {
    if (d.kind == DocKind::RefundPayment) return;  // needs the credit memo's TxnID; checked when it is sent
    try {
        (void)renderAdd(d, summary, ctx, "check", "", {});
    } catch (const qbxml::RenderError& e) {
        d.state = DocState::Failed;
        d.holdReason.clear();
        d.lastError = std::string("This document cannot be posted to QuickBooks as it is: ") + e.what();
    }
}

}  // namespace

std::string encodePayload(const Payload& p) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("type", p.type);
    if (!p.externalKey.empty()) o.set("externalKey", p.externalKey);
    if (!p.transferTo.empty()) o.set("transferTo", p.transferTo);
    if (!p.sentCustomer.empty()) o.set("sentCustomer", p.sentCustomer);
    if (!p.sentAccount.empty()) o.set("sentAccount", p.sentAccount);
    if (!p.sentTransferTo.empty()) o.set("sentTransferTo", p.sentTransferTo);
    if (!p.sentForm.empty()) o.set("sentForm", p.sentForm);
    if (p.returnedIndex >= 0) o.set("returnedIndex", p.returnedIndex);
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

Payload decodePayload(const std::string& json) {
    try {
        Poco::JSON::Parser parser;
        auto o = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
        Payload p;
        p.type = o->optValue<std::string>("type", "");
        p.externalKey = o->optValue<std::string>("externalKey", "");
        p.transferTo = o->optValue<std::string>("transferTo", "");
        p.sentCustomer = o->optValue<std::string>("sentCustomer", "");
        p.sentAccount = o->optValue<std::string>("sentAccount", "");
        p.sentTransferTo = o->optValue<std::string>("sentTransferTo", "");
        p.sentForm = o->optValue<std::string>("sentForm", "");
        if (!p.sentForm.empty() &&
            (p.sentForm != kSentAsDeposit || (p.type != kPayloadTransfer && p.type != kPayloadReturned))) {
            throw std::runtime_error("a payload sent as \"" + p.sentForm + "\", which only a transfer can be");
        }
        p.returnedIndex = o->optValue<int>("returnedIndex", -1);
        if (p.type == kPayloadReturned && p.returnedIndex < 0) {
            throw std::runtime_error("a returned-payout transfer payload without its index");
        }
        if (p.type != kPayloadSummary && p.type != kPayloadRefund && p.type != kPayloadTransfer &&
            p.type != kPayloadReturned) {
            throw std::runtime_error("unknown document payload type \"" + p.type + "\"");
        }
        return p;
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("unreadable document payload: " + e.displayText());
    }
}

std::vector<PlannedDocument> buildDocuments(const settlement::Summary& summary, const domain::Company& company,
                                            std::int64_t settlementRow, domain::Timestamp now) {
    if (summary.customerName.empty()) throw std::invalid_argument("the summary has no customer name");
    const qbxml::RenderContext ctx = renderContextFor(company, "");
    std::vector<PlannedDocument> out;
    for (const settlement::SummaryDocument& source : summary.documents) {
        domain::Document d = baseDocument(summary, company, settlementRow, now);
        d.kind = source.kind == DocumentKind::SalesReceipt ? DocKind::Receipt : DocKind::CreditMemo;
        d.part = source.part;
        d.seq = source.part * 10 + (d.kind == DocKind::Receipt ? 0 : 1);
        d.refNumber = source.refNumber;
        d.externalKey = source.externalKey;
        d.externalGuid = qbxml::externalGuid(source.externalKey);
        d.txnDate = source.txnDate;
        d.expectedTotal = source.total();
        d.payload = encodePayload(Payload{kPayloadSummary, source.externalKey, "", "", "", "", -1, ""});
        setInitialState(d, summary, company);
        renderCheck(d, summary, ctx);
        const std::size_t memoIndex = out.size();
        out.push_back(PlannedDocument{d, std::nullopt});

        if (d.kind == DocKind::CreditMemo && d.expectedTotal > 0) {
            domain::Document r = baseDocument(summary, company, settlementRow, now);
            r.kind = DocKind::RefundPayment;
            r.part = source.part;
            r.seq = source.part * 10 + 2;
            r.refNumber = settlement::makeRefNumber(summary.header.settlementId, settlement::RefKind::RefundPayment,
                                                    source.part);
            r.externalKey = qbxml::refundExternalKey(source);
            r.externalGuid = qbxml::externalGuid(r.externalKey);
            r.txnDate = source.txnDate;
            r.expectedTotal = d.expectedTotal;
            r.payload = encodePayload(Payload{kPayloadRefund, source.externalKey, "", "", "", "", -1, ""});
            setInitialState(r, summary, company);
            if (d.state == DocState::Failed) {
                r.state = DocState::Failed;
                r.holdReason.clear();
                r.lastError = "The credit memo this refund pays cannot be posted.";
            }
            out.push_back(PlannedDocument{r, memoIndex});
        }
    }
    if (company.postTransfer && !company.bankAccount.empty() && summary.header.totalAmount > 0) {
        domain::Document t = baseDocument(summary, company, settlementRow, now);
        t.kind = DocKind::Transfer;
        t.part = summary.parts.empty() ? 0 : summary.parts.back().index;
        t.seq = 1000;
        t.refNumber = "";
        t.externalKey = qbxml::transferExternalKey(summary);
        t.externalGuid = "";
        t.customer = "";
        t.txnDate = summary.depositDate;
        t.expectedTotal = summary.header.totalAmount;
        t.payload = encodePayload(Payload{kPayloadTransfer, "", company.bankAccount, "", "", "", -1, ""});
        setInitialState(t, summary, company);
        renderCheck(t, summary, ctx);
        out.push_back(PlannedDocument{t, std::nullopt});
    }
    if (company.postTransfer && !company.bankAccount.empty()) {
        for (std::size_t i = 0; i < summary.returnedPayouts.size(); ++i) {
            const settlement::ReturnedPayout& returned = summary.returnedPayouts[i];
            if (returned.amount <= 0) continue;  // the summary notes it: nothing to undo
            domain::Document t = baseDocument(summary, company, settlementRow, now);
            t.kind = DocKind::Transfer;
            t.part = summary.parts.empty() ? 0 : summary.parts.back().index;
            t.seq = 1001 + static_cast<int>(i);
            t.refNumber = "";
            t.externalKey = qbxml::returnedPayoutExternalKey(summary, i);
            t.externalGuid = "";
            t.customer = "";
            t.txnDate = returned.date;
            t.expectedTotal = returned.amount;
            Payload payload{kPayloadReturned, "", company.bankAccount, "", "", "", -1, ""};
            payload.returnedIndex = static_cast<int>(i);
            t.payload = encodePayload(payload);
            setInitialState(t, summary, company);
            renderCheck(t, summary, ctx);
            out.push_back(PlannedDocument{t, std::nullopt});
        }
    }
    return out;
}

}  // namespace settlebridge::posting
