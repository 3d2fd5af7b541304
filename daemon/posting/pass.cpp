#include "daemon/posting/pass.hpp"

#include <algorithm>
#include <tuple>

#include "daemon/posting/exchange_rate.hpp"
#include "daemon/posting/tax_codes.hpp"
#include "qbxml/currency.hpp"
#include "qbxml/guid.hpp"
#include "qbxml/status.hpp"
#include "qbxml/version.hpp"

namespace settlebridge::posting::detail {

namespace {

std::string parentOf(std::string_view name) {
    const auto colon = name.rfind(':');
    return colon == std::string_view::npos ? std::string() : std::string(name.substr(0, colon));
}

std::optional<qbxml::AccountType> parseAccountType(std::string_view text) {
    static const std::pair<std::string_view, qbxml::AccountType> kTypes[] = {
        {"Bank", qbxml::AccountType::Bank},
        {"Income", qbxml::AccountType::Income},
        {"OtherIncome", qbxml::AccountType::OtherIncome},
        {"Expense", qbxml::AccountType::Expense},
        {"OtherExpense", qbxml::AccountType::OtherExpense},
        {"CostOfGoodsSold", qbxml::AccountType::CostOfGoodsSold},
        {"OtherCurrentAsset", qbxml::AccountType::OtherCurrentAsset},
        {"OtherCurrentLiability", qbxml::AccountType::OtherCurrentLiability},
        {"CreditCard", qbxml::AccountType::CreditCard},
        {"Equity", qbxml::AccountType::Equity},
    };
    for (const auto& [name, type] : kTypes) {
        if (equalsIgnoreCaseAscii(name, text)) return type;
    }
    return std::nullopt;
}

/// "a Group", "an Inventory Part".
std::string withArticle(std::string_view label) {
    return (label.find_first_of("AEIOU") == 0 ? "an " : "a ") + std::string(label);
}

bool isIncomeType(std::string_view accountType) {
    return equalsIgnoreCaseAscii(accountType, "Income") || equalsIgnoreCaseAscii(accountType, "OtherIncome");
}

/// "Item "X" is a Group item in QuickBooks, ..." for a line that uses an item of a type a sales line cannot take.
std::string itemTypeMessage(const std::string& name, const std::string& type, bool sku) {
    const std::string label(qbxml::itemTypeLabel(type));
    std::string allowed;
    const auto types = qbxml::salesLineItemTypes();
    for (std::size_t i = 0; i < types.size(); ++i) {
        allowed += i == 0 ? "" : (i + 1 == types.size() ? " or " : ", ");
        allowed += qbxml::itemTypeLabel(types[i]);
    }
    return "Item \"" + name + "\" is " + withArticle(label) + " item in QuickBooks; a SKU or category line can only use a " + allowed +
           " item. Rename that item in QuickBooks (Settlebridge then creates \"" + name + "\" as " +
           (sku ? "a Non-inventory Part" : "an Other Charge") + " item), or map the " + (sku ? "SKU" : "category") +
           " to another item (a `" + (sku ? "sku" : "item") + "` line of the mapping), then approve the settlement "
           "again.";
}

}  // namespace

ItemPlan Pass::planItem(const settlement::SummaryLine* line) {
    ItemPlan plan;
    std::string category;
    if (line != nullptr) {
        plan.sku = !line->sku.empty() && line->category == settlement::kProductCategory;
        category = line->category;
        plan.description = plan.sku ? line->sku : line->description;
    } else {
        plan.description = "Settlebridge fallback item";
    }
    std::optional<domain::CategoryAccount> chosen;
    if (!category.empty()) chosen = tx_.companies().categoryAccount(company_.id, category);
    if (chosen) {
        plan.account = chosen->account;
        plan.accountType = chosen->accountType;
    } else if (plan.sku) {
        plan.account = company_.skuIncomeAccount;
        plan.accountType = "Income";
    } else if (const settlement::CategoryInfo* info = settlement::findBuiltinCategory(category)) {
        // Bank-kind categories (card charges, "Payable to Amazon") post to the company's clearing account.
        plan.account = info->accountKind == settlement::AccountKind::Bank ? company_.clearingAccount
                                                                          : std::string(info->defaultAccount);
        plan.accountType = std::string(settlement::accountKindName(info->accountKind));
    } else {
        plan.account = company_.chargeAccount;
        plan.accountType = company_.chargeAccountType;
    }
    plan.account = normalizeName(ListKind::Account, plan.account);
    if (isIncomeType(plan.accountType)) plan.expenseAccount = std::string(kPurchaseAccount);
    return plan;
}

const ItemPlan& Pass::itemPlan(const std::string& name) {
    const std::string key = asciiLower(name);
    if (auto it = itemPlans_.find(key); it != itemPlans_.end()) return it->second;
    ItemPlan plan;
    if (auto line = itemLines_.find(key); line != itemLines_.end()) {
        plan = planItem(line->second);
    } else {
        // A parent of items to create is created like its first child, without the child's description.
        const std::string prefix = key + ":";
        auto child = std::find_if(items_.begin(), items_.end(), [&](const std::string& item) {
            return item.size() > prefix.size() && common::startsWithIgnoreCaseAscii(item, prefix);
        });
        if (child != items_.end()) {
            plan = itemPlan(*child);
            plan.description.clear();
        } else {
            plan = planItem(nullptr);
        }
    }
    return itemPlans_.emplace(key, std::move(plan)).first->second;
}

std::optional<Request> Pass::ensureQueried(ListKind kind, const std::vector<std::string>& names) {
    std::vector<std::string> toQuery;
    for (const auto& name : withAncestors(names)) {
        const SessionMark* m = mark(markKind(kind), name);
        if (m != nullptr && m->status != kRequery) continue;
        if (cached(kind, name) && !verifyCurrency(kind, name)) continue;
        toQuery.push_back(name);
        if (toQuery.size() >= options_.maxNamesPerQuery) break;
    }
    if (toQuery.empty()) return std::nullopt;
    const std::string id = nextRequestId();
    std::string xml;
    PendingKind pending = PendingKind::ItemQuery;
    const auto ctx = context();
    switch (kind) {
        case ListKind::Item: xml = qbxml::renderItemQuery(toQuery, ctx, id); break;
        case ListKind::Account:
            xml = qbxml::renderAccountQuery(toQuery, ctx, id);
            pending = PendingKind::AccountQuery;
            break;
        case ListKind::Customer:
            xml = qbxml::renderCustomerQuery(toQuery, ctx, id);
            pending = PendingKind::CustomerQuery;
            break;
    }
    // The answer is checked against the currency each name must be in.
    for (const auto& name : toQuery) {
        if (const CurrencyNeed* n = kind == ListKind::Item ? nullptr : need(kind, name)) {
            setMark(wantKind(kind), name, n->quickBooksName, "");
        }
    }
    const std::string what = std::string(listWord(kind)) + " query (" + std::to_string(toQuery.size()) + " names)";
    return issue(pending, id, std::move(xml), what, std::nullopt, toQuery);
}

std::optional<Request> Pass::ensureAdded(ListKind kind, const std::vector<std::string>& names) {
    for (const auto& name : withAncestors(names)) {
        const SessionMark* m = mark(markKind(kind), name);
        if (m == nullptr || m->status != kMissing) continue;
        const std::string parent = parentOf(name);
        if (!parent.empty() && !cached(kind, parent)) {
            const SessionMark* pm = mark(markKind(kind), parent);
            if (pm != nullptr && pm->status == kFailed) {
                setMark(markKind(kind), name, kFailed,
                        "its parent \"" + parent + "\" could not be created in QuickBooks: " + pm->message);
            }
            continue;  // the parent comes first (names are sorted by depth)
        }
        const std::string id = nextRequestId();
        const auto ctx = context();
        const CurrencyNeed* currency = kind == ListKind::Item ? nullptr : need(kind, name);
        const std::string currencyRef = currency != nullptr && currency->foreign ? currency->quickBooksName : "";
        std::string xml;
        PendingKind pending = PendingKind::ItemAdd;
        try {
            switch (kind) {
                case ListKind::Account: {
                    // A parent account gets its sub-account's type (QuickBooks requires them to match).
                    std::string typeName = "Bank";
                    const std::string key = asciiLower(name);
                    if (auto typeIt = accountTypes_.find(key); typeIt != accountTypes_.end()) {
                        typeName = typeIt->second;
                    } else {
                        for (const auto& [child, type] : accountTypes_) {
                            if (child.size() > key.size() && child.compare(0, key.size() + 1, key + ":") == 0) {
                                typeName = type;
                                break;
                            }
                        }
                    }
                    // A sub-account has its parent's type: an existing parent decides it.
                    std::optional<domain::QbListEntry> parentEntry;
                    if (!parent.empty()) {
                        parentEntry = tx_.lists().find(company_.id, ListKind::Account, parent);
                        if (parentEntry && !parentEntry->type.empty()) typeName = parentEntry->type;
                    }
                    if (auto roles = accountRoles_.find(key); roles != accountRoles_.end() && parentEntry) {
                        std::string problem;
                        for (const auto role : roles->second) {
                            if (problem.empty()) {
                                problem = qbxml::accountTypeProblem(role, parentEntry->fullName, typeName);
                            }
                        }
                        if (!problem.empty()) {
                            setMark(markKind(kind), name, kWrongType,
                                    "Account \"" + name + "\" cannot be created under \"" + parentEntry->fullName +
                                        "\": a sub-account has its parent's type, and " + problem +
                                        ". Choose another account in Settings or the mapping, or create it in "
                                        "QuickBooks, then approve the settlement again.");
                            continue;
                        }
                    }
                    auto type = parseAccountType(typeName);
                    if (!type) {
                        setMark(markKind(kind), name, kFailed,
                                "account type \"" + typeName + "\" is not one Settlebridge can create");
                        continue;
                    }
                    xml = qbxml::renderAccountAdd(name, *type, "Created by Settlebridge",
                                                  *type == qbxml::AccountType::Bank ? currencyRef : std::string(), ctx,
                                                  id);
                    pending = PendingKind::AccountAdd;
                    break;
                }
                case ListKind::Customer:
                    xml = qbxml::renderCustomerAdd(name, currencyRef, ctx, id);
                    pending = PendingKind::CustomerAdd;
                    break;
                case ListKind::Item: {
                    const ItemPlan& plan = itemPlan(name);
                    std::string itemType = plan.sku ? "ItemNonInventory" : "ItemOtherCharge";
                    // A sub-item has its parent's type (QuickBooks' user's guide, "Creating subitems").
                    if (!parent.empty()) {
                        if (auto parentEntry = tx_.lists().find(company_.id, ListKind::Item, parent);
                            parentEntry && !parentEntry->type.empty()) {
                            if (!qbxml::isCreatableItemType(parentEntry->type)) {
                                setMark(markKind(kind), name, kWrongType,
                                        "Item \"" + name + "\" would be a sub-item of \"" + parentEntry->fullName +
                                            "\", " + withArticle(qbxml::itemTypeLabel(parentEntry->type)) +
                                            " item in QuickBooks, and a sub-item has its parent's type; Settlebridge "
                                            "creates only Service, Non-inventory Part and Other Charge items. Create "
                                            "it in QuickBooks, or map it to another item, then approve the "
                                            "settlement again.");
                                continue;
                            }
                            itemType = parentEntry->type;
                        }
                    }
                    std::string accountProblem;
                    for (const std::string* account : {&plan.account, &plan.expenseAccount}) {
                        if (account->empty() || !accountProblem.empty()) continue;
                        if (!cached(ListKind::Account, *account)) {
                            setMark(markKind(kind), name, kFailed,
                                    "its account \"" + *account + "\" is not in QuickBooks and could not be created");
                            accountProblem = "-";
                            continue;
                        }
                        auto entry = tx_.lists().find(company_.id, ListKind::Account, *account);
                        if (!entry->type.empty()) {
                            accountProblem = qbxml::accountTypeProblem(qbxml::AccountRole::Item, entry->fullName,
                                                                       entry->type);
                            if (!accountProblem.empty()) {
                                setMark(markKind(kind), name, kWrongType,
                                        "Item \"" + name + "\" cannot be created: " + accountProblem +
                                            ". Choose another account for it in Settings or the mapping, then approve "
                                            "the settlement again.");
                            }
                        }
                    }
                    if (!accountProblem.empty()) continue;
                    qbxml::ItemSpec spec{name, plan.description, plan.account, plan.expenseAccount};
                    xml = itemType == "ItemService"        ? qbxml::renderItemServiceAdd(spec, ctx, id)
                          : itemType == "ItemNonInventory" ? qbxml::renderItemNonInventoryAdd(spec, ctx, id)
                                                           : qbxml::renderItemOtherChargeAdd(spec, ctx, id);
                    break;
                }
            }
        } catch (const qbxml::RenderError& e) {
            setMark(markKind(kind), name, kFailed, e.what());
            continue;
        }
        std::string what = std::string(listWord(kind)) + " add " + name;
        if (!currencyRef.empty()) what += " (" + currencyRef + ")";
        return issue(pending, id, std::move(xml), what, std::nullopt, {name});
    }
    return std::nullopt;
}

std::optional<Request> Pass::ensureNamesFree(const std::vector<std::string>& customers) {
    std::vector<std::string> toCheck;
    for (const auto& name : withAncestors(customers)) {
        const SessionMark* m = mark(markKind(ListKind::Customer), name);
        if (m == nullptr || m->status != kMissing || mark(kMarkNameList, name) != nullptr) continue;
        toCheck.push_back(name);
        if (toCheck.size() >= options_.maxNamesPerQuery) break;
    }
    if (toCheck.empty()) return std::nullopt;
    const std::string id = nextRequestId();
    std::string xml;
    try {
        xml = qbxml::renderOtherNamesQuery(toCheck, context(), id);
    } catch (const qbxml::RenderError&) {
        for (const auto& name : toCheck) setMark(kMarkNameList, name, "unchecked", "");
        return std::nullopt;  // the customer add reports the bad name
    }
    return issue(PendingKind::NameQuery, id, std::move(xml),
                 "vendor, employee and other name query (" + std::to_string(toCheck.size()) + " names)", std::nullopt,
                 toCheck);
}

void Pass::warnAboutUnknownCurrency(const std::vector<domain::Document>& ready) {
    if (company_.multiCurrency.value_or(false) || !companyCurrency(company_).empty()) return;
    std::set<std::string> currencies;
    for (const auto& d : ready) {
        if (!plans_[d.id].currency.empty()) currencies.insert(plans_[d.id].currency);
    }
    if (currencies.size() < 2 || mark(kMarkCurrencyWarning, "company") != nullptr) return;
    std::string list;
    for (const auto& c : currencies) list += (list.empty() ? "" : ", ") + c;
    setMark(kMarkCurrencyWarning, "company", "warned", list);
    if (dry_) return;
    tx_.events().add(now_, company_.id, domain::EventLevel::Warning,
                     "Settlements in " + list + " are waiting for this QuickBooks company file, which has multicurrency "
                     "off and does not say which currency it keeps its books in (QuickBooks reports none then). Set the "
                     "company's currency in Settlebridge so settlements in another currency are held instead of "
                     "posted as if they were in the same one, or turn on multicurrency in QuickBooks.");
}

std::optional<Request> Pass::ensureCompanyFacts(const std::vector<domain::Document>& ready) {
    const bool lines = std::any_of(ready.begin(), ready.end(), [](const domain::Document& d) {
        return d.kind == DocKind::Receipt || d.kind == DocKind::CreditMemo;
    });
    // The list is read once per company, and again (once per session) while it lacks the code the lines carry, or
    // after QuickBooks refused a code as an invalid reference.
    const bool taxCodesKnown =
        edition_.taxCodesReadAt != 0 &&
        taxCodeProblem(company_.nonTaxableCode, store::QbEditionRepo(tx_.database()).taxCodes(company_.id)).empty();
    if (lines && company_.salesTax.value_or(false) && !taxCodesKnown && mark(kMarkTaxCodes, "company") == nullptr) {
        const std::string id = nextRequestId();
        return issue(PendingKind::TaxCodeQuery, id, qbxml::renderSalesTaxCodeQuery(context(), id),
                     "sales tax code query", std::nullopt, {});
    }
    std::vector<std::string> codes;
    std::vector<std::string> names;
    for (const auto& d : ready) {
        const CurrencyPlan& plan = plans_[d.id];
        if (!plan.foreign || plan.quickBooksCurrency.empty()) continue;
        if (rates_.count(d.settlementRow) != 0 || mark(kMarkRate, plan.currency) != nullptr) continue;
        if (auto frozen = store::QbEditionRepo(tx_.database()).settlementRate(d.settlementRow)) {
            rates_[d.settlementRow] = *frozen;
            continue;
        }
        if (std::find(codes.begin(), codes.end(), plan.currency) != codes.end()) continue;
        codes.push_back(plan.currency);
        names.push_back(plan.quickBooksCurrency);
    }
    if (names.empty()) return std::nullopt;
    const std::string id = nextRequestId();
    std::string xml;
    try {
        xml = qbxml::renderCurrencyQuery(names, context(), id);
    } catch (const qbxml::RenderError& e) {
        for (const auto& code : codes) setMark(kMarkRate, code, kFailed, e.what());
        return std::nullopt;
    }
    return issue(PendingKind::CurrencyQuery, id, std::move(xml), "currency query (" + joinLines(codes) + ")",
                 std::nullopt, codes);
}

std::vector<domain::Document> Pass::checkCompanyFacts(std::vector<domain::Document> ready) {
    std::string taxWait;
    std::string taxProblem;
    const bool taxOn = company_.salesTax.value_or(false);
    if (taxOn) {
        if (const SessionMark* m = mark(kMarkTaxCodes, "company"); m != nullptr && m->status == kFailed) {
            taxWait = m->message;
        } else {
            taxProblem = taxCodeProblem(company_.nonTaxableCode, store::QbEditionRepo(tx_.database()).taxCodes(company_.id));
        }
    }
    std::vector<domain::Document> out;
    for (auto& d : ready) {
        const CurrencyPlan& plan = plans_[d.id];
        if (taxOn && (d.kind == DocKind::Receipt || d.kind == DocKind::CreditMemo)) {
            if (!taxWait.empty()) {
                skipDocument(d, "Waiting: QuickBooks did not list its sales tax codes (" + taxWait + ").");
                continue;
            }
            if (!taxProblem.empty()) {
                holdDocument(d, kHoldTaxCode, taxProblem);
                continue;
            }
        }
        if (plan.foreign && rates_.count(d.settlementRow) == 0) {
            const SessionMark* m = mark(kMarkRate, plan.currency);
            if (m != nullptr && m->status == kFailed) {
                skipDocument(d, "Waiting: QuickBooks did not answer the exchange rate of " + plan.currency + " (" +
                                    m->message + ").");
                continue;
            }
            store::QbEditionRepo repo(tx_.database());
            const auto read = repo.rate(company_.id, plan.currency);
            const settlement::Summary& summary = summaryFor(d.settlementRow).summary();
            RateContext rc;
            rc.settlementId = d.settlementId;
            rc.settlementEnd = summary.parts.empty() ? d.txnDate : summary.parts.back().txnDate;
            rc.currency = plan.currency;
            rc.currencyName = plan.quickBooksCurrency;
            rc.homeCurrency = plan.companyCurrency;
            rc.companyName = company_.name;
            rc.maxAgeDays = edition_.rateMaxAgeDays;
            RateDecision decision = decideRate(read ? &*read : nullptr, rc, d.settlementRow, now_);
            if (!decision.rate) {
                holdDocument(d, kHoldExchangeRate, decision.holdMessage);
                continue;
            }
            if (!dry_) {
                repo.freezeRate(*decision.rate);
                tx_.events().add(now_, company_.id, domain::EventLevel::Info,
                                 "Settlement " + d.settlementId + ": exchange rate " + describeRate(*decision.rate) +
                                     ", frozen for every document of the settlement.");
            }
            rates_[d.settlementRow] = *decision.rate;
        }
        out.push_back(std::move(d));
    }
    return out;
}

std::optional<Request> Pass::run() {
    if (session_.refused) return std::nullopt;
    if (session_.idleRequests >= options_.maxIdleRequests) return std::nullopt;  // stalled: the summary says why
    if (!session_.preferencesRead) {
        const std::string id = nextRequestId();
        return issue(PendingKind::Preferences, id, qbxml::renderPreferencesQuery(context(), id), "preferences query",
                     std::nullopt, {});
    }

    std::vector<domain::Document> docs = tx_.documents().listIn(company_.id, {DocState::Sent, DocState::Queued});

    // 1. Documents whose fate is unknown are looked up before anything is sent.
    for (const auto& d : docs) {
        if (docSkipped(d)) continue;
        if (d.state != DocState::Sent && !(d.state == DocState::Queued && d.verifyFirst)) continue;
        const std::string id = nextRequestId();
        std::string xml;
        try {
            xml = renderLookup(d, context(), id);
        } catch (const qbxml::RenderError& e) {
            skipDocument(d, std::string("Settlebridge cannot check QuickBooks for it: ") + e.what());
            continue;
        }
        return issue(PendingKind::DocumentLookup, id, std::move(xml), "lookup of " + docLabel(d), d.id, {});
    }

    // 2. The documents ready to post now.
    std::vector<domain::Document> ready;
    for (auto& d : docs) {
        if (d.state != DocState::Queued || docSkipped(d) || d.retryAfter > now_) continue;
        if (!company_.closingDate.empty() && !d.txnDate.empty() && d.txnDate <= company_.closingDate) {
            holdDocument(d, "closed-period",
                         "It is dated " + d.txnDate + ", on or before the closing date " + company_.closingDate +
                             " set in QuickBooks: that period is closed. Change the closing date in QuickBooks "
                             "(or the settings' time zone), then approve it again.");
            continue;
        }
        if (d.kind == DocKind::RefundPayment) {
            if (!d.dependsOn) continue;
            auto memo = tx_.documents().find(*d.dependsOn);
            if (!memo || memo->state != DocState::Posted) continue;  // waits for its credit memo
        }
        Payload payload = cache_.payload(d.payload);
        CurrencyPlan plan = planCurrency(company_, d, payload.transferTo);
        if (!plan.refusal.empty()) {
            holdDocument(d, kHoldCurrency, plan.refusal);
            continue;
        }
        plans_[d.id] = std::move(plan);
        payloads_[d.id] = std::move(payload);
        ready.push_back(std::move(d));
    }
    if (ready.empty()) return std::nullopt;
    warnAboutUnknownCurrency(ready);

    // 2b. What the company file's edition and currency list say about them (docs/POSTING.md, "Editions",
    //     "Exchange rates").
    if (auto r = ensureCompanyFacts(ready)) return r;
    ready = checkCompanyFacts(std::move(ready));
    if (ready.empty()) return std::nullopt;

    // 3. Their prerequisites: each document's clearing (and transfer) account and customer, in its currency when
    //    multicurrency is on, and every item.
    std::vector<std::string> accounts;
    std::vector<std::string> customers;
    std::set<std::string> accountKeys;
    std::set<std::string> customerKeys;
    std::set<std::string> itemKeys;
    auto addUnique = [](std::vector<std::string>& list, std::set<std::string>& keys, const std::string& name) {
        if (keys.insert(asciiLower(name)).second) list.push_back(name);
    };
    auto require = [this](ListKind kind, const std::string& name, const CurrencyPlan& plan) {
        if (!plan.multicurrency) return;
        needs(kind).emplace(asciiLower(name), CurrencyNeed{plan.quickBooksCurrency, plan.foreign});
    };
    std::map<std::int64_t, std::string> docClearing;
    std::map<std::int64_t, std::string> docCustomer;
    std::map<std::int64_t, std::string> docTransferTo;
    std::map<std::int64_t, const DocumentItems*> docItems;
    const std::string fallback =
        company_.fallbackItem.empty() ? std::string() : normalizeName(ListKind::Item, company_.fallbackItem);
    // The carried-balance account (docs/ACCOUNTING.md section 14): what a negative settlement's documents go through
    // and where a returned payout is transferred back to; named like the items of its categories, so one account.
    const std::string carried = carriedBalanceAccount();
    for (const auto& d : ready) {
        const CurrencyPlan& plan = plans_[d.id];
        if (d.kind == DocKind::Transfer && payloads_[d.id].type == kPayloadReturned) {
            // Bank → carried-balance account. That account is kept in the home currency (an other current asset).
            const std::string from = normalizeName(ListKind::Account, plan.transferAccount);
            docClearing[d.id] = from;
            docTransferTo[d.id] = carried;
            addUnique(accounts, accountKeys, from);
            if (!accountTypes_.count(asciiLower(from))) accountTypes_[asciiLower(from)] = "Bank";
            require(ListKind::Account, from, plan);
            addUnique(accounts, accountKeys, carried);
            if (!accountTypes_.count(asciiLower(carried))) accountTypes_[asciiLower(carried)] = "OtherCurrentAsset";
            if (depositForm(d, plan)) {
                // A DepositAdd of funds in the settlement's currency: into the carried-balance account, one line from
                // the bank account in that currency.
                roleOf(from, qbxml::AccountRole::DepositLine);
                roleOf(carried, qbxml::AccountRole::Deposit);
            } else {
                roleOf(from, qbxml::AccountRole::Transfer);
                roleOf(carried, qbxml::AccountRole::Transfer);
            }
            continue;
        }
        const bool throughCarried = d.kind != DocKind::Transfer && summaryFor(d.settlementRow).summary().throughCarriedBalance();
        const std::string clearing = throughCarried ? carried : normalizeName(ListKind::Account, plan.clearingAccount);
        docClearing[d.id] = clearing;
        addUnique(accounts, accountKeys, clearing);
        if (throughCarried) {
            if (!accountTypes_.count(asciiLower(clearing))) accountTypes_[asciiLower(clearing)] = "OtherCurrentAsset";
        } else {
            accountTypes_[asciiLower(clearing)] = "Bank";
            require(ListKind::Account, clearing, plan);
        }
        if (d.kind == DocKind::Receipt) roleOf(clearing, qbxml::AccountRole::Deposit);
        if (d.kind == DocKind::RefundPayment) roleOf(clearing, qbxml::AccountRole::Refund);
        if (d.kind == DocKind::Transfer) {
            const std::string to = normalizeName(ListKind::Account, plan.transferAccount);
            docTransferTo[d.id] = to;
            addUnique(accounts, accountKeys, to);
            if (!accountTypes_.count(asciiLower(to))) accountTypes_[asciiLower(to)] = "Bank";
            require(ListKind::Account, to, plan);
            if (depositForm(d, plan)) {
                // A DepositAdd: the bank account is deposited into, the clearing account is its line's account.
                roleOf(clearing, qbxml::AccountRole::DepositLine);
                roleOf(to, qbxml::AccountRole::Deposit);
            } else {
                roleOf(clearing, qbxml::AccountRole::Transfer);
                roleOf(to, qbxml::AccountRole::Transfer);
            }
            continue;
        }
        const std::string customer = normalizeName(ListKind::Customer, plan.customer);
        docCustomer[d.id] = customer;
        addUnique(customers, customerKeys, customer);
        require(ListKind::Customer, customer, plan);
        if (d.kind != DocKind::Receipt && d.kind != DocKind::CreditMemo) continue;
        const DocumentItems& used = summaryFor(d.settlementRow).items(payloads_[d.id].externalKey);
        docItems[d.id] = &used;
        for (std::size_t i = 0; i < used.names.size(); ++i) {
            addUnique(items_, itemKeys, used.names[i]);
            itemLines_.emplace(asciiLower(used.names[i]), used.lines[i]);
        }
    }
    if (!fallback.empty()) addUnique(items_, itemKeys, fallback);

    if (auto r = ensureQueried(ListKind::Account, accounts)) return r;
    if (auto r = ensureAdded(ListKind::Account, accounts)) return r;
    if (auto r = ensureQueried(ListKind::Customer, customers)) return r;
    if (auto r = ensureNamesFree(customers)) return r;
    if (auto r = ensureAdded(ListKind::Customer, customers)) return r;
    if (auto r = ensureQueried(ListKind::Item, items_)) return r;
    std::vector<std::string> missingItems;
    for (const auto& name : withAncestors(items_)) {
        const SessionMark* m = mark("item", name);
        if (m != nullptr && m->status == kMissing) missingItems.push_back(name);
    }
    if (company_.autoCreateItems && !missingItems.empty()) {
        std::vector<std::string> itemAccounts;
        std::set<std::string> itemAccountKeys;
        for (const auto& name : missingItems) {
            const ItemPlan& plan = itemPlan(name);
            addUnique(itemAccounts, itemAccountKeys, plan.account);
            if (!accountTypes_.count(asciiLower(plan.account))) accountTypes_[asciiLower(plan.account)] = plan.accountType;
            roleOf(plan.account, qbxml::AccountRole::Item);
            if (!plan.expenseAccount.empty()) {
                addUnique(itemAccounts, itemAccountKeys, plan.expenseAccount);
                if (!accountTypes_.count(asciiLower(plan.expenseAccount))) {
                    accountTypes_[asciiLower(plan.expenseAccount)] = std::string(kPurchaseAccountType);
                }
                roleOf(plan.expenseAccount, qbxml::AccountRole::Item);
            }
        }
        if (auto r = ensureQueried(ListKind::Account, itemAccounts)) return r;
        if (auto r = ensureAdded(ListKind::Account, itemAccounts)) return r;
        if (auto r = ensureAdded(ListKind::Item, missingItems)) return r;
    }

    // 4. The first document whose references all exist, in its currency.
    const bool fallbackKnown = !fallback.empty() && cached(ListKind::Item, fallback);
    auto unresolved = [&](ListKind kind, const std::string& name) -> std::string {
        if (cached(kind, name)) return {};
        std::string text = upperFirst(std::string(listWord(kind))) + " \"" + name + "\" is not in QuickBooks";
        if (const SessionMark* m = mark(markKind(kind), name); m != nullptr && !m->message.empty()) {
            text += " (" + m->message + ")";
        } else if (kind == ListKind::Item && !company_.autoCreateItems) {
            text += " and creating items is turned off; create it in QuickBooks or set a fallback item";
        }
        return text;
    };
    for (auto& d : ready) {
        const CurrencyPlan& plan = plans_[d.id];
        const std::string& clearing = docClearing[d.id];
        const std::string& customer = docCustomer[d.id];
        const std::string& transferTo = docTransferTo[d.id];
        std::string conflict = currencyConflict(ListKind::Account, clearing, plan);
        if (conflict.empty()) conflict = currencyConflict(ListKind::Account, transferTo, plan);
        bool customerConflict = false;
        if (conflict.empty()) {
            conflict = currencyConflict(ListKind::Customer, customer, plan);
            customerConflict = !conflict.empty();
        }
        if (!conflict.empty()) {
            holdDocument(d, kHoldCurrency, "Settlement " + d.settlementId + " is in " + plan.currency + ". " + conflict);
            // Asked again next time: once the customer is renamed in QuickBooks, the right one is created.
            if (customerConflict && !dry_) tx_.lists().forget(company_.id, ListKind::Customer, customer);
            continue;
        }
        // Types and names QuickBooks will not take: held before anything is sent (issue 13).
        std::string held;
        std::string_view holdReason = kHoldAccountType;
        std::vector<std::string> docAccounts;
        if (d.kind != DocKind::CreditMemo) docAccounts.push_back(clearing);
        if (d.kind == DocKind::Transfer) docAccounts.push_back(transferTo);
        for (const auto& account : docAccounts) {
            if (!held.empty()) break;
            if (std::string problem = accountTypeConflict(account); !problem.empty()) {
                held = upperFirst(problem) + ". Choose another account in Settings (or change that account in "
                       "QuickBooks), then approve the settlement again.";
                if (auto entry = tx_.lists().find(company_.id, ListKind::Account, account)) {
                    // Asked again next session (the account may have been changed in QuickBooks by then); the marks
                    // keep QuickBooks' answer for the other documents of this one.
                    setMark(kMarkAccountType, account, entry->type, "");
                    setMark(markKind(ListKind::Account), account, kWrongType, held);
                    if (!dry_) tx_.lists().forget(company_.id, ListKind::Account, account);
                }
            } else if (const SessionMark* m = mark(markKind(ListKind::Account), account); m && m->status == kWrongType) {
                held = m->message;
            }
        }
        if (held.empty() && d.kind != DocKind::Transfer) {
            std::vector<std::string> names = qbxml::parentNames(customer);
            names.push_back(customer);
            for (const auto& name : names) {
                if (const SessionMark* m = mark(markKind(ListKind::Customer), name); m && m->status == kNameInUse) {
                    held = m->message;
                    holdReason = kHoldNameInUse;
                    break;
                }
            }
        }
        if (held.empty()) {
            if (auto used = docItems.find(d.id); used != docItems.end()) {
                for (std::size_t i = 0; i < used->second->names.size() && held.empty(); ++i) {
                    const std::string& name = used->second->names[i];
                    const settlement::SummaryLine* line = used->second->lines[i];
                    const bool sku = line != nullptr && !line->sku.empty() &&
                                     line->category == settlement::kProductCategory;
                    if (const SessionMark* m = mark(markKind(ListKind::Item), name); m && m->status == kWrongType) {
                        held = m->message;
                        holdReason = kHoldItemType;
                    } else if (auto entry = tx_.lists().find(company_.id, ListKind::Item, name);
                               entry && !entry->type.empty() && !qbxml::isSalesLineItemType(entry->type)) {
                        held = itemTypeMessage(entry->fullName, entry->type, sku);
                        holdReason = kHoldItemType;
                        setMark(markKind(ListKind::Item), name, kWrongType, held);
                        if (!dry_) tx_.lists().forget(company_.id, ListKind::Item, name);
                    }
                }
            }
        }
        if (held.empty() && fallbackKnown) {
            if (auto entry = tx_.lists().find(company_.id, ListKind::Item, fallback);
                entry && !entry->type.empty() && !qbxml::isSalesLineItemType(entry->type)) {
                const auto used = docItems.find(d.id);
                const bool needsFallback =
                    used != docItems.end() &&
                    std::any_of(used->second->names.begin(), used->second->names.end(),
                                [&](const std::string& name) { return !cached(ListKind::Item, name); });
                if (needsFallback) {
                    held = "The fallback item: " + itemTypeMessage(entry->fullName, entry->type, false);
                    holdReason = kHoldItemType;
                }
            }
        }
        if (!held.empty()) {
            holdDocument(d, holdReason, "Settlement " + d.settlementId + " cannot be posted as it is. " + held);
            continue;
        }

        std::map<std::string, std::string> substitutions;
        std::string blocked;
        if (d.kind != DocKind::CreditMemo) blocked = unresolved(ListKind::Account, clearing);
        if (blocked.empty() && d.kind == DocKind::Transfer) blocked = unresolved(ListKind::Account, transferTo);
        if (blocked.empty() && d.kind != DocKind::Transfer) blocked = unresolved(ListKind::Customer, customer);
        if (blocked.empty()) {
            if (auto used = docItems.find(d.id); used != docItems.end()) {
                for (const auto& name : used->second->names) {
                    std::string why = unresolved(ListKind::Item, name);
                    if (why.empty()) continue;
                    if (fallbackKnown) {
                        substitutions[name] = fallback;
                        continue;
                    }
                    blocked = why;
                    break;
                }
            }
        }
        if (!blocked.empty()) {
            skipDocument(d, "Waiting: " + blocked + ".");
            continue;
        }
        std::string creditMemoTxnId;
        if (d.kind == DocKind::RefundPayment) creditMemoTxnId = tx_.documents().find(*d.dependsOn)->qbTxnId;
        const std::string id = nextRequestId();
        qbxml::RenderContext ctx = context();
        ctx.customerName = customer;
        ctx.clearingAccount = clearing;
        ctx.carriedBalanceAccount = carried;
        const bool asDeposit = depositForm(d, plan);
        if (plan.foreign && (d.kind != DocKind::Transfer || asDeposit)) {
            if (auto rate = rates_.find(d.settlementRow); rate != rates_.end()) ctx.exchangeRate = rate->second.rate;
        }
        ctx.transferAsDeposit = asDeposit;
        if (d.kind == DocKind::Transfer) ctx.transferToAccount = transferTo;
        if (d.kind == DocKind::Transfer && payloads_[d.id].type == kPayloadReturned) {
            ctx.transferToAccount = clearing;  // the bank it comes back from
            ctx.carriedBalanceAccount = transferTo;
            if (asDeposit) ctx.depositCurrency = plan.quickBooksCurrency;  // foreign funds into a home-currency account
        }
        std::string xml;
        try {
            xml = renderAdd(d, summaryFor(d.settlementRow).summary(), ctx, id, creditMemoTxnId, substitutions);
        } catch (const std::exception& e) {
            if (dry_) {
                setMark(kMarkDocument, std::to_string(d.id), kSkipped, e.what());
            } else {
                failDocument(d, std::string("It cannot be posted to QuickBooks as it is: ") + e.what());
            }
            continue;
        }
        if (!dry_) {
            // The names the add uses go with it: a lookup after a lost answer matches on them.
            Payload sent = payloads_[d.id];
            sent.sentCustomer = d.kind == DocKind::Transfer ? std::string() : customer;
            sent.sentAccount = clearing;
            sent.sentTransferTo = transferTo;
            sent.sentForm = asDeposit ? kSentAsDeposit : "";
            d.payload = encodePayload(sent);
            d = markSent(std::move(d), session_.id, now_);
            tx_.documents().save(d);
        }
        std::string what = kindLabel(d.kind) + " " + (d.refNumber.empty() ? d.externalKey : d.refNumber);
        if (!substitutions.empty()) {
            what += " (fallback item for " + std::to_string(substitutions.size()) + " missing items)";
            if (!dry_) {
                tx_.events().add(now_, company_.id, domain::EventLevel::Warning,
                                 upperFirst(docLabel(d)) + " uses the fallback item \"" + fallback + "\" for " +
                                     std::to_string(substitutions.size()) + " item(s) missing in QuickBooks.");
            }
        }
        return issue(PendingKind::DocumentAdd, id, std::move(xml), what, d.id, {});
    }
    return std::nullopt;
}

}  // namespace settlebridge::posting::detail
