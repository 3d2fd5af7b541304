#include "daemon/admin/queue_api.hpp"

#include "daemon/posting/currency.hpp"
#include "daemon/posting/document_builder.hpp"
#include "daemon/posting/queue.hpp"
#include "qbxml/status.hpp"

namespace settlebridge::admin {

namespace {

const char* kindLabel(store::DocKind kind) {
    switch (kind) {
        case store::DocKind::Receipt: return "Sales receipt";
        case store::DocKind::CreditMemo: return "Credit memo";
        case store::DocKind::RefundPayment: return "Refund of the credit memo";
        case store::DocKind::Transfer: return "Transfer to the bank";
    }
    return "Document";
}

/// What a transfer is: the deposit's move to the bank or the move back of a payout the bank returned
/// (docs/ACCOUNTING.md section 14), and whether it goes to QuickBooks as a DepositAdd: a settlement in another
/// currency than the company file's home one, whose exchange rate a TransferAdd cannot carry (docs/POSTING.md,
/// "Exchange rates"); once sent, as it was sent.
struct TransferForm {
    bool returned = false;
    bool deposit = false;
};
TransferForm transferForm(const store::Document& d, const store::Company& company) {
    TransferForm form;
    if (d.kind != store::DocKind::Transfer) return form;
    try {
        const posting::Payload payload = posting::decodePayload(d.payload);
        form.returned = payload.type == posting::kPayloadReturned;
        if (!payload.sentForm.empty()) {
            form.deposit = payload.sentForm == posting::kSentAsDeposit;
        } else {
            form.deposit = posting::planCurrency(company, d, payload.transferTo).foreign;
        }
    } catch (const std::exception&) {
        form.deposit = false;
    }
    return form;
}

std::string documentLabel(const store::Document& d, const TransferForm& form) {
    if (form.returned) {
        return form.deposit ? "Returned payout back from the bank (a deposit at the settlement's exchange rate)"
                            : "Returned payout back from the bank (transfer)";
    }
    if (form.deposit) return "Deposit to the bank (at the settlement's exchange rate)";
    return kindLabel(d.kind);
}

JsonObject documentJson(const store::Document& d, const store::Company& company) {
    JsonObject o = object();
    const TransferForm form = transferForm(d, company);
    const bool deposit = form.deposit;
    o->set("id", d.id);
    o->set("settlement_id", d.settlementId);
    o->set("kind", std::string(store::toString(d.kind)));
    o->set("kind_label", documentLabel(d, form));
    o->set("qb_form", d.kind != store::DocKind::Transfer ? ""
                      : deposit                          ? "DepositAdd"
                                                         : "TransferAdd");
    o->set("part", d.part);
    o->set("ref_number", d.refNumber);
    o->set("txn_date", d.txnDate);
    o->set("state", std::string(store::toString(d.state)));
    o->set("total_cents", d.expectedTotal);
    o->set("total", money(d.expectedTotal, d.currency));
    o->set("currency", d.currency);
    o->set("hold_reason", d.holdReason);
    if (d.qbStatusCode) {
        o->set("qb_status_code", *d.qbStatusCode);
    } else {
        o->set("qb_status_code", Poco::Dynamic::Var());
    }
    o->set("qb_status_message", d.qbStatusMessage);
    o->set("qb_txn_id", d.qbTxnId);
    o->set("last_error", d.lastError);
    o->set("explanation", explainDocument(d));
    o->set("attempts", d.attempts);
    o->set("resends", d.resends);
    o->set("needs_checking", !d.checkReason.empty());
    o->set("check_reason", d.checkReason);
    o->set("add_answer", d.addAnswer);
    o->set("lookup_answer", d.lookupAnswer);
    o->set("updated_at", d.updatedAt);
    o->set("posted_at", d.postedAt);
    o->set("can_approve", d.state == store::DocState::Held);
    o->set("can_retry", d.state == store::DocState::Failed);
    return o;
}

}  // namespace

std::string explainDocument(const store::Document& d) {
    std::string text;
    switch (d.state) {
        case store::DocState::Held:
            if (d.holdReason == "testing") {
                text = "Held for review: the company is in Testing mode. Check it in the previewer, then approve.";
            } else if (d.holdReason == "unreconciled") {
                text = "Held: the settlement does not add up to its deposit. Approve only if you mean to post it anyway.";
            } else if (d.holdReason == "item-type" || d.holdReason == "account-type" || d.holdReason == "name-in-use") {
                text = "Held before anything was sent: QuickBooks would not take it as it is. Change what the message "
                       "says, then approve.";
            } else if (d.holdReason == "closed-period") {
                text = "Held: it is dated in a closed period of the company file. Reopen the period, then approve.";
            } else if (d.holdReason == "exchange-rate") {
                text = "Held: no usable exchange rate for its currency. Update the rate in QuickBooks and approve, or "
                       "approve with the rate to use.";
            } else if (d.holdReason == "tax-code") {
                text = "Held: the sales tax code is not one this company file has.";
            } else {
                text = "Held" + (d.holdReason.empty() ? std::string(".") : ": " + d.holdReason + ".");
            }
            break;
        case store::DocState::Queued: text = "Waiting for the next Web Connector run."; break;
        case store::DocState::Sent: text = "Sent to QuickBooks; the answer has not arrived yet (it is checked before anything is sent again)."; break;
        case store::DocState::Posted: text = "In QuickBooks" + (d.qbTxnId.empty() ? std::string(".") : " (TxnID " + d.qbTxnId + ")."); break;
        case store::DocState::Failed:
            text = d.checkReason.empty() ? "Failed." : "Needs checking in QuickBooks: Settlebridge will not send it again by itself.";
            break;
    }
    if (d.qbStatusCode && *d.qbStatusCode != 0 && d.checkReason.empty()) {
        text += " " + qbxml::classifyStatus(*d.qbStatusCode, d.qbStatusMessage).explanation;
    }
    const bool saidAlready = d.state == store::DocState::Held && d.holdReason == "testing";
    if (!d.lastError.empty() && d.lastError != d.qbStatusMessage && !saidAlready) text += " " + d.lastError;
    return text;
}

ApiReply queueGet(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t companyId = request.idAt(1);
    std::optional<store::DocState> state;
    if (const std::string s = request.param("state"); !s.empty()) {
        state = store::parseDocState(s);
        if (!state) throw ApiError(400, "state must be held, queued, sent, posted or failed", "state");
    }
    return ctx.store().read([&](store::Tx& tx) {
        const store::Company company = requireCompany(tx, companyId);
        JsonObject out = object();
        out->set("company_id", company.id);
        out->set("company", company.name);
        out->set("mode", std::string(store::toString(company.mode)));
        out->set("auto_live_days", company.autoLiveDays);
        out->set("multicurrency", company.multiCurrency.value_or(false));
        out->set("home_currency", company.homeCurrency);
        out->set("live_since", company.liveSince);
        JsonObject counts = object();
        const auto byState = tx.documents().countByState(company.id);
        for (const auto s : {store::DocState::Held, store::DocState::Queued, store::DocState::Sent,
                             store::DocState::Posted, store::DocState::Failed}) {
            const auto it = byState.find(s);
            counts->set(std::string(store::toString(s)), it == byState.end() ? 0 : it->second);
        }
        int checking = 0;
        for (const auto& d : tx.documents().list(company.id, store::DocState::Failed)) checking += d.checkReason.empty() ? 0 : 1;
        counts->set("needs_checking", checking);
        out->set("counts", counts);
        JsonArray docs = array();
        for (const auto& d : tx.documents().list(company.id, state)) docs->add(documentJson(d, company));
        out->set("documents", docs);
        return ApiReply::ok(out);
    });
}

ApiReply approvePost(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t companyId = request.idAt(1);
    const std::string settlementId = request.text("settlement_id");
    const std::string rate = request.optionalText("exchange_rate").value_or("");
    const store::Company company = ctx.store().read([&](store::Tx& tx) { return requireCompany(tx, companyId); });
    posting::Queue::ApproveResult result;
    try {
        result = posting::Queue(ctx.store()).approve(
            company.name, settlementId, posting::Queue::Approval{rate, request.session->userName}, ctx.now());
    } catch (const posting::QueueError& e) {
        throw ApiError(409, e.what(), rate.empty() || std::string(e.what()).find("exchange rate") == std::string::npos
                                          ? "settlement_id"
                                          : "exchange_rate");
    }
    const int moved = result.queued;
    if (moved == 0 && rate.empty()) {
        throw ApiError(409, "settlement " + settlementId + " has no held documents to approve", "settlement_id");
    }
    ctx.store().write([&](store::Tx& tx) {
        tx.events().add(ctx.now(), company.id, store::EventLevel::Info,
                        "settlement " + settlementId + " approved by " + request.session->userName + " on the admin page (" +
                            std::to_string(moved) + " document(s) queued)");
    });
    JsonObject out = object();
    out->set("settlement_id", settlementId);
    out->set("queued", moved);
    out->set("exchange_rate", result.rate);
    return ApiReply::ok(out);
}

ApiReply retryPost(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t documentId = request.idAt(1);
    const auto existing = ctx.store().read([&](store::Tx& tx) { return tx.documents().find(documentId); });
    if (!existing) throw ApiError(404, "no document with id " + std::to_string(documentId));
    if (existing->state != store::DocState::Failed) {
        throw ApiError(409, "only a failed document can be retried; this one is " +
                                std::string(store::toString(existing->state)));
    }
    store::Document document;
    try {
        document = posting::Queue(ctx.store()).retry(documentId, ctx.now());
    } catch (const std::exception& e) {
        throw ApiError(409, e.what());
    }
    ctx.store().write([&](store::Tx& tx) {
        tx.events().add(ctx.now(), document.companyId, store::EventLevel::Info,
                        "document " + std::to_string(document.id) + " (" + document.refNumber + ") retried by " +
                            request.session->userName + " on the admin page");
    });
    const store::Company company = ctx.store().read([&](store::Tx& tx) { return requireCompany(tx, document.companyId); });
    return ApiReply::ok(documentJson(document, company));
}

ApiReply modePost(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t companyId = request.idAt(1);
    const auto mode = store::parseCompanyMode(request.text("mode"));
    if (!mode) throw ApiError(400, "mode must be testing or live", "mode");
    return ctx.store().write([&](store::Tx& tx) {
        store::Company company = requireCompany(tx, companyId);
        const store::Timestamp now = ctx.now();
        if (company.mode != *mode) {
            company.mode = *mode;
            if (*mode == store::CompanyMode::Live) company.liveSince = now;
            tx.companies().update(company, now);
            tx.events().add(now, company.id, store::EventLevel::Info,
                            "company \"" + company.name + "\" switched to " + std::string(store::toString(*mode)) +
                                " by " + request.session->userName + " on the admin page" +
                                (*mode == store::CompanyMode::Live
                                     ? ": new documents are queued directly; held ones still need approval"
                                     : ": new documents are held until approved"));
        }
        JsonObject out = object();
        out->set("company_id", company.id);
        out->set("mode", std::string(store::toString(company.mode)));
        return ApiReply::ok(out);
    });
}

}  // namespace settlebridge::admin
