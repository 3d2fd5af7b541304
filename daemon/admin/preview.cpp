#include "daemon/admin/preview.hpp"

#include <algorithm>
#include <map>

#include <tuple>

#include "daemon/common/text.hpp"
#include "daemon/posting/currency.hpp"
#include "daemon/posting/exchange_rate.hpp"
#include "daemon/posting/rendering.hpp"
#include "daemon/store/qb_edition.hpp"
#include "qbxml/currency.hpp"
#include "daemon/settlement/categories.hpp"
#include "daemon/common/datetime.hpp"
#include "daemon/settlement/timezone.hpp"
#include "daemon/store/summary_codec.hpp"
#include "qbxml/render.hpp"

namespace settlebridge::admin {

namespace {

std::string describe(const SettlementSpan& span) {
    return "settlement " + span.settlementId + " (" + span.startDate + " to " + span.endDate + ")";
}

std::string checkedDate(const ApiRequest& request, const std::string& name, const std::string& label) {
    const std::string value = request.param(name);
    if (value.empty()) throw ApiError(400, "choose the " + label + " date", name);
    if (value.size() != 10 || !common::parseDate(value)) {
        throw ApiError(400, "the " + label + " date must be a date like 2026-01-27", name);
    }
    return value;
}

/// Loads zones once per preview.
class Zones {
public:
    const settlement::TimeZone& get(const std::string& name) {
        auto it = zones_.find(name);
        if (it != zones_.end()) return it->second;
        settlement::TimeZone zone = settlement::TimeZone::utc();
        if (!name.empty()) {
            try {
                zone = settlement::TimeZone::load(name);
            } catch (const settlement::TimeZoneError&) {
                zone = settlement::TimeZone::utc();
            }
        }
        return zones_.emplace(name, std::move(zone)).first->second;
    }

private:
    std::map<std::string, settlement::TimeZone> zones_;
};

JsonObject lineJson(const settlement::SummaryLine& line, const std::string& currency) {
    JsonObject j = object();
    j->set("category", line.category);
    const settlement::CategoryInfo* info = settlement::findBuiltinCategory(line.category);
    j->set("label", info != nullptr ? std::string(info->label) : line.category);
    j->set("sku", line.sku);
    j->set("item", line.item);
    j->set("description", line.description);
    j->set("quantity", line.quantity);
    j->set("amount_cents", line.amount);
    j->set("amount", money(line.amount, currency));
    j->set("rows", static_cast<std::int64_t>(line.rows));
    return j;
}

JsonObject documentJson(const settlement::SummaryDocument& doc, const std::string& currency) {
    JsonObject j = object();
    j->set("kind", doc.kind == settlement::DocumentKind::SalesReceipt ? "sales_receipt" : "credit_memo");
    j->set("title", doc.kind == settlement::DocumentKind::SalesReceipt ? "Sales receipt" : "Credit memo");
    j->set("part", doc.part);
    j->set("ref_number", doc.refNumber);
    j->set("external_key", doc.externalKey);
    j->set("txn_date", doc.txnDate);
    j->set("memo", doc.memo);
    JsonArray products = array();
    JsonArray others = array();
    store::Cents productTotal = 0;
    store::Cents otherTotal = 0;
    for (const auto& line : doc.lines) {
        if (line.category == settlement::kProductCategory) {
            products->add(lineJson(line, currency));
            productTotal += line.amount;
        } else {
            others->add(lineJson(line, currency));
            otherTotal += line.amount;
        }
    }
    j->set("product_lines", products);
    j->set("other_lines", others);
    j->set("products_total", money(productTotal, currency));
    j->set("others_total", money(otherTotal, currency));
    j->set("total_cents", doc.total());
    j->set("total", money(doc.total(), currency));
    return j;
}

}  // namespace

PreviewSelection selectSettlement(const std::vector<SettlementSpan>& spans, std::string_view from, std::string_view to) {
    PreviewSelection result;
    for (std::size_t i = 0; i < spans.size(); ++i) {
        const SettlementSpan& s = spans[i];
        if (s.endDate > to) continue;
        if (!result.selected) {
            result.selected = i;
            continue;
        }
        const SettlementSpan& best = spans[*result.selected];
        if (s.endDate > best.endDate || (s.endDate == best.endDate && s.endUtc > best.endUtc) ||
            (s.endDate == best.endDate && s.endUtc == best.endUtc && s.row > best.row)) {
            result.selected = i;
        }
    }
    for (std::size_t i = 0; i < spans.size(); ++i) {
        if (result.selected && i == *result.selected) continue;
        if (spans[i].endDate >= from && spans[i].endDate <= to) result.alsoEnding.push_back(i);
    }
    std::sort(result.alsoEnding.begin(), result.alsoEnding.end(), [&](std::size_t a, std::size_t b) {
        return spans[a].endDate != spans[b].endDate ? spans[a].endDate > spans[b].endDate : spans[a].endUtc > spans[b].endUtc;
    });
    const std::string toText(to);
    if (!result.selected) {
        result.reason = spans.empty() ? "no settlement has been imported for this company yet"
                                      : "no settlement ends on or before " + toText +
                                            ": every settlement of this company ends later";
        return result;
    }
    const SettlementSpan& chosen = spans[*result.selected];
    result.reason = describe(chosen) + " is the most recent settlement that ends on or before " + toText +
                    " (the range's end), counting end dates as calendar days in the company's time zone";
    if (chosen.endDate < from) {
        result.reason += "; it ends before the range starts (" + std::string(from) + "): no settlement ends inside it";
    }
    return result;
}

ApiReply previewGet(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t companyId = request.idAt(1);
    const std::string from = checkedDate(request, "from", "first");
    const std::string to = checkedDate(request, "to", "last");
    if (from > to) throw ApiError(400, "the first date must not be after the last date", "from");

    struct Loaded {
        store::Company company;
        std::vector<SettlementSpan> spans;
        std::vector<settlement::Summary> summaries;
    };
    Loaded loaded = ctx.store().read([&](store::Tx& tx) {
        Loaded l;
        l.company = requireCompany(tx, companyId);
        Zones zones;
        for (const auto& record : tx.settlements().list(companyId)) {
            if (record.state != store::SettlementState::Active) continue;
            const auto summaryRecord = tx.settlements().summary(record.id);
            if (!summaryRecord) continue;
            settlement::Summary summary = store::decodeSummary(summaryRecord->summaryJson);
            const settlement::TimeZone& zone = zones.get(summary.timeZone);
            SettlementSpan span;
            span.row = record.id;
            span.settlementId = record.settlementId;
            span.startDate = common::formatDate(zone.localDate(summary.header.startUtc));
            span.endDate = common::formatDate(zone.localDate(summary.header.endUtc));
            span.endUtc = summary.header.endUtc;
            l.spans.push_back(std::move(span));
            l.summaries.push_back(std::move(summary));
        }
        return l;
    });

    const PreviewSelection selection = selectSettlement(loaded.spans, from, to);
    JsonObject out = object();
    out->set("from", from);
    out->set("to", to);
    out->set("reason", selection.reason);
    JsonArray others = array();
    for (const std::size_t i : selection.alsoEnding) {
        const SettlementSpan& s = loaded.spans[i];
        JsonObject o = object();
        o->set("settlement_id", s.settlementId);
        o->set("start_date", s.startDate);
        o->set("end_date", s.endDate);
        others->add(o);
    }
    out->set("also_ending_in_range", others);
    if (!selection.selected) {
        out->set("selected", Poco::Dynamic::Var());
        return ApiReply::ok(out);
    }

    const SettlementSpan& span = loaded.spans[*selection.selected];
    const settlement::Summary& summary = loaded.summaries[*selection.selected];
    const std::string& currency = summary.header.currency;
    JsonObject selected = object();
    selected->set("settlement_id", span.settlementId);
    selected->set("start_date", span.startDate);
    selected->set("end_date", span.endDate);
    selected->set("deposit_date", summary.depositDate);
    selected->set("marketplace", summary.marketplaceName);
    selected->set("currency", currency);
    selected->set("time_zone", summary.timeZone);
    selected->set("customer", summary.customerName);
    selected->set("mapping_version", summary.mappingVersion);

    JsonArray documents = array();
    for (const auto& doc : summary.documents) documents->add(documentJson(doc, currency));
    selected->set("documents", documents);

    JsonArray parts = array();
    for (const auto& part : summary.parts) {
        JsonObject p = object();
        p->set("index", part.index);
        p->set("month", part.month);
        p->set("txn_date", part.txnDate);
        p->set("net", money(part.net, currency));
        parts->add(p);
    }
    selected->set("parts", parts);

    JsonObject rec = object();
    rec->set("deposit_cents", summary.header.totalAmount);
    rec->set("deposit", money(summary.header.totalAmount, currency));
    rec->set("rows_total", money(summary.rowsTotal, currency));
    rec->set("documents_net_cents", summary.documentsNet);
    rec->set("documents_net", money(summary.documentsNet, currency));
    rec->set("difference", money(summary.difference, currency));
    rec->set("row_count", static_cast<std::int64_t>(summary.rowCount));
    rec->set("reconciled", summary.reconciled);
    rec->set("gross_mode", summary.grossMode);
    selected->set("reconciliation", rec);

    JsonArray unmapped = array();
    for (const auto& u : summary.unmapped) {
        JsonObject o = object();
        o->set("transaction_type", u.transactionType);
        o->set("amount_type", u.amountType);
        o->set("amount_description", u.amountDescription);
        o->set("rows", static_cast<std::int64_t>(u.rows));
        o->set("amount", money(u.amount, currency));
        o->set("first_line", static_cast<std::int64_t>(u.firstLine));
        unmapped->add(o);
    }
    selected->set("unmapped", unmapped);
    JsonArray notes = array();
    for (const auto& note : summary.notes) notes->add(note);
    selected->set("notes", notes);

    // The one exchange rate of a foreign-currency settlement's documents (docs/POSTING.md, "Exchange rates"): the frozen
    // one, else QuickBooks' rate as last read, which is checked and frozen when the first document is sent.
    qbxml::RenderContext renderCtx = posting::renderContextFor(loaded.company, "");
    JsonObject rateJson = object();
    {
        const std::string home = posting::companyCurrency(loaded.company);
        const bool foreign = loaded.company.multiCurrency.value_or(false) && !home.empty() && !currency.empty() &&
                             !common::equalsIgnoreCaseAscii(home, currency) && !qbxml::isCurrency(home, currency);
        const auto [frozen, read, edition] = ctx.store().read([&](store::Tx& tx) {
            store::QbEditionRepo repo(tx.database());
            return std::make_tuple(repo.settlementRate(span.row), repo.rate(loaded.company.id, common::asciiUpper(currency)),
                                   repo.get(loaded.company.id));
        });
        renderCtx.canadianEdition = common::equalsIgnoreCaseAscii(edition.country, "CA");
        rateJson->set("foreign", foreign);
        rateJson->set("home_currency", home);
        rateJson->set("frozen", foreign && frozen.has_value());
        std::string text;
        std::string rate;
        if (foreign && frozen) {
            rate = frozen->rate;
            text = posting::describeRate(*frozen) + ", frozen for every document of this settlement.";
            rateJson->set("as_of", frozen->asOf);
            rateJson->set("source", frozen->source);
        } else if (foreign && read && !read->rate.empty()) {
            rate = read->rate;
            text = "1 " + common::asciiUpper(currency) + " = " + read->rate + " " + home + ": QuickBooks' rate as of " +
                   read->asOf + ", as last read. It is checked against the settlement's end (at most " +
                   std::to_string(edition.rateMaxAgeDays) + " days older) and frozen when the first document is sent; "
                   "or state the rate when approving.";
            rateJson->set("as_of", read->asOf);
            rateJson->set("source", "quickbooks");
        } else if (foreign) {
            text = std::string(read ? "QuickBooks had no exchange rate for " + common::asciiUpper(currency) +
                                          " when it was last read"
                                    : "QuickBooks' exchange rate for " + common::asciiUpper(currency) +
                                          " has not been read yet") +
                   ": it is read at the next Web Connector run, and the settlement is held if QuickBooks has none; or "
                   "state the rate when approving.";
        }
        rateJson->set("rate", rate);
        rateJson->set("text", text);
        if (!rate.empty()) renderCtx.exchangeRate = rate;
        if (foreign) {
            // A foreign settlement goes to the customer and the clearing and bank accounts in its currency (as the
            // posting queue names them: docs/POSTING.md, "Currencies"), and its deposit moves to the bank with a
            // DepositAdd at that rate (a TransferAdd carries no rate); a payout the bank returned goes back to the
            // home-currency carried-balance account with a DepositAdd of funds in its currency.
            store::Document probe;
            probe.currency = currency;
            probe.customer = summary.customerName;
            probe.settlementId = span.settlementId;
            const posting::CurrencyPlan plan = posting::planCurrency(loaded.company, probe, loaded.company.bankAccount);
            if (plan.refusal.empty()) {
                renderCtx.customerName = plan.customer;
                renderCtx.clearingAccount = plan.clearingAccount;
                renderCtx.transferToAccount = plan.transferAccount;
                renderCtx.depositCurrency = plan.quickBooksCurrency;
            }
            renderCtx.transferAsDeposit = true;
        }
    }
    // The transfer of the deposit is shown only when the company posts it (Settings: bank account and transfer on).
    if (!loaded.company.postTransfer) renderCtx.transferToAccount.clear();
    selected->set("exchange_rate", rateJson);

    try {
        selected->set("qbxml", qbxml::renderPreview(summary, renderCtx));
        selected->set("qbxml_error", "");
    } catch (const std::exception& e) {
        selected->set("qbxml", "");
        selected->set("qbxml_error", std::string("QuickBooks would refuse this summary: ") + e.what());
    }

    // Where its documents stand in the posting queue.
    const auto docs = ctx.store().read([&](store::Tx& tx) { return tx.documents().forSettlement(span.row); });
    JsonArray queue = array();
    for (const auto& d : docs) {
        JsonObject o = object();
        o->set("id", d.id);
        o->set("kind", std::string(store::toString(d.kind)));
        o->set("ref_number", d.refNumber);
        o->set("state", std::string(store::toString(d.state)));
        o->set("total", money(d.expectedTotal, d.currency));
        queue->add(o);
    }
    selected->set("queue", queue);
    out->set("selected", selected);
    return ApiReply::ok(out);
}

}  // namespace settlebridge::admin
