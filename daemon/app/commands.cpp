#include "daemon/app/commands.hpp"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>

#include "daemon/app/arguments.hpp"
#include "daemon/app/cli.hpp"
#include "daemon/app/columns.hpp"
#include "daemon/app/json_writer.hpp"
#include "daemon/app/service.hpp"
#include "daemon/app/settings.hpp"
#include "daemon/common/datetime.hpp"
#include "daemon/common/money.hpp"
#include "daemon/common/sign_in_refusals.hpp"
#include "daemon/common/text.hpp"
#include "daemon/store/admin_company_options.hpp"
#include "daemon/store/refusal_totals.hpp"
#include "daemon/store/unmapped_types.hpp"

namespace settlebridge::app {

namespace {

std::optional<std::string> optionalValue(const Arguments& arguments, const std::string& name) {
    if (!arguments.has(name)) return std::nullopt;
    return arguments.get(name);
}

CompanySettings settingsOf(const Arguments& arguments) {
    CompanySettings settings;
    if (arguments.has("mode")) {
        settings.mode = store::parseCompanyMode(arguments.get("mode"));
        if (!settings.mode) throw UsageError("--mode must be testing or live");
    }
    settings.timeZone = optionalValue(arguments, "time-zone");
    settings.customerName = optionalValue(arguments, "customer");
    settings.companyFile = optionalValue(arguments, "company-file");
    settings.homeCurrency = optionalValue(arguments, "currency");
    settings.bankAccount = optionalValue(arguments, "bank-account");
    auto yesNo = [&](const std::string& name) -> std::optional<bool> {
        if (!arguments.has(name)) return std::nullopt;
        const std::string value = common::asciiLower(arguments.get(name));
        if (value == "yes" || value == "on" || value == "true") return true;
        if (value == "no" || value == "off" || value == "false") return false;
        throw UsageError("--" + name + " must be yes or no");
    };
    settings.postTransfer = yesNo("transfer");
    settings.taxRegistered = yesNo("tax-registered");
    if (arguments.has("auto-live-days")) {
        // Not a whole number: refused by the service like a number out of range (the admin page's words).
        const std::string text = arguments.get("auto-live-days");
        char* end = nullptr;
        errno = 0;
        const long long days = std::strtoll(text.c_str(), &end, 10);
        settings.autoLiveDays = text.empty() || *end != '\0' || errno == ERANGE ? -1 : days;
    }
    if (arguments.has("exchange-rate-max-age-days")) {
        const std::string text = arguments.get("exchange-rate-max-age-days");
        char* end = nullptr;
        const long days = std::strtol(text.c_str(), &end, 10);
        if (text.empty() || *end != '\0' || days < 0 || days > 3650) {
            throw UsageError("--exchange-rate-max-age-days must be a number of days from 0 to 3650");
        }
        settings.rateMaxAgeDays = static_cast<int>(days);
    }
    return settings;
}

/// The Web Connector password: $SETTLEBRIDGE_PASSWORD, else the first line of standard input. Never argv.
std::string readPassword(std::istream& in) {
    if (const char* env = std::getenv("SETTLEBRIDGE_PASSWORD"); env != nullptr && *env != '\0') return env;
    std::string line;
    if (!std::getline(in, line)) {
        throw BadInput("no password: set SETTLEBRIDGE_PASSWORD or give it on the first line of standard input");
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

std::string requireCompany(const Arguments& arguments) {
    if (!arguments.has("company") || arguments.get("company").empty()) throw UsageError("--company NAME is required");
    return arguments.get("company");
}

/// The sales tax code the company's lines carry: QuickBooks' default non-taxable code when its sales tax is on
/// (docs/POSTING.md, "Editions"), "" when sales tax is off or not known yet.
std::string salesTaxCodeUsed(const store::Company& company) {
    return company.salesTax.value_or(false) ? company.nonTaxableCode : std::string();
}

const char* kindKey(store::DocKind kind) {
    switch (kind) {
        case store::DocKind::Receipt: return "receipt";
        case store::DocKind::CreditMemo: return "credit_memo";
        case store::DocKind::RefundPayment: return "refund_payment";
        case store::DocKind::Transfer: return "transfer";
    }
    return "receipt";
}

}  // namespace

int companyCommand(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream&) {
    if (args.size() < 2) throw UsageError("company needs a subcommand: add, set or list");
    const std::string& sub = args[1];
    if (findCommand("company " + sub) == nullptr) throw UsageError("unknown company subcommand \"" + sub + "\"");
    const Arguments arguments(args, 2, commandSpec("company " + sub));
    if (sub == "list") {
        Service service(dataDirOf(arguments), databaseOf(arguments));
        const auto companies = service.companies();
        if (arguments.get("format", "text") == "json") {
            JsonWriter json(out);
            json.beginObject().key("companies").beginArray();
            for (const auto& c : companies) {
                json.beginObject();
                json.key("name").value(c.name);
                json.key("mode").value(store::toString(c.mode));
                json.key("time_zone").value(c.timeZone);
                json.key("customer").value(c.customerName);
                json.key("company_file").value(c.companyFile);
                json.key("qbxml_version").value(c.qbxmlVersion);
                json.key("currency").value(c.homeCurrency);
                json.key("auto_live_days").value(c.autoLiveDays);
                const store::EditionInfo edition = service.edition(c.id);
                json.key("edition").value(edition.country);
                json.key("sales_tax_code").value(salesTaxCodeUsed(c));
                json.key("exchange_rate_max_age_days").value(edition.rateMaxAgeDays);
                json.endObject();
            }
            json.endArray().endObject();
        } else {
            for (const auto& c : companies) {
                const store::EditionInfo edition = service.edition(c.id);
                out << c.name << "\t" << store::toString(c.mode) << "\tcustomer \"" << c.customerName << "\""
                    << (c.timeZone.empty() ? "" : "\t" + c.timeZone)
                    << (edition.country.empty() ? "" : "\tedition " + edition.country) << "\ttax code "
                    << (salesTaxCodeUsed(c).empty() ? "none (sales tax off or not known yet)" : salesTaxCodeUsed(c))
                    << "\n";
            }
        }
        return kExitOk;
    }
    if (arguments.positional().size() != 1) throw UsageError("company " + sub + " needs exactly one NAME");
    const std::string& name = arguments.positional().front();
    if (sub == "add") {
        const std::string password = readPassword(in);
        Service service(dataDirOf(arguments), databaseOf(arguments));
        const store::Company company = service.addCompany(name, password, settingsOf(arguments));
        out << "company \"" << company.name << "\" added (mode " << store::toString(company.mode)
            << "); Web Connector user \"" << company.name << "\"\n";
        return kExitOk;
    }
    if (sub == "set") {
        std::optional<std::string> password;
        if (arguments.has("password-stdin")) password = readPassword(in);
        Service service(dataDirOf(arguments), databaseOf(arguments));
        const store::Company company = service.updateCompany(name, settingsOf(arguments), password);
        out << "company \"" << company.name << "\" updated (mode " << store::toString(company.mode) << ")\n";
        return kExitOk;
    }
    throw UsageError("unknown company subcommand \"" + sub + "\"");
}

int importCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream&) {
    const Arguments arguments(args, 1, commandSpec("import"));
    if (arguments.positional().size() != 1) throw UsageError("import needs exactly one FILE");
    const std::string company = requireCompany(arguments);
    ImportOptions options;
    options.splitMonths = arguments.has("split-months");
    options.mapFile = optionalValue(arguments, "map");
    Service service(dataDirOf(arguments), databaseOf(arguments));
    const auto result = service.importReport(company, arguments.positional().front(), options);
    switch (result.outcome) {
        case posting::ImportResult::Outcome::Imported:
            out << "imported " << result.settlementId << ": " << result.documents << " documents (" << result.queued
                << " queued, " << result.held << " held)\n";
            break;
        case posting::ImportResult::Outcome::AlreadyImported:
            out << "already imported " << result.settlementId << ": nothing changed\n";
            break;
        case posting::ImportResult::Outcome::Replaced:
            out << "replaced " << result.settlementId << ": " << result.message << "\n";
            break;
        case posting::ImportResult::Outcome::Conflict:
            out << "conflict " << result.settlementId << ": " << result.message << "\n";
            break;
    }
    if (result.outcome == posting::ImportResult::Outcome::Imported ||
        result.outcome == posting::ImportResult::Outcome::Replaced) {
        const auto summary = service.store().read([&](store::Tx& tx) {
            return tx.settlements().summary(result.settlementRow);
        });
        if (summary && !summary->reconciled) return kExitUnreconciled;
    }
    return kExitOk;
}

int approveCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream&) {
    const Arguments arguments(args, 1, commandSpec("approve"));
    if (arguments.positional().size() != 1) throw UsageError("approve needs exactly one SETTLEMENT_ID");
    if (arguments.has("exchange-rate") && arguments.get("exchange-rate").empty()) {
        throw UsageError("--exchange-rate needs a rate (home currency per unit, e.g. 0.7312)");
    }
    Service service(dataDirOf(arguments), databaseOf(arguments));
    const auto result =
        service.approve(requireCompany(arguments), arguments.positional().front(), arguments.get("exchange-rate"));
    out << "approved " << arguments.positional().front() << ": " << result.queued << " document(s) queued";
    if (!result.rate.empty()) out << "; exchange rate " << result.rate;
    out << "\n";
    return kExitOk;
}

int retryCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream&) {
    const Arguments arguments(args, 1, commandSpec("retry"));
    if (arguments.positional().size() != 1) throw UsageError("retry needs exactly one DOCUMENT_ID");
    char* end = nullptr;
    const long long id = std::strtoll(arguments.positional().front().c_str(), &end, 10);
    if (end == nullptr || *end != '\0' || id <= 0) throw UsageError("DOCUMENT_ID must be a positive number");
    Service service(dataDirOf(arguments), databaseOf(arguments));
    const store::Document document = service.retry(id);
    out << "document " << document.id << " (" << document.refNumber << ") is " << store::toString(document.state)
        << "\n";
    return kExitOk;
}

int taxReportCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream&) {
    const Arguments arguments(args, 1, commandSpec("tax-report"));
    const std::string format = arguments.get("format", "text");
    if (format != "text" && format != "json") throw UsageError("--format must be text or json");
    if (!arguments.positional().empty()) throw UsageError("tax-report takes no FILE: use --company NAME");
    Service service(dataDirOf(arguments), databaseOf(arguments));
    const posting::TaxReport report =
        service.taxReport(requireCompany(arguments), arguments.get("from"), arguments.get("to"));
    auto figures = [](JsonWriter& json, const settlement::TaxFigures& f) {
        json.key("collected_cents").value(f.collected);
        json.key("remitted_by_amazon_cents").value(f.remittedByAmazon);
        json.key("to_remit_cents").value(f.toRemit());
        json.key("fee_tax_cents").value(f.feeTax());
        json.key("fee_tax_recoverable_cents").value(f.feeTaxRecoverable);
        json.key("fee_tax_expensed_cents").value(f.feeTaxExpensed);
    };
    if (format == "json") {
        JsonWriter json(out);
        json.beginObject();
        json.key("company").value(report.company);
        json.key("tax_registered").value(report.registered);
        json.key("from").value(report.from);
        json.key("to").value(report.to);
        json.key("settlements").beginArray();
        for (const auto& row : report.rows) {
            json.beginObject();
            json.key("settlement_id").value(row.settlementId);
            json.key("txn_date").value(row.txnDate);
            json.key("currency").value(row.currency);
            json.key("tax_registered").value(row.registered);
            json.key("posted").value(row.posted);
            figures(json, row.figures);
            json.endObject();
        }
        json.endArray();
        json.key("months").beginArray();
        for (const auto& month : report.months) {
            json.beginObject();
            json.key("month").value(month.month);
            json.key("currency").value(month.currency);
            figures(json, month.figures);
            json.endObject();
        }
        json.endArray();
        json.endObject();
        return kExitOk;
    }
    auto cell = [](common::Cents cents) { return alignRight(common::formatCents(cents), 12); };
    out << "Tax report for \"" << report.company << "\" ("
        << (report.registered ? "registered for GST/HST or VAT: tax on Amazon's fees is recoverable"
                              : "not registered: tax on Amazon's fees is an expense")
        << "), documents dated " << (report.from.empty() ? std::string("from the start") : "from " + report.from)
        << (report.to.empty() ? std::string(" to the end") : " to " + report.to) << "\n\n";
    out << "Settlement   Date        Cur     Collected  By Amazon    To remit Tax on fees  Booked as\n";
    for (const auto& row : report.rows) {
        out << row.settlementId << std::string(row.settlementId.size() < 12 ? 13 - row.settlementId.size() : 1, ' ')
            << row.txnDate << "  " << row.currency << " " << cell(row.figures.collected)
            << cell(row.figures.remittedByAmazon) << cell(row.figures.toRemit()) << cell(row.figures.feeTax()) << "  "
            << (row.figures.feeTax() == 0 ? "-" : row.registered ? "recoverable" : "expense")
            << (row.posted ? "" : " (not yet in QuickBooks)") << "\n";
    }
    if (report.rows.empty()) out << "(no settlement documents in this period)\n";
    out << "\nMonth    Cur     Collected  By Amazon    To remit Tax on fees  Recoverable     Expense\n";
    for (const auto& month : report.months) {
        out << month.month << "  " << month.currency << " " << cell(month.figures.collected)
            << cell(month.figures.remittedByAmazon) << cell(month.figures.toRemit()) << cell(month.figures.feeTax())
            << " " << cell(month.figures.feeTaxRecoverable) << cell(month.figures.feeTaxExpensed) << "\n";
    }
    out << "\nGST/HST return: \"To remit\" goes with the tax you collected (line 105), \"Recoverable\" with your input "
           "tax credits (line 108); docs/ACCOUNTING.md section 15.\n";
    return kExitOk;
}

