#include "daemon/admin/settings_api.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "daemon/posting/account_check.hpp"
#include "daemon/common/money.hpp"
#include "daemon/common/text.hpp"
#include "daemon/posting/tax_report.hpp"
#include "daemon/posting/tax_codes.hpp"
#include "daemon/settlement/categories.hpp"
#include "daemon/settlement/mapping.hpp"
#include "daemon/store/admin_company_options.hpp"
#include "daemon/store/company_settings.hpp"
#include "daemon/store/amazon_connections.hpp"
#include "daemon/store/qb_edition.hpp"
#include "qbxml/render.hpp"

namespace settlebridge::admin {

namespace {

constexpr std::string_view kVersionPrefix = "admin-";

std::vector<std::string> splitTabs(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const std::size_t tab = text.find('\t', start);
        out.emplace_back(text.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
        if (tab == std::string_view::npos) break;
        start = tab + 1;
    }
    return out;
}

/// The mapping text without its version line (what decides whether the revision moves).
std::string withoutVersion(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    std::string out;
    while (std::getline(in, line)) {
        if (line.rfind("version", 0) == 0 && (line.size() == 7 || line[7] == ' ' || line[7] == '\t')) continue;
        out += line;
        out += '\n';
    }
    return out;
}

class Errors {
public:
    void add(const std::string& field, const std::string& message) { list_.push_back({field, message}); }
    bool empty() const { return list_.empty(); }
    [[noreturn]] void raise() const {
        throw ApiError(400, list_.front().message, list_.front().field).withErrors(list_);
    }

private:
    std::vector<ApiError::FieldError> list_;
};

/// A whole number field within [low, high].
std::optional<int> intField(const ApiRequest& request, const std::string& field, int low, int high,
                            const std::string& message, Errors& errors) {
    std::optional<std::int64_t> value;
    try {
        value = request.optionalInt(field);
    } catch (const ApiError&) {
        errors.add(field, message);
        return std::nullopt;
    }
    if (!value) return std::nullopt;
    if (*value < low || *value > high) {
        errors.add(field, message);
        return std::nullopt;
    }
    return static_cast<int>(*value);
}

std::optional<std::string> textField(const ApiRequest& request, const std::string& field, Errors& errors) {
    try {
        return request.optionalText(field);
    } catch (const ApiError& e) {
        errors.add(field, e.what());
        return std::nullopt;
    }
}

JsonObject settingsJson(store::Tx& tx, const store::Company& company) {
    const store::CompanyOptions options = store::CompanyOptionsRepo(tx.database()).get(company.id);
    const MappingForm form = readMapping(options.mappingText);
    JsonObject out = object();
    out->set("company_id", company.id);
    out->set("company", company.name);
    out->set("download_window_days", options.downloadWindowDays);
    out->set("sync_every_hours", options.syncEveryMinutes / 60);
    out->set("run_every_minutes", company.runEveryMinutes);
    out->set("auto_live_days", company.autoLiveDays);
    out->set("customer_name", company.customerName);
    out->set("time_zone", company.timeZone);
    out->set("split_months", options.splitMonths);
    out->set("tax_registered", options.taxRegistered);
    out->set("bank_account", company.bankAccount);
    out->set("post_transfer", company.postTransfer);
    out->set("qbxml_version", company.qbxmlVersion);
    out->set("qb_product", company.qbProduct);
    // The edition and what follows from it (docs/POSTING.md, "Editions", "Exchange rates"): shown, not edited, except
    // the exchange rate age limit.
    store::QbEditionRepo edition(tx.database());
    const store::EditionInfo learned = edition.get(company.id);
    out->set("qb_edition", learned.country);
    out->set("sales_tax_on", company.salesTax ? Poco::Dynamic::Var(*company.salesTax) : Poco::Dynamic::Var());
    out->set("sales_tax_code", company.salesTax.value_or(false) ? company.nonTaxableCode : std::string());
    JsonArray taxCodes = array();
    for (const auto& code : edition.taxCodes(company.id)) {
        JsonObject o = object();
        o->set("name", code.name);
        o->set("taxable", code.taxable);
        o->set("description", code.description);
        taxCodes->add(o);
    }
    out->set("sales_tax_codes", taxCodes);
    out->set("sales_tax_code_problem", company.salesTax.value_or(false) && learned.taxCodesReadAt != 0
                                           ? posting::taxCodeProblem(company.nonTaxableCode, edition.taxCodes(company.id))
                                           : std::string());
    out->set("home_currency", company.homeCurrency);
    out->set("multicurrency", company.multiCurrency ? Poco::Dynamic::Var(*company.multiCurrency) : Poco::Dynamic::Var());
    out->set("exchange_rate_max_age_days", learned.rateMaxAgeDays);
    out->set("mapping_version",
             options.mappingText.empty() ? std::string(settlement::kBuiltinMappingVersion)
                                         : std::string(settlement::kBuiltinMappingVersion) + "+" + std::string(kVersionPrefix) +
                                               std::to_string(options.mappingRevision));
    std::map<std::string, MappingForm::Override> overrides;
    for (const auto& o : form.overrides) overrides[o.category] = o;
    JsonArray categories = array();
    for (const auto& info : settlement::builtinCategories()) {
        JsonObject c = object();
        c->set("key", std::string(info.key));
        c->set("label", std::string(info.label));
        c->set("default_item", std::string(info.defaultItem));
        c->set("default_account", std::string(info.defaultAccount));
        c->set("account_type", std::string(settlement::accountKindName(info.accountKind)));
        // Categories that must share the carried-balance account (docs/ACCOUNTING.md section 14).
        c->set("carried_balance", settlement::isCarriedBalanceCategory(info.key));
        const auto it = overrides.find(std::string(info.key));
        c->set("item", it == overrides.end() ? std::string() : it->second.item);
        c->set("account", it == overrides.end() ? std::string() : it->second.account);
        categories->add(c);
    }
    out->set("categories", categories);
    JsonArray customers = array();
    for (const auto& c : form.customers) {
        JsonObject o = object();
        o->set("match", c.match);
        o->set("customer", c.customer);
        customers->add(o);
    }
    out->set("customers", customers);
    out->set("mapping_extra", form.extra);
    return out;
}

}  // namespace

MappingForm readMapping(const std::string& text) {
    MappingForm form;
    std::map<std::string, std::size_t> byCategory;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const std::size_t blank = line.find_first_of(" \t");
        const std::string keyword = line.substr(0, blank);
        std::string rest = blank == std::string::npos ? std::string() : line.substr(blank);
        const std::size_t first = rest.find_first_not_of(" \t");
        rest = first == std::string::npos ? std::string() : rest.substr(first);
        const std::vector<std::string> fields = splitTabs(rest);
        if (keyword == "version") continue;
        if ((keyword == "item" || keyword == "account") && fields.size() == 2) {
            auto [it, fresh] = byCategory.emplace(fields[0], form.overrides.size());
            if (fresh) form.overrides.push_back({fields[0], "", ""});
            auto& o = form.overrides[it->second];
            (keyword == "item" ? o.item : o.account) = fields[1];
            continue;
        }
        if (keyword == "customer" && fields.size() == 2) {
            form.customers.push_back({fields[0], fields[1]});
            continue;
        }
        if (line.empty() && form.extra.empty()) continue;
        form.extra += line;
        form.extra += '\n';
    }
    return form;
}