namespace {

using Refusals = common::SignInRefusals;
constexpr Refusals::Reason kRefusalReasons[] = {Refusals::Reason::GateBusy, Refusals::Reason::AddressThrottled,
                                                Refusals::Reason::NameRateLimited, Refusals::Reason::Locked};

// The daemon's sign-in refusals (saved by it at most every 10 s): one line, or the JSON object.
void writeRefusals(const std::optional<store::RefusalTotals>& totals, std::ostream& out) {
    if (!totals) {
        out << "Sign-ins refused without a password check: none recorded (the daemon saves them while it runs)\n";
        return;
    }
    out << "Sign-ins refused without a password check since the daemon started " << common::formatUtcDateTime(totals->since)
        << " (saved " << common::formatUtcDateTime(totals->updatedAt) << "):";
    const char* separator = " ";
    for (const auto reason : kRefusalReasons) {
        const auto wc = totals->counts.at(Refusals::Door::WebConnector, reason);
        const auto admin = totals->counts.at(Refusals::Door::Admin, reason);
        std::string name(Refusals::key(reason));
        for (char& c : name) {
            if (c == '_') c = ' ';
        }
        out << separator << name << " " << (wc + admin);
        if (admin > 0) out << " (Web Connector " << wc << ", admin page " << admin << ")";
        separator = ", ";
    }
    out << "\n";
}

void writeRefusals(const std::optional<store::RefusalTotals>& totals, JsonWriter& json) {
    json.key("sign_in_refusals");
    if (!totals) {
        json.null();
        return;
    }
    json.beginObject();
    json.key("since").value(totals->since);
    json.key("updated_at").value(totals->updatedAt);
    for (const auto door : {Refusals::Door::WebConnector, Refusals::Door::Admin}) {
        json.key(std::string(Refusals::key(door))).beginObject();
        for (const auto reason : kRefusalReasons) {
            json.key(std::string(Refusals::key(reason))).value(static_cast<std::int64_t>(totals->counts.at(door, reason)));
        }
        json.endObject();
    }
    json.endObject();
}

}  // namespace

int statusCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream&) {
    const Arguments arguments(args, 1, commandSpec("status"));
    const std::string format = arguments.get("format", "text");
    if (format != "text" && format != "json") throw UsageError("--format must be text or json");
    Service service(dataDirOf(arguments), databaseOf(arguments));
    const auto statuses = service.status(optionalValue(arguments, "company"));
    const auto refusals = service.store().read([](store::Tx& tx) { return store::loadRefusalTotals(tx.database()); });
    posting::Queue queue(service.store());
    static constexpr store::DocState kStates[] = {store::DocState::Held, store::DocState::Queued,
                                                  store::DocState::Sent, store::DocState::Posted,
                                                  store::DocState::Failed};
    auto count = [](const posting::QueueStatus& s, store::DocState state) {
        const auto it = s.counts.find(state);
        return it == s.counts.end() ? 0 : it->second;
    };
    if (format == "json") {
        JsonWriter json(out);
        json.beginObject().key("companies").beginArray();
        for (const auto& s : statuses) {
            const store::Company company = service.company(s.company);
            json.beginObject();
            json.key("name").value(s.company);
            json.key("mode").value(store::toString(company.mode));
            json.key("counts").beginObject();
            for (const auto state : kStates) json.key(store::toString(state)).value(count(s, state));
            json.endObject();
            json.key("documents").beginArray();
            for (const auto& d : queue.documents(s.company)) {
                json.beginObject();
                json.key("id").value(d.id);
                json.key("settlement_id").value(d.settlementId);
                json.key("kind").value(kindKey(d.kind));
                json.key("part").value(d.part);
                json.key("ref_number").value(d.refNumber);
                json.key("state").value(store::toString(d.state));
                json.key("txn_date").value(d.txnDate);
                json.key("expected_total_cents").value(d.expectedTotal);
                json.key("qb_txn_id").value(d.qbTxnId);
                if (d.qbTotal) json.key("qb_total_cents").value(*d.qbTotal); else json.key("qb_total_cents").null();
                if (d.qbStatusCode) json.key("qb_status_code").value(*d.qbStatusCode); else json.key("qb_status_code").null();
                json.key("qb_status_message").value(d.qbStatusMessage);
                json.key("last_error").value(d.lastError);
                json.key("hold_reason").value(d.holdReason);
                json.key("attempts").value(d.attempts);
                json.key("resends").value(d.resends);
                json.key("needs_checking").value(!d.checkReason.empty());
                json.key("check_reason").value(d.checkReason);
                json.key("add_answer").value(d.addAnswer);
                json.key("lookup_answer").value(d.lookupAnswer);
                json.endObject();
            }
            json.endArray();
            json.endObject();
        }
        json.endArray();
        writeRefusals(refusals, json);
        json.endObject();
        return kExitOk;
    }
    for (const auto& s : statuses) {
        out << s.company << ":";
        for (const auto state : kStates) out << " " << store::toString(state) << " " << count(s, state);
        out << "\n";
        for (const auto& d : s.attention) {
            out << "  #" << d.id << " " << kindKey(d.kind) << " " << d.refNumber << " (settlement " << d.settlementId
                << ", " << common::formatCents(d.expectedTotal) << " " << d.currency << ") "
                << (d.checkReason.empty() ? store::toString(d.state) : std::string_view("needs checking"));
            if (!d.holdReason.empty()) out << ": " << d.holdReason;
            if (d.qbStatusCode && d.checkReason.empty()) out << ": QuickBooks " << *d.qbStatusCode << " " << d.qbStatusMessage;
            if (!d.lastError.empty()) out << ": " << d.lastError;
            out << "\n";
            if (!d.checkReason.empty()) {
                if (!d.addAnswer.empty()) out << "      QuickBooks' answer to the add: " << d.addAnswer << "\n";
                if (!d.lookupAnswer.empty()) out << "      to the query: " << d.lookupAnswer << "\n";
            }
        }
    }
    if (statuses.empty()) out << "no companies yet: settlebridge company add NAME\n";
    writeRefusals(refusals, out);
    return kExitOk;
}

int qwcCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream&) {
    const Arguments arguments(args, 1, commandSpec("qwc"));
    if (!arguments.has("url")) throw UsageError("--url URL is required (e.g. http://localhost:8080/qbwc)");
    Service service(dataDirOf(arguments), databaseOf(arguments));
    const std::string text = service.qwc(requireCompany(arguments), arguments.get("url"));
    if (arguments.has("out")) {
        std::ofstream file(arguments.get("out"), std::ios::binary | std::ios::trunc);
        if (!(file << text)) throw BadInput("cannot write " + arguments.get("out"));
    } else {
        out << text;
    }
    return kExitOk;
}

int unmappedCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream&) {
    const bool map = args.size() > 1 && args[1] == "map";
    const Arguments arguments(args, map ? 2 : 1, commandSpec(map ? "unmapped map" : "unmapped"));
    if (!arguments.positional().empty()) throw UsageError("unmapped takes no FILE; see `settlebridge help`");
    const std::string companyName = requireCompany(arguments);
    Service service(dataDirOf(arguments), databaseOf(arguments));
    const store::Company owner = service.company(companyName);
    if (map) {
        const std::string category = arguments.get("category", "");
        if (category.empty()) throw UsageError("unmapped map needs --category KEY");
        const store::MappedType mapped = service.store().write([&](store::Tx& tx) {
            return store::mapUnmappedType(tx, owner.id, arguments.get("transaction-type", ""),
                                          arguments.get("amount-type", ""), arguments.get("description", ""),
                                          category, "the command line", nowSeconds());
        });
        out << "mapped: " << mapped.rule << "\n"
            << "rows of this kind now go to \"" << mapped.categoryLabel << "\" (mapping " << mapped.mappingVersion
            << "); settlements imported from now on use it\n";
        return kExitOk;
    }
    const std::string format = arguments.get("format", "text");
    if (format != "text" && format != "json") throw UsageError("--format must be text or json");
    std::string version;
    const auto types = service.store().read([&](store::Tx& tx) {
        const store::CompanyOptions options = store::CompanyOptionsRepo(tx.database()).get(owner.id);
        version = store::companyMappingVersion(options.mappingText, options.mappingRevision);
        return store::listUnmappedTypes(tx, owner.id);
    });
    if (format == "json") {
        JsonWriter json(out);
        json.beginObject().key("company").value(owner.name).key("mapping_version").value(version);
        json.key("types").beginArray();
        for (const auto& t : types) {
            json.beginObject();
            json.key("transaction_type").value(t.transactionType);
            json.key("amount_type").value(t.amountType);
            json.key("amount_description").value(t.amountDescription);
            json.key("rows").value(t.rows);
            json.key("mapped_to").value(t.mappedTo);
            json.key("totals").beginArray();
            for (const auto& [currency, cents] : t.totals) {
                json.beginObject().key("currency").value(currency).key("amount_cents").value(cents).endObject();
            }
            json.endArray();
            json.key("settlements").beginArray();
            for (const auto& s : t.settlements) {
                json.beginObject();
                json.key("settlement_id").value(s.settlementId);
                json.key("currency").value(s.currency);
                json.key("rows").value(s.rows);
                json.key("amount_cents").value(s.amount);
                json.key("first_line").value(s.firstLine);
                json.endObject();
            }
            json.endArray();
            json.endObject();
        }
        json.endArray().endObject();
        out << "\n";
        return kExitOk;
    }
    const auto describe = [](const store::UnmappedType& t) {
        std::string text = "  " + t.transactionType + " / " + t.amountType + " / " + t.amountDescription + ": " +
                           std::to_string(t.rows) + (t.rows == 1 ? " row, " : " rows, ");
        bool first = true;
        for (const auto& [currency, cents] : t.totals) {
            text += (first ? "" : " + ") + common::formatCents(cents) + " " + currency;
            first = false;
        }
        text += "; settlements";
        for (const auto& s : t.settlements) {
            text += " " + s.settlementId + " (" + std::to_string(s.rows) + (s.rows == 1 ? " row, " : " rows, ") +
                    common::formatCents(s.amount) + " " + s.currency + ", first at line " +
                    std::to_string(s.firstLine) + ")";
        }
        return text;
    };
    std::size_t open = 0;
    for (const auto& t : types) open += t.mappedTo.empty() ? 1 : 0;
    if (open == 0) {
        out << "Every row of every imported settlement of \"" << owner.name << "\" has a category (mapping " << version
            << ").\n";
    } else {
        out << "Row kinds no rule maps yet in the settlements of \"" << owner.name << "\" (mapping " << version
            << "); they post to \"Amazon Unmapped\":\n";
        for (const auto& t : types)
            if (t.mappedTo.empty()) out << describe(t) << "\n";
        out << "Map one: settlebridge unmapped map --company NAME --transaction-type T --amount-type A "
               "--description D --category KEY\n";
    }
    bool header = false;
    for (const auto& t : types) {
        if (t.mappedTo.empty()) continue;
        if (!header) out << "Mapped since they were imported (settlements imported later use the rule):\n";
        header = true;
        out << describe(t) << " -> " << t.mappedTo << "\n";
    }
    return kExitOk;
}

}  // namespace settlebridge::app