std::string composeMapping(const MappingForm& form, const std::string& version) {
    std::string body;
    for (const auto& o : form.overrides) {
        if (!o.item.empty()) body += "item " + o.category + "\t" + o.item + "\n";
        if (!o.account.empty()) body += "account " + o.category + "\t" + o.account + "\n";
    }
    for (const auto& c : form.customers) body += "customer " + c.match + "\t" + c.customer + "\n";
    std::string extra = form.extra;
    if (!extra.empty() && extra.back() != '\n') extra += '\n';
    body += extra;
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) return {};
    return "version " + version + "\n" + body;
}

ApiReply settingsGet(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t companyId = request.idAt(1);
    return ctx.store().read([&](store::Tx& tx) { return ApiReply::ok(settingsJson(tx, requireCompany(tx, companyId))); });
}

ApiReply settingsPut(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t companyId = request.idAt(1);
    Errors errors;
    const auto window = intField(request, "download_window_days", 1, 90,
                                 "the download window must be a whole number of days from 1 to 90 (Amazon keeps "
                                 "settlement reports for 90 days)",
                                 errors);
    const auto syncHours = intField(request, "sync_every_hours", 1, 168,
                                    "Amazon is checked for new settlements every 1 to 168 hours", errors);
    const auto runEvery = intField(request, "run_every_minutes", 1, 1440,
                                   "the Web Connector runs every 1 to 1440 minutes (a day)", errors);
    // The same rules as the CLI's `company add|set` (store/company_settings.hpp).
    const auto autoLive = intField(request, "auto_live_days", 0, static_cast<int>(store::kMaxAutoLiveDays),
                                   store::checkAutoLiveDays(-1)->message, errors);
    const auto rateAge = intField(request, "exchange_rate_max_age_days", 0, 3650,
                                  "QuickBooks' exchange rate may be 0 to 3650 days older than the settlement's end",
                                  errors);
    const auto customer = textField(request, "customer_name", errors);
    if (const auto problem = customer ? store::checkCustomerName(*customer) : std::nullopt) {
        errors.add(problem->field, problem->message);
    }
    const auto zone = textField(request, "time_zone", errors);
    if (const auto problem = zone ? store::checkTimeZone(*zone) : std::nullopt) errors.add(problem->field, problem->message);
    std::optional<bool> split;
    try {
        split = request.optionalBool("split_months");
    } catch (const ApiError& e) {
        errors.add("split_months", e.what());
    }
    std::optional<bool> taxRegistered;
    try {
        taxRegistered = request.optionalBool("tax_registered");
    } catch (const ApiError& e) {
        errors.add("tax_registered", e.what());
    }
    std::optional<bool> postTransfer;
    try {
        postTransfer = request.optionalBool("post_transfer");
    } catch (const ApiError& e) {
        errors.add("post_transfer", e.what());
    }
    const auto bankAccount = textField(request, "bank_account", errors);
    const auto qbxmlVersion = textField(request, "qbxml_version", errors);
    if (qbxmlVersion && !qbxmlVersion->empty()) {
        static const std::set<std::string> kKnown = {"13.0", "14.0", "15.0", "16.0"};
        if (kKnown.count(*qbxmlVersion) == 0) {
            errors.add("qbxml_version", "the qbXML version must be 13.0 (QuickBooks 2014), 14.0, 15.0 or 16.0, or "
                                        "empty to use what QuickBooks reports");
        }
    }

    // The mapping table.
    std::optional<MappingForm> form;
    const bool mappingGiven = request.has("categories") || request.has("customers") || request.has("mapping_extra");
    store::Company company;
    store::CompanyOptions stored;
    ctx.store().read([&](store::Tx& tx) {
        company = requireCompany(tx, companyId);
        stored = store::CompanyOptionsRepo(tx.database()).get(companyId);
    });
    if (bankAccount && !bankAccount->empty()) {
        try {
            (void)qbxml::normalizeAccountName(*bankAccount);
            if (common::equalsIgnoreCaseAscii(*bankAccount, company.clearingAccount)) {
                errors.add("bank_account", "the bank account must not be the clearing account \"" +
                                               company.clearingAccount + "\": the transfer moves each deposit from "
                                               "the clearing account to the bank");
            }
        } catch (const qbxml::RenderError& e) {
            errors.add("bank_account", std::string("the bank account is not a name QuickBooks accepts: ") + e.what());
        }
    }
    if (postTransfer.value_or(company.postTransfer) && bankAccount.value_or(company.bankAccount).empty()) {
        errors.add("bank_account", "name the QuickBooks bank account Amazon pays into, or turn the transfer off");
    }
    if (mappingGiven) {
        form = readMapping(stored.mappingText);
        if (request.has("categories")) {
            form->overrides.clear();
            Poco::JSON::Array::Ptr list;
            try {
                list = request.body->getArray("categories");
            } catch (...) {
            }
            if (!list) {
                errors.add("categories", "categories must be a list");
            } else {
                for (std::size_t i = 0; i < list->size(); ++i) {
                    Poco::JSON::Object::Ptr row = list->getObject(static_cast<unsigned>(i));
                    if (!row) {
                        errors.add("categories", "each category row must be an object");
                        continue;
                    }
                    const std::string key = row->optValue<std::string>("key", "");
                    const std::string item = row->optValue<std::string>("item", "");
                    const std::string account = row->optValue<std::string>("account", "");
                    const std::string field = "categories." + key;
                    if (settlement::findBuiltinCategory(key) == nullptr) {
                        errors.add(field, "\"" + key + "\" is not a category");
                        continue;
                    }
                    if (!item.empty()) {
                        try {
                            (void)qbxml::normalizeItemName(item);
                        } catch (const qbxml::RenderError& e) {
                            errors.add(field + ".item", "the item for \"" + key + "\" is not a name QuickBooks accepts: " + e.what());
                        }
                    }
                    if (!account.empty()) {
                        try {
                            (void)qbxml::normalizeAccountName(account);
                        } catch (const qbxml::RenderError& e) {
                            errors.add(field + ".account", "the account for \"" + key + "\" is not a name QuickBooks accepts: " + e.what());
                        }
                        // An account QuickBooks has with a type no item can post to (A/R, A/P): refused now.
                        const std::string problem = ctx.store().read([&](store::Tx& tx) {
                            return posting::knownItemAccountProblem(tx, companyId, account);
                        });
                        if (!problem.empty()) errors.add(field + ".account", "the account for \"" + key + "\": " + problem);
                    }
                    if (!item.empty() || !account.empty()) form->overrides.push_back({key, item, account});
                }
            }
        }
        if (request.has("customers")) {
            form->customers.clear();
            Poco::JSON::Array::Ptr list;
            try {
                list = request.body->getArray("customers");
            } catch (...) {
            }
            if (!list) {
                errors.add("customers", "customers must be a list");
            } else {
                std::set<std::string> seen;
                for (std::size_t i = 0; i < list->size(); ++i) {
                    Poco::JSON::Object::Ptr row = list->getObject(static_cast<unsigned>(i));
                    if (!row) continue;
                    const std::string match = row->optValue<std::string>("match", "");
                    const std::string name = row->optValue<std::string>("customer", "");
                    if (match.empty() && name.empty()) continue;
                    const std::string field = "customers." + std::to_string(i);
                    if (match.empty() || match.find('\t') != std::string::npos) {
                        errors.add(field + ".match", "name the currency (CAD) or marketplace (Amazon.ca) of customer \"" + name + "\"");
                    } else if (!seen.insert(match).second) {
                        errors.add(field + ".match", "\"" + match + "\" has two customers: keep one");
                    }
                    if (!settlement::isValidCustomerName(name)) {
                        errors.add(field + ".customer", "the customer for \"" + match +
                                                            "\" must have 1 to 41 characters per ':'-separated part");
                    }
                    form->customers.push_back({match, name});
                }
            }
        }
        if (const auto extra = textField(request, "mapping_extra", errors)) form->extra = *extra;
    }

    std::string mappingText = stored.mappingText;
    if (form && errors.empty()) {
        const std::string candidate = composeMapping(*form, "check");
        if (withoutVersion(candidate) != withoutVersion(stored.mappingText)) {
            mappingText = composeMapping(*form, std::string(kVersionPrefix) + std::to_string(stored.mappingRevision + 1));
        }
        if (!mappingText.empty()) {
            try {
                const auto parsed = settlement::Mapping::parse(mappingText, "mapping");
                const auto problems = ctx.store().read(
                    [&](store::Tx& tx) { return posting::mappingAccountProblems(tx, companyId, parsed); });
                if (!problems.empty()) errors.add("mapping_extra", "the mapping's account lines: " + problems.front());
            } catch (const settlement::MappingError& e) {
                // Lines of the extra text come last: say which of its lines is wrong.
                const std::size_t extraLines = static_cast<std::size_t>(std::count(form->extra.begin(), form->extra.end(), '\n')) +
                                               (form->extra.empty() || form->extra.back() == '\n' ? 0 : 1);
                const std::size_t totalLines = static_cast<std::size_t>(std::count(mappingText.begin(), mappingText.end(), '\n'));
                if (e.line() > 0 && e.line() + extraLines > totalLines) {
                    errors.add("mapping_extra", "line " + std::to_string(e.line() + extraLines - totalLines) +
                                                    " of the mapping rules: " + e.detail());
                } else {
                    errors.add("categories", "the mapping table: " + e.detail());
                }
            }
        }
    }
    if (!errors.empty()) errors.raise();

    return ctx.store().write([&](store::Tx& tx) {
        store::Company c = requireCompany(tx, companyId);
        const store::Timestamp now = ctx.now();
        if (runEvery) c.runEveryMinutes = *runEvery;
        if (autoLive) c.autoLiveDays = *autoLive;
        if (rateAge) store::QbEditionRepo(tx.database()).setRateMaxAgeDays(companyId, *rateAge);
        if (customer) c.customerName = *customer;
        if (zone) c.timeZone = *zone;
        if (qbxmlVersion) c.qbxmlVersion = *qbxmlVersion;
        if (bankAccount) c.bankAccount = *bankAccount;
        if (postTransfer) c.postTransfer = *postTransfer;
        tx.companies().update(c, now);

        store::CompanyOptionsRepo repo(tx.database());
        store::CompanyOptions options = repo.get(companyId);
        if (split) options.splitMonths = *split;
        if (taxRegistered) options.taxRegistered = *taxRegistered;
        if (window) options.downloadWindowDays = *window;
        if (syncHours) options.syncEveryMinutes = *syncHours * 60;
        options.mappingText = mappingText;
        repo.save(options, now);

        if (window || syncHours) {
            store::AmazonConnections amazon(tx.database());
            for (auto connection : amazon.list(companyId)) {
                connection.downloadWindowDays = options.downloadWindowDays;
                connection.syncEveryMinutes = options.syncEveryMinutes;
                amazon.update(connection, now);
            }
        }
        if (form) {
            std::map<std::string, std::string> accounts;
            for (const auto& o : form->overrides) accounts[o.category] = o.account;
            for (const auto& info : settlement::builtinCategories()) {
                const std::string key(info.key);
                const auto it = accounts.find(key);
                const bool overridden = it != accounts.end() && !it->second.empty();
                const bool had = tx.companies().categoryAccount(companyId, key).has_value();
                if (!overridden && !had) continue;
                tx.companies().setCategoryAccount(
                    companyId, {key, overridden ? it->second : std::string(info.defaultAccount),
                                std::string(settlement::accountKindName(info.accountKind))});
            }
        }
        tx.events().add(now, companyId, store::EventLevel::Info,
                        "settings of \"" + c.name + "\" changed by " + request.session->userName);
        return ApiReply::ok(settingsJson(tx, c));
    });
}

ApiReply taxReportGet(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t companyId = request.idAt(1);
    const std::string from = request.param("from");
    const std::string to = request.param("to");
    return ctx.store().read([&](store::Tx& tx) {
        (void)requireCompany(tx, companyId);
        posting::TaxReport report;
        try {
            report = posting::buildTaxReport(tx, companyId, from, to);
        } catch (const std::invalid_argument& e) {
            throw ApiError(400, e.what(), "from");
        }
        auto figures = [](JsonObject& o, const settlement::TaxFigures& f) {
            o->set("collected_cents", f.collected);
            o->set("remitted_by_amazon_cents", f.remittedByAmazon);
            o->set("to_remit_cents", f.toRemit());
            o->set("fee_tax_cents", f.feeTax());
            o->set("fee_tax_recoverable_cents", f.feeTaxRecoverable);
            o->set("fee_tax_expensed_cents", f.feeTaxExpensed);
            o->set("collected", common::formatCents(f.collected));
            o->set("remitted_by_amazon", common::formatCents(f.remittedByAmazon));
            o->set("to_remit", common::formatCents(f.toRemit()));
            o->set("fee_tax", common::formatCents(f.feeTax()));
            o->set("fee_tax_recoverable", common::formatCents(f.feeTaxRecoverable));
            o->set("fee_tax_expensed", common::formatCents(f.feeTaxExpensed));
        };
        JsonObject out = object();
        out->set("company", report.company);
        out->set("tax_registered", report.registered);
        out->set("from", report.from);
        out->set("to", report.to);
        JsonArray rows = array();
        for (const auto& row : report.rows) {
            JsonObject o = object();
            o->set("settlement_id", row.settlementId);
            o->set("txn_date", row.txnDate);
            o->set("currency", row.currency);
            o->set("tax_registered", row.registered);
            o->set("posted", row.posted);
            figures(o, row.figures);
            rows->add(o);
        }
        out->set("settlements", rows);
        JsonArray months = array();
        for (const auto& month : report.months) {
            JsonObject o = object();
            o->set("month", month.month);
            o->set("currency", month.currency);
            figures(o, month.figures);
            months->add(o);
        }
        out->set("months", months);
        return ApiReply::ok(out);
    });
}

}  // namespace settlebridge::admin
