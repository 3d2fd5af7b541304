// Currencies: a company file with multicurrency off takes settlements in its own currency only; with it on, a
// settlement in another currency goes to a customer and a clearing account in that currency (docs/POSTING.md,
// "Currencies").

#include <gtest/gtest.h>

#include <algorithm>

#include "daemon/posting/currency.hpp"
#include "qbxml/guid.hpp"
#include "qbxml/response.hpp"
#include "tests/unit/posting/posting_harness.hpp"
#include "tests/unit/posting/schema_check.hpp"

namespace settlebridge::testing {
namespace {

using store::DocState;

constexpr const char* kUsd = "24000000001";
constexpr const char* kCad = "24000000002";

settlement::Summary summaryIn(const std::string& settlementId, const std::string& currency,
                              common::Cents refunds = 2500) {
    settlement::Summary s = sampleSummary(settlementId, refunds);
    s.header.currency = currency;
    return s;
}

std::string multicurrencyHcp(const std::string& home = "US Dollar") { return hcpResponse("13.0", "", true, home); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<store::Event> events(PostingHarness& h) {
    return h.store->read([&](store::Tx& tx) { return tx.events().recent(h.company.id, 200); });
}

// --- the pure rules --------------------------------------------------------------------------------------------

TEST(Currency, NamesForACurrency) {
    using posting::nameForCurrency;
    EXPECT_EQ(nameForCurrency("Amazon Summary", "CAD", true, 41), "Amazon Summary CAD");
    EXPECT_EQ(nameForCurrency("Amazon Summary", "CAD", false, 41), "Amazon Summary");
    EXPECT_EQ(nameForCurrency("Amazon {currency}", "USD", false, 41), "Amazon USD");
    EXPECT_EQ(nameForCurrency("Amazon {currency}", "CAD", true, 41), "Amazon CAD") << "no suffix on top";
    EXPECT_EQ(nameForCurrency("Sales:Amazon Clearing", "EUR", true, 31), "Sales:Amazon Clearing EUR");
    // The last level is cut so that it stays within QuickBooks' limit with the suffix.
    const std::string longName(31, 'x');
    const std::string cut = nameForCurrency(longName, "GBP", true, 31);
    EXPECT_EQ(cut, std::string(27, 'x') + " GBP");
    EXPECT_EQ(nameForCurrency("Amazon Clearing for Amazon XYZ1", "MXN", true, 31), "Amazon Clearing for Amazon MXN")
        << "a blank left at the cut is dropped";
}

TEST(Currency, CompanyCurrencyFromPreferencesAndEdition) {
    store::Company c;
    qbxml::PreferencesInfo on;
    on.multicurrencyOn = true;
    on.homeCurrency = "Canadian Dollar";
    posting::learnCurrency(c, on, "US");
    EXPECT_EQ(c.multiCurrency, std::optional<bool>(true));
    EXPECT_EQ(c.homeCurrency, "CAD") << "stored as the ISO code";

    store::Company off;
    qbxml::PreferencesInfo none;
    posting::learnCurrency(off, none, "US");
    EXPECT_EQ(off.homeCurrency, "") << "the US edition says nothing about the currency";
    posting::learnCurrency(off, none, "CA");
    EXPECT_EQ(off.homeCurrency, "CAD");
    store::Company uk;
    posting::learnCurrency(uk, none, "UK");
    EXPECT_EQ(uk.homeCurrency, "GBP");

    store::Company set;
    set.homeCurrency = "USD";  // the company's setting
    posting::learnCurrency(set, none, "CA");
    EXPECT_EQ(set.homeCurrency, "USD") << "a setting wins over the edition";

    store::Company unknownName;
    on.homeCurrency = "Bitcoin";
    posting::learnCurrency(unknownName, on, "");
    EXPECT_EQ(unknownName.homeCurrency, "Bitcoin") << "a currency outside the table is kept by its name";
}

TEST(Currency, PlanForEachCase) {
    store::Company c;
    c.customerName = "Amazon Summary";
    store::Document d;
    d.settlementId = "123";
    d.customer = "Amazon Summary";
    d.currency = "CAD";

    c.multiCurrency = false;
    auto plan = posting::planCurrency(c, d, "");
    EXPECT_TRUE(plan.refusal.empty()) << "unknown company currency: not checked";
    EXPECT_EQ(plan.customer, "Amazon Summary");
    EXPECT_EQ(plan.clearingAccount, "Amazon Clearing");

    c.homeCurrency = "USD";
    plan = posting::planCurrency(c, d, "");
    EXPECT_TRUE(contains(plan.refusal, "multicurrency off")) << plan.refusal;
    EXPECT_TRUE(contains(plan.refusal, "USD")) << plan.refusal;
    EXPECT_TRUE(contains(plan.refusal, "settlement 123 is in CAD")) << plan.refusal;

    c.multiCurrency = true;
    plan = posting::planCurrency(c, d, "Checking");
    EXPECT_TRUE(plan.refusal.empty()) << plan.refusal;
    EXPECT_TRUE(plan.foreign);
    EXPECT_EQ(plan.quickBooksCurrency, "Canadian Dollar");
    EXPECT_EQ(plan.customer, "Amazon Summary CAD");
    EXPECT_EQ(plan.clearingAccount, "Amazon Clearing CAD");
    EXPECT_EQ(plan.transferAccount, "Checking CAD");
    EXPECT_TRUE(posting::currencyMatches(plan, "Canadian Dollar"));
    EXPECT_FALSE(posting::currencyMatches(plan, "US Dollar"));
    EXPECT_FALSE(posting::currencyMatches(plan, "")) << "no CurrencyRef = the home currency";

    d.customer = "Amazon Canada";  // named by a mapping rule: used as it is
    plan = posting::planCurrency(c, d, "");
    EXPECT_EQ(plan.customer, "Amazon Canada");

    d.currency = "USD";
    d.customer = "Amazon Summary";
    plan = posting::planCurrency(c, d, "");
    EXPECT_FALSE(plan.foreign);
    EXPECT_EQ(plan.quickBooksCurrency, "US Dollar");
    EXPECT_EQ(plan.customer, "Amazon Summary");
    EXPECT_TRUE(posting::currencyMatches(plan, ""));
    EXPECT_TRUE(posting::currencyMatches(plan, "US Dollar"));

    d.currency = "XYZ";
    plan = posting::planCurrency(c, d, "");
    EXPECT_TRUE(contains(plan.refusal, "does not know QuickBooks' name for the currency XYZ")) << plan.refusal;

    c.homeCurrency.clear();
    d.currency = "CAD";
    plan = posting::planCurrency(c, d, "");
    EXPECT_TRUE(contains(plan.refusal, "did not say which currency is its home currency")) << plan.refusal;
}

// --- multicurrency off -----------------------------------------------------------------------------------------

TEST(MulticurrencyOff, SettlementInAnotherCurrencyIsHeldWithTheReasonAndNothingIsSent) {
    PostingHarness h;
    h.updateCompany([](store::Company& c) { c.homeCurrency = "USD"; });
    h.import(summaryIn(kCad, "CAD"));
    FakeQuickBooks qb;
    auto s = h.startSession();
    const auto sent = h.run(s, qb);
    EXPECT_TRUE(sent.empty()) << "not even a query: " << sent.front().what;
    EXPECT_TRUE(qb.ledger.empty());
    for (const auto& d : h.documents()) {
        if (d.kind == store::DocKind::RefundPayment) {
            EXPECT_EQ(d.state, DocState::Queued) << "waits for its credit memo";
            continue;
        }
        EXPECT_EQ(d.state, DocState::Held) << d.externalKey;
        EXPECT_EQ(d.holdReason, "currency");
        EXPECT_TRUE(contains(d.lastError, "multicurrency off and keeps its books in USD")) << d.lastError;
        EXPECT_TRUE(contains(d.lastError, "settlement 24000000002 is in CAD")) << d.lastError;
        EXPECT_TRUE(contains(d.lastError, "Turn on multicurrency in QuickBooks")) << d.lastError;
    }
    EXPECT_EQ(h.progress(s), 100);

    // Approved without fixing anything: held again at the next session, never posted.
    EXPECT_GT(h.queue->approve("acme", kCad, h.now), 0);
    auto again = h.startSession();
    EXPECT_TRUE(h.run(again, qb).empty());
    for (const auto& d : h.documents()) {
        if (d.kind != store::DocKind::RefundPayment) {
            EXPECT_EQ(d.state, DocState::Held) << d.externalKey;
        }
    }
    EXPECT_TRUE(qb.ledger.empty());
}

TEST(MulticurrencyOff, SettlementInTheCompanyCurrencyPosts) {
    PostingHarness h;
    h.updateCompany([](store::Company& c) { c.homeCurrency = "USD"; });
    h.import(summaryIn(kUsd, "USD"));
    FakeQuickBooks qb;
    auto s = h.startSession();
    for (const auto& r : h.run(s, qb)) {
        EXPECT_EQ(qbxmlSchemaErrors(r.qbxml), "") << r.what;
        EXPECT_FALSE(contains(r.qbxml, "CurrencyRef") && r.kind != store::PendingKind::CustomerQuery &&
                     r.kind != store::PendingKind::AccountQuery)
            << "no currency is ever sent with multicurrency off: " << r.qbxml;
    }
    for (const auto& d : h.documents()) EXPECT_EQ(d.state, DocState::Posted) << d.externalKey;
    EXPECT_EQ(qb.balance("Amazon Clearing"), 10000);
}

TEST(MulticurrencyOff, TheCanadianEditionKeepsItsBooksInCad) {
    PostingHarness h;
    h.import(summaryIn(kUsd, "USD"));
    h.import(summaryIn(kCad, "CAD"));
    FakeQuickBooks qb;
    auto s = h.startSession(hcpResponse("13.0", "", false, "", "CA"));
    h.run(s, qb);
    const auto company = h.store->read([&](store::Tx& tx) { return *tx.companies().find(h.company.id); });
    EXPECT_EQ(company.homeCurrency, "CAD");
    for (const auto& d : h.documents()) {
        if (d.settlementId == kCad) {
            EXPECT_EQ(d.state, DocState::Posted) << d.externalKey;
        } else if (d.kind != store::DocKind::RefundPayment) {
            EXPECT_EQ(d.state, DocState::Held) << d.externalKey;
            EXPECT_TRUE(contains(d.lastError, "keeps its books in CAD")) << d.lastError;
        }
    }
    EXPECT_EQ(qb.balance("Amazon Clearing"), 10000) << "the CAD settlement only";
}

TEST(MulticurrencyOff, UnknownCompanyCurrencyPostsEverythingAndWarnsOnceAboutMixedCurrencies) {
    PostingHarness h;
    h.import(summaryIn(kUsd, "USD"));
    h.import(summaryIn(kCad, "CAD"));
    FakeQuickBooks qb;
    auto s = h.startSession();
    h.run(s, qb);
    for (const auto& d : h.documents()) EXPECT_EQ(d.state, DocState::Posted) << d.externalKey;
    const auto log = events(h);
    const auto warnings = std::count_if(log.begin(), log.end(), [](const store::Event& e) {
        return e.level == store::EventLevel::Warning && contains(e.message, "Settlements in CAD, USD are waiting");
    });
    EXPECT_EQ(warnings, 1);
}

// --- multicurrency on ------------------------------------------------------------------------------------------

TEST(MulticurrencyOn, ForeignSettlementGoesToACustomerAndAClearingAccountInItsCurrency) {
    PostingHarness h;
    h.import(summaryIn(kUsd, "USD"));
    h.import(summaryIn(kCad, "CAD", 4000));
    FakeQuickBooks qb;
    qb.multicurrency = true;
    qb.exchangeRates = {{"Canadian Dollar", "0.75@2100-01-01"}, {"US Dollar", "1.35@2100-01-01"}};
    auto s = h.startSession(multicurrencyHcp());
    const auto sent = h.run(s, qb);
    ASSERT_FALSE(sent.empty());
    for (const auto& r : sent) EXPECT_EQ(qbxmlSchemaErrors(r.qbxml), "") << r.what << "\n" << r.qbxml;
    for (const auto& d : h.documents()) EXPECT_EQ(d.state, DocState::Posted) << d.externalKey << ": " << d.lastError;

    // The CAD customer and clearing account were created in Canadian dollars; the USD ones without a currency.
    EXPECT_EQ(qb.customerCurrency.at("Amazon Summary CAD"), "Canadian Dollar");
    EXPECT_EQ(qb.accountCurrency.at("Amazon Clearing CAD"), "Canadian Dollar");
    EXPECT_EQ(qb.customerCurrency.count("Amazon Summary"), 0U);
    EXPECT_EQ(qb.accountCurrency.count("Amazon Clearing"), 0U);
    const auto add = std::find_if(sent.begin(), sent.end(), [](const posting::Request& r) {
        return r.kind == store::PendingKind::CustomerAdd && contains(r.qbxml, "Amazon Summary CAD");
    });
    ASSERT_NE(add, sent.end());
    EXPECT_TRUE(contains(add->qbxml, "<CurrencyRef>")) << add->qbxml;
    EXPECT_TRUE(contains(add->qbxml, "<FullName>Canadian Dollar</FullName>")) << add->qbxml;

    // Each clearing account moved by its own settlement's deposit, in its own currency; no customer credit left.
    EXPECT_EQ(qb.balance("Amazon Clearing"), 10000);
    EXPECT_EQ(qb.balance("Amazon Clearing CAD"), 12500 - 4000);
    for (const auto& t : qb.ledger) {
        const bool cad = t.customer == "Amazon Summary CAD";
        EXPECT_EQ(t.currency, cad ? "Canadian Dollar" : "US Dollar") << t.refNumber;
        if (t.type == "SalesReceipt") {
            EXPECT_EQ(t.depositTo, cad ? "Amazon Clearing CAD" : "Amazon Clearing");
        }
        if (t.type == "ARRefundCreditCard") {
            EXPECT_EQ(t.from, cad ? "Amazon Clearing CAD" : "Amazon Clearing");
        }
    }
    // Items are shared: one set for both currencies.
    EXPECT_EQ(qb.answered("ItemNonInventoryAddRq"), 2);

    // The CAD documents record the names they were sent with.
    const auto receipt = h.document(std::string(kCad) + ":R:0");
    EXPECT_TRUE(contains(receipt.payload, "\"sentCustomer\":\"Amazon Summary CAD\"")) << receipt.payload;
    EXPECT_TRUE(contains(receipt.payload, "\"sentAccount\":\"Amazon Clearing CAD\"")) << receipt.payload;
}

TEST(MulticurrencyOn, ACustomerNamedByTheMappingIsUsedAsItIsInTheSettlementsCurrency) {
    PostingHarness h;
    auto summary = summaryIn(kCad, "CAD");
    summary.customerName = "Amazon Canada";
    h.import(summary);
    FakeQuickBooks qb;
    qb.multicurrency = true;
    qb.exchangeRates = {{"Canadian Dollar", "0.75@2100-01-01"}, {"US Dollar", "1.35@2100-01-01"}};
    auto s = h.startSession(multicurrencyHcp());
    h.run(s, qb);
    for (const auto& d : h.documents()) EXPECT_EQ(d.state, DocState::Posted) << d.externalKey << ": " << d.lastError;
    EXPECT_EQ(qb.customerCurrency.at("Amazon Canada"), "Canadian Dollar");
    EXPECT_EQ(qb.customers.count("Amazon Canada CAD"), 0U);
}

TEST(MulticurrencyOn, AnExistingCustomerInAnotherCurrencyHoldsTheSettlement) {
    PostingHarness h;
    h.import(summaryIn(kCad, "CAD"));
    FakeQuickBooks qb;
    qb.multicurrency = true;
    qb.exchangeRates = {{"Canadian Dollar", "0.75@2100-01-01"}, {"US Dollar", "1.35@2100-01-01"}};
    qb.customers["Amazon Summary CAD"] = "";  // someone made it in US dollars
    auto s = h.startSession(multicurrencyHcp());
    const auto sent = h.run(s, qb);
    EXPECT_TRUE(qb.ledger.empty());
    EXPECT_EQ(qb.answered("CustomerAddRq"), 0);
    for (const auto& d : h.documents()) {
        if (d.kind == store::DocKind::RefundPayment) continue;
        EXPECT_EQ(d.state, DocState::Held) << d.externalKey;
        EXPECT_EQ(d.holdReason, "currency");
        EXPECT_TRUE(contains(d.lastError, "Customer \"Amazon Summary CAD\" is in US Dollar in QuickBooks")) << d.lastError;
        EXPECT_TRUE(contains(d.lastError, "in Canadian Dollar")) << d.lastError;
    }
    // Not cached as usable: the next session asks again and holds again once approved.
    h.queue->approve("acme", kCad, h.now);
    auto again = h.startSession(multicurrencyHcp());
    h.run(again, qb);
    EXPECT_TRUE(qb.ledger.empty());
    EXPECT_EQ(qb.answered("CustomerQueryRq"), 2);
}

TEST(MulticurrencyOn, AnExistingClearingAccountInAnotherCurrencyHoldsTheSettlement) {
    PostingHarness h;
    h.import(summaryIn(kCad, "CAD", 0));
    FakeQuickBooks qb;
    qb.multicurrency = true;
    qb.exchangeRates = {{"Canadian Dollar", "0.75@2100-01-01"}, {"US Dollar", "1.35@2100-01-01"}};
    qb.accounts["Amazon Clearing CAD"] = "Bank";
    qb.accountCurrency["Amazon Clearing CAD"] = "Euro";
    auto s = h.startSession(multicurrencyHcp());
    h.run(s, qb);
    EXPECT_TRUE(qb.ledger.empty());
    const auto receipt = h.document(std::string(kCad) + ":R:0");
    EXPECT_EQ(receipt.state, DocState::Held);
    EXPECT_TRUE(contains(receipt.lastError, "Account \"Amazon Clearing CAD\" is in Euro in QuickBooks")) << receipt.lastError;
}

TEST(MulticurrencyOn, AKnownCustomerIsCheckedFromTheCacheAndAKnownBankAccountIsQueriedAgain) {
    PostingHarness h;
    h.import(summaryIn(kCad, "CAD", 0));
    FakeQuickBooks qb;
    qb.multicurrency = true;
    qb.exchangeRates = {{"Canadian Dollar", "0.75@2100-01-01"}, {"US Dollar", "1.35@2100-01-01"}};
    auto s = h.startSession(multicurrencyHcp());
    h.run(s, qb);
    ASSERT_EQ(h.document(std::string(kCad) + ":R:0").state, DocState::Posted);

    // A second CAD settlement: the customer is known (with its currency); the clearing account is queried once
    // more to check its currency, and nothing is created twice.
    h.import(summaryIn("24000000003", "CAD", 0));
    qb.requestNames.clear();
    auto second = h.startSession(multicurrencyHcp());
    h.run(second, qb);
    EXPECT_EQ(h.document("24000000003:R:0").state, DocState::Posted);
    EXPECT_EQ(qb.answered("AccountQueryRq"), 1);
    EXPECT_EQ(qb.answered("CustomerQueryRq"), 0);
    EXPECT_EQ(qb.answered("CustomerAddRq"), 0);
    EXPECT_EQ(qb.answered("AccountAddRq"), 0);

    // The cached customer turns out to be in another currency (the cache says so): held, nothing sent.
    h.store->write([&](store::Tx& tx) {
        tx.lists().remember(h.company.id, store::ListKind::Customer,
                            store::QbListEntry{"Amazon Summary CAD", "80000009-1", "Euro", h.now});
    });
    h.import(summaryIn("24000000004", "CAD", 0));
    auto third = h.startSession(multicurrencyHcp());
    h.run(third, qb);
    const auto held = h.document("24000000004:R:0");
    EXPECT_EQ(held.state, DocState::Held);
    EXPECT_TRUE(contains(held.lastError, "is in Euro in QuickBooks")) << held.lastError;

    // The cached entry is dropped: approved again, QuickBooks is asked (it has the customer in CAD) and it posts.
    h.queue->approve("acme", "24000000004", h.now);
    qb.requestNames.clear();
    auto fourth = h.startSession(multicurrencyHcp());
    h.run(fourth, qb);
    EXPECT_EQ(h.document("24000000004:R:0").state, DocState::Posted);
    EXPECT_EQ(qb.answered("CustomerQueryRq"), 1);
}

TEST(MulticurrencyOn, ALostAnswerIsLookedUpWithTheNamesTheAddUsed) {
    PostingHarness h;
    h.import(summaryIn(kCad, "CAD", 0));
    FakeQuickBooks qb;
    qb.multicurrency = true;
    qb.exchangeRates = {{"Canadian Dollar", "0.75@2100-01-01"}, {"US Dollar", "1.35@2100-01-01"}};
    qb.keepExternalGuid = false;  // QuickBooks returns no GUID: the match is on date, customer and total
    auto s = h.startSession(multicurrencyHcp());
    h.run(s, qb, 200, [](const posting::Request& r) { return isDocumentAdd(r); });
    ASSERT_EQ(qb.count("SalesReceipt", h.document(std::string(kCad) + ":R:0").refNumber), 1);
    ASSERT_EQ(h.document(std::string(kCad) + ":R:0").state, DocState::Sent);

    auto next = h.startSession(multicurrencyHcp());
    const auto sent = h.run(next, qb);
    ASSERT_FALSE(sent.empty());
    EXPECT_TRUE(isLookup(sent.front()));
    const auto receipt = h.document(std::string(kCad) + ":R:0");
    EXPECT_EQ(receipt.state, DocState::Posted) << receipt.lastError;
    EXPECT_EQ(qb.count("SalesReceipt", receipt.refNumber), 1) << "found, not added twice";
}

// TransferAdd carries no ExchangeRate in qbXML 13.0: the deposit of a foreign settlement moves to the bank with a
// DepositAdd (one line from the clearing account) at the settlement's one rate (docs/POSTING.md, "Exchange rates").
void foreignTransferSetup(PostingHarness& h, FakeQuickBooks& qb) {
    h.updateCompany([](store::Company& c) {
        c.postTransfer = true;
        c.bankAccount = "Checking";
    });
    h.import(summaryIn(kCad, "CAD", 0));
    qb.multicurrency = true;
    qb.exchangeRates = {{"Canadian Dollar", "0.75@2100-01-01"}, {"US Dollar", "1.35@2100-01-01"}};
    qb.accounts["Checking"] = "Bank";
}

bool isDepositAdd(const posting::Request& r) { return isDocumentAdd(r) && contains(r.qbxml, "<DepositAddRq"); }

TEST(MulticurrencyOn, TheTransferOfAForeignDepositIsADepositAddAtTheSettlementsRate) {
    PostingHarness h;
    FakeQuickBooks qb;
    foreignTransferSetup(h, qb);
    auto s = h.startSession(multicurrencyHcp());
    const auto sent = h.run(s, qb);
    for (const auto& r : sent) EXPECT_EQ(qbxmlSchemaErrors(r.qbxml), "") << r.what << "\n" << r.qbxml;
    for (const auto& d : h.documents()) EXPECT_EQ(d.state, DocState::Posted) << d.externalKey << ": " << d.lastError;
    EXPECT_EQ(qb.answered("TransferAddRq"), 0);
    EXPECT_EQ(qb.answered("DepositAddRq"), 1);

    // One deposit into the bank account in Canadian dollars, from the CAD clearing account, at the receipt's rate.
    const auto deposit = std::find_if(qb.ledger.begin(), qb.ledger.end(), [](const FakeTxn& t) { return t.type == "Deposit"; });
    ASSERT_NE(deposit, qb.ledger.end());
    EXPECT_EQ(deposit->to, "Checking CAD");
    EXPECT_EQ(deposit->from, "Amazon Clearing CAD");
    EXPECT_EQ(deposit->total, 12500);
    EXPECT_EQ(deposit->currency, "Canadian Dollar");
    EXPECT_EQ(deposit->exchangeRate, "0.75");
    EXPECT_EQ(deposit->externalGuid, qbxml::externalGuid(std::string(kCad) + ":T"));
    EXPECT_EQ(qb.accountCurrency.at("Checking CAD"), "Canadian Dollar") << "the bank account made in its currency";
    const auto receipt = std::find_if(sent.begin(), sent.end(), [](const posting::Request& r) {
        return isDocumentAdd(r) && contains(r.qbxml, "<SalesReceiptAddRq");
    });
    ASSERT_NE(receipt, sent.end());
    EXPECT_TRUE(contains(receipt->qbxml, "<ExchangeRate>0.75</ExchangeRate>")) << receipt->qbxml;

    // The clearing account moved by the deposit and back to zero; the bank holds the deposit.
    EXPECT_EQ(qb.balance("Amazon Clearing CAD"), 0);
    EXPECT_EQ(qb.balance("Checking CAD"), 12500);
    EXPECT_EQ(qb.balance("Checking"), 0);
    const auto transfer = h.document(std::string(kCad) + ":T");
    EXPECT_TRUE(contains(transfer.payload, "\"sentForm\":\"deposit\"")) << transfer.payload;
    EXPECT_EQ(transfer.qbTxnId, deposit->txnId);

    // A second session sends nothing again.
    auto again = h.startSession(multicurrencyHcp());
    for (const auto& r : h.run(again, qb)) EXPECT_FALSE(isDocumentAdd(r)) << r.what;
    EXPECT_EQ(qb.answered("DepositAddRq"), 1);
}

TEST(MulticurrencyOn, ALostDepositAnswerIsFoundByItsExternalGuidAndNotSentAgain) {
    PostingHarness h;
    FakeQuickBooks qb;
    foreignTransferSetup(h, qb);
    auto s = h.startSession(multicurrencyHcp());
    h.run(s, qb, 200, isDepositAdd);
    ASSERT_EQ(qb.answered("DepositAddRq"), 1);
    ASSERT_EQ(h.document(std::string(kCad) + ":T").state, DocState::Sent);

    // Another deposit the same day into the same account, not Settlebridge's, is not taken for it.
    FakeTxn other;
    other.type = "Deposit";
    other.txnId = "1D-OTHER";
    other.txnDate = qb.ledger.back().txnDate;
    other.to = "Checking CAD";
    other.from = "Amazon Clearing CAD";
    other.total = 999;
    other.currency = "Canadian Dollar";
    qb.ledger.insert(qb.ledger.begin(), other);

    auto next = h.startSession(multicurrencyHcp());
    const auto sent = h.run(next, qb);
    ASSERT_FALSE(sent.empty());
    EXPECT_TRUE(isLookup(sent.front())) << sent.front().what;
    EXPECT_TRUE(contains(sent.front().qbxml, "<DepositQueryRq")) << sent.front().qbxml;
    EXPECT_EQ(qbxmlSchemaErrors(sent.front().qbxml), "");
    const auto transfer = h.document(std::string(kCad) + ":T");
    EXPECT_EQ(transfer.state, DocState::Posted) << transfer.lastError;
    EXPECT_NE(transfer.qbTxnId, "1D-OTHER");
    EXPECT_EQ(qb.answered("DepositAddRq"), 1) << "found, not added twice";
}

TEST(MulticurrencyOn, ALostDepositAnswerThatQuickBooksDoesNotHaveIsSentOnceMore) {
    PostingHarness h;
    FakeQuickBooks qb;
    foreignTransferSetup(h, qb);
    auto s = h.startSession(multicurrencyHcp());
    h.run(s, qb, 200, isDepositAdd);
    // The deposit never reached the company file (the request was lost on its way).
    qb.ledger.erase(std::remove_if(qb.ledger.begin(), qb.ledger.end(), [](const FakeTxn& t) { return t.type == "Deposit"; }),
                    qb.ledger.end());
    auto next = h.startSession(multicurrencyHcp());
    h.run(next, qb);
    const auto transfer = h.document(std::string(kCad) + ":T");
    EXPECT_EQ(transfer.state, DocState::Posted) << transfer.lastError;
    EXPECT_EQ(qb.answered("DepositQueryRq"), 1);
    EXPECT_EQ(qb.answered("DepositAddRq"), 2);
    EXPECT_EQ(std::count_if(qb.ledger.begin(), qb.ledger.end(), [](const FakeTxn& t) { return t.type == "Deposit"; }), 1);
    EXPECT_EQ(qb.balance("Amazon Clearing CAD"), 0);
}

TEST(MulticurrencyOn, ABankAccountThatCannotTakeADepositHoldsItBeforeAnythingIsSent) {
    PostingHarness h;
    FakeQuickBooks qb;
    foreignTransferSetup(h, qb);
    qb.accounts["Checking CAD"] = "CreditCard";  // a transfer could go there, a deposit cannot
    qb.accountCurrency["Checking CAD"] = "Canadian Dollar";
    auto s = h.startSession(multicurrencyHcp());
    h.run(s, qb);
    const auto transfer = h.document(std::string(kCad) + ":T");
    EXPECT_EQ(transfer.state, DocState::Held);
    EXPECT_EQ(transfer.holdReason, "account-type");
    EXPECT_TRUE(contains(transfer.lastError, "\"Checking CAD\" is a Credit Card account")) << transfer.lastError;
    EXPECT_EQ(qb.answered("DepositAddRq"), 0);
    EXPECT_EQ(h.document(std::string(kCad) + ":R:0").state, DocState::Posted) << "the settlement's receipt still posts";
}

// A payout the bank returned, in a settlement in another currency than the home one: its move back from the bank in
// that currency to the home-currency Amazon Reserved Balances is a DepositAdd of funds in the settlement's currency
// (CurrencyRef) at the settlement's rate, with one line from the bank (docs/ACCOUNTING.md section 14; QuickBooks
// transfers only within one currency and TransferAdd carries no rate).
const std::string kReturnedKey = std::string(kCad) + ":F:0";

void returnedPayoutSetup(PostingHarness& h, FakeQuickBooks& qb, bool withRate = true) {
    h.updateCompany([](store::Company& c) {
        c.postTransfer = true;
        c.bankAccount = "Checking";
    });
    settlement::Summary summary = summaryIn(kCad, "CAD", 0);
    summary.returnedPayouts.push_back({"2024-03-19", 4000});
    h.import(summary);
    qb.multicurrency = true;
    if (withRate) qb.exchangeRates = {{"Canadian Dollar", "0.75@2100-01-01"}};
    qb.accounts["Checking"] = "Bank";
}

bool isReturnedDepositAdd(const posting::Request& r) { return isDepositAdd(r) && contains(r.what, ":F:0"); }

const FakeTxn* returnedDeposit(const FakeQuickBooks& qb) {
    for (const auto& t : qb.ledger) {
        if (t.type == "Deposit" && t.to == "Amazon Reserved Balances") return &t;
    }
    return nullptr;
}

long depositsInto(const FakeQuickBooks& qb, const std::string& account) {
    return std::count_if(qb.ledger.begin(), qb.ledger.end(),
                         [&](const FakeTxn& t) { return t.type == "Deposit" && t.to == account; });
}

TEST(MulticurrencyOn, AReturnedForeignPayoutGoesBackAsADepositOfItsCurrencyAtTheRateOnce) {
    PostingHarness h;
    FakeQuickBooks qb;
    returnedPayoutSetup(h, qb);
    auto s = h.startSession(multicurrencyHcp());
    const auto sent = h.run(s, qb);
    for (const auto& r : sent) EXPECT_EQ(qbxmlSchemaErrors(r.qbxml), "") << r.what << "\n" << r.qbxml;
    for (const auto& d : h.documents()) EXPECT_EQ(d.state, DocState::Posted) << d.externalKey << ": " << d.lastError;
    EXPECT_EQ(qb.answered("TransferAddRq"), 0);
    EXPECT_EQ(qb.answered("DepositAddRq"), 2) << "the move and the move back";

    const FakeTxn* back = returnedDeposit(qb);
    ASSERT_NE(back, nullptr);
    EXPECT_EQ(back->from, "Checking CAD") << "one line from the bank in the settlement's currency";
    EXPECT_EQ(back->total, 4000);
    EXPECT_EQ(back->txnDate, "2024-03-19") << "dated at the Failed disbursement's day";
    EXPECT_EQ(back->currency, "Canadian Dollar") << "funds in CAD into the home-currency asset";
    EXPECT_EQ(back->exchangeRate, "0.75") << "the settlement's frozen rate, as its receipt";
    EXPECT_EQ(back->externalGuid, qbxml::externalGuid(kReturnedKey));
    EXPECT_EQ(qb.accounts.at("Amazon Reserved Balances"), "OtherCurrentAsset");
    EXPECT_EQ(qb.accountCurrency.count("Amazon Reserved Balances"), 0U) << "kept in the home currency";
    const auto add = std::find_if(sent.begin(), sent.end(), isReturnedDepositAdd);
    ASSERT_NE(add, sent.end());
    const std::size_t currencyRef = add->qbxml.find("<CurrencyRef>");
    ASSERT_NE(currencyRef, std::string::npos) << add->qbxml;
    EXPECT_EQ(add->qbxml.find("<FullName>Canadian Dollar</FullName>", currencyRef),
              add->qbxml.find("<FullName>", currencyRef))
        << add->qbxml;
    // The bank in CAD: the deposit in, the returned payout out again.
    EXPECT_EQ(qb.balance("Checking CAD"), 12500 - 4000);
    EXPECT_EQ(qb.balance("Amazon Clearing CAD"), 0);
    const auto doc = h.document(kReturnedKey);
    EXPECT_TRUE(contains(doc.payload, "\"sentForm\":\"deposit\"")) << doc.payload;
    EXPECT_EQ(doc.qbTxnId, back->txnId);

    auto again = h.startSession(multicurrencyHcp());
    for (const auto& r : h.run(again, qb)) EXPECT_FALSE(isDocumentAdd(r)) << r.what;
    EXPECT_EQ(depositsInto(qb, "Amazon Reserved Balances"), 1);
}

TEST(MulticurrencyOn, AReturnedPayoutsLostDepositAnswerIsFoundByItsExternalGuid) {
    PostingHarness h;
    FakeQuickBooks qb;
    returnedPayoutSetup(h, qb);
    auto s = h.startSession(multicurrencyHcp());
    h.run(s, qb, 200, isReturnedDepositAdd);
    ASSERT_EQ(h.document(kReturnedKey).state, DocState::Sent);
    ASSERT_NE(returnedDeposit(qb), nullptr) << "QuickBooks ran it; its answer was lost";

    // Another deposit the same day into the same account, the bookkeeper's, is not taken for it.
    FakeTxn other = *returnedDeposit(qb);
    other.txnId = "1D-OTHER";
    other.externalGuid.clear();
    other.memo = "entered by hand";
    other.total = 999;
    qb.ledger.insert(qb.ledger.begin(), other);

    auto next = h.startSession(multicurrencyHcp());
    const auto sent = h.run(next, qb);
    const auto lookup = std::find_if(sent.begin(), sent.end(), isLookup);
    ASSERT_NE(lookup, sent.end());
    EXPECT_TRUE(contains(lookup->qbxml, "<DepositQueryRq")) << lookup->qbxml;
    EXPECT_TRUE(contains(lookup->qbxml, "<FromTxnDate>2024-03-19</FromTxnDate>")) << lookup->qbxml;
    EXPECT_EQ(qbxmlSchemaErrors(lookup->qbxml), "");
    const auto doc = h.document(kReturnedKey);
    EXPECT_EQ(doc.state, DocState::Posted) << doc.lastError;
    EXPECT_NE(doc.qbTxnId, "1D-OTHER");
    EXPECT_EQ(qb.answered("DepositAddRq"), 2) << "found, not added twice";
    EXPECT_EQ(depositsInto(qb, "Amazon Reserved Balances"), 2) << "its own and the bookkeeper's";
}

TEST(MulticurrencyOn, AReturnedPayoutsLostDepositThatQuickBooksDoesNotHaveIsSentOnceMore) {
    PostingHarness h;
    FakeQuickBooks qb;
    returnedPayoutSetup(h, qb);
    auto s = h.startSession(multicurrencyHcp());
    h.run(s, qb, 200, isReturnedDepositAdd);
    ASSERT_EQ(h.document(kReturnedKey).state, DocState::Sent);
    // The request never reached the company file.
    qb.ledger.erase(std::remove_if(qb.ledger.begin(), qb.ledger.end(),
                                   [](const FakeTxn& t) { return t.type == "Deposit" && t.to == "Amazon Reserved Balances"; }),
                    qb.ledger.end());
    auto next = h.startSession(multicurrencyHcp());
    h.run(next, qb);
    const auto doc = h.document(kReturnedKey);
    EXPECT_EQ(doc.state, DocState::Posted) << doc.lastError;
    EXPECT_EQ(qb.answered("DepositQueryRq"), 1);
    EXPECT_EQ(qb.answered("DepositAddRq"), 3) << "move, move back, once more";
    EXPECT_EQ(depositsInto(qb, "Amazon Reserved Balances"), 1);
    EXPECT_EQ(qb.balance("Checking CAD"), 12500 - 4000);
}

TEST(MulticurrencyOn, AReturnedForeignPayoutWithoutARateIsHeldBeforeAnythingIsSent) {
    PostingHarness h;
    FakeQuickBooks qb;
    returnedPayoutSetup(h, qb, false);
    auto s = h.startSession(multicurrencyHcp());
    h.run(s, qb);
    const auto held = h.document(kReturnedKey);
    EXPECT_EQ(held.state, DocState::Held);
    EXPECT_EQ(held.holdReason, "exchange-rate");
    EXPECT_TRUE(contains(held.lastError, "QuickBooks has no exchange rate for Canadian Dollar (CAD)")) << held.lastError;
    EXPECT_EQ(qb.answered("DepositAddRq"), 0);
    EXPECT_TRUE(qb.ledger.empty()) << "nothing of the settlement was sent";

    // The rate stated at approval is frozen and used for the move back too.
    posting::Queue queue(*h.store);
    queue.approve("acme", kCad, posting::Queue::Approval{"0.7312", "test"}, h.now);
    auto next = h.startSession(multicurrencyHcp());
    h.run(next, qb);
    for (const auto& d : h.documents()) EXPECT_EQ(d.state, DocState::Posted) << d.externalKey << ": " << d.lastError;
    const FakeTxn* back = returnedDeposit(qb);
    ASSERT_NE(back, nullptr);
    EXPECT_EQ(back->exchangeRate, "0.7312");
}

// The C++ fake answers a DepositAdd as the simulator does (tools/quickbooks_sim/banking.py): the same codes for the
// same bad requests (tests/integration/quickbooks_sim_test.py sends them to the simulator).
TEST(FakeQuickBooksDeposits, BadRequestsGetTheSimulatorsAnswers) {
    FakeQuickBooks qb;
    qb.multicurrency = true;
    qb.accounts = {{"Checking", "Bank"}, {"Checking CAD", "Bank"}, {"Clearing CAD", "Bank"}, {"Clearing EUR", "Bank"},
                   {"Sales", "Income"}, {"Accounts Receivable", "AccountsReceivable"}};
    qb.accountCurrency = {{"Checking CAD", "Canadian Dollar"}, {"Clearing CAD", "Canadian Dollar"},
                          {"Clearing EUR", "Euro"}};
    auto deposit = [&](const std::string& to, const std::string& from, const std::string& extra,
                       const std::string& amount = "10.00") {
        const std::string xml =
            "<?xml version=\"1.0\"?><?qbxml version=\"13.0\"?><QBXML><QBXMLMsgsRq onError=\"stopOnError\">"
            "<DepositAddRq requestID=\"d\"><DepositAdd><TxnDate>2025-01-02</TxnDate><DepositToAccountRef><FullName>" +
            to + "</FullName></DepositToAccountRef>" + extra + "<DepositLineAdd><AccountRef><FullName>" + from +
            "</FullName></AccountRef><Amount>" + amount + "</Amount></DepositLineAdd></DepositAdd></DepositAddRq>"
            "</QBXMLMsgsRq></QBXML>";
        return qbxml::parseResponse(qb.answer(xml)).responses.at(0).statusCode;
    };
    EXPECT_EQ(deposit("Sales", "Clearing CAD", ""), 3140) << "a deposit goes to a bank or other current asset";
    EXPECT_EQ(deposit("Checking CAD", "Accounts Receivable", ""), 3140) << "no line from A/R";
    EXPECT_EQ(deposit("Checking CAD", "Clearing EUR", ""), 3180) << "a line in a third currency";
    EXPECT_EQ(deposit("Checking CAD", "Clearing CAD", "<ExchangeRate>-0.75</ExchangeRate>"), 3180);
    EXPECT_EQ(deposit("Checking CAD", "Clearing CAD", "", "-10.00"), 3180) << "not positive";
    EXPECT_EQ(deposit("Checking CAD", "Nowhere", ""), 3140);
    EXPECT_EQ(deposit("Checking CAD", "Clearing CAD", "<ExchangeRate>0.75</ExchangeRate>"), 0);
    EXPECT_EQ(qb.ledger.back().exchangeRate, "0.75");
    EXPECT_EQ(deposit("Checking", "Sales", ""), 0) << "a line from an income account in the home currency";
    qb.multicurrency = false;
    qb.accountCurrency.clear();
    EXPECT_EQ(deposit("Checking", "Clearing CAD", "<ExchangeRate>0.75</ExchangeRate>"), 3250);
}

// Foreign funds into a home-currency account (how a returned foreign payout goes back to Amazon Reserved Balances): a
// CurrencyRef names the deposit's currency, as the simulator takes it (tests/integration/quickbooks_sim_test.py,
// ExchangeRates: the same requests, the same codes).
TEST(FakeQuickBooksDeposits, ACurrencyRefGetsTheSimulatorsAnswers) {
    FakeQuickBooks qb;
    qb.multicurrency = true;
    qb.accounts = {{"Checking CAD", "Bank"}, {"Clearing EUR", "Bank"}, {"Reserved", "OtherCurrentAsset"}};
    qb.accountCurrency = {{"Checking CAD", "Canadian Dollar"}, {"Clearing EUR", "Euro"}};
    qb.inactiveCurrencies = {{"Atlantean Drachma", "inactive"}};
    auto deposit = [&](const std::string& to, const std::string& from, const std::string& extra,
                       const std::string& amount = "50.00") {
        const std::string xml =
            "<?xml version=\"1.0\"?><?qbxml version=\"13.0\"?><QBXML><QBXMLMsgsRq onError=\"stopOnError\">"
            "<DepositAddRq requestID=\"d\"><DepositAdd><TxnDate>2025-02-03</TxnDate><DepositToAccountRef><FullName>" +
            to + "</FullName></DepositToAccountRef>" + extra + "<DepositLineAdd><AccountRef><FullName>" + from +
            "</FullName></AccountRef><Amount>" + amount + "</Amount></DepositLineAdd></DepositAdd></DepositAddRq>"
            "</QBXMLMsgsRq></QBXML>";
        return qbxml::parseResponse(qb.answer(xml)).responses.at(0).statusCode;
    };
    const std::string cad = "<CurrencyRef><FullName>Canadian Dollar</FullName></CurrencyRef>";
    EXPECT_EQ(deposit("Reserved", "Checking CAD", ""), 3180) << "without a CurrencyRef the deposit is a home one";
    EXPECT_EQ(deposit("Checking CAD", "Checking CAD", "<CurrencyRef><FullName>Euro</FullName></CurrencyRef>"), 3180)
        << "a foreign deposit account takes only its own currency";
    EXPECT_EQ(deposit("Reserved", "Clearing EUR", cad), 3180) << "a line in another currency than the deposit's";
    EXPECT_EQ(deposit("Reserved", "Checking CAD", "<CurrencyRef><FullName>Atlantean Drachma</FullName></CurrencyRef>"),
              3140);
    EXPECT_EQ(deposit("Reserved", "Checking CAD", cad + "<ExchangeRate>0</ExchangeRate>"), 3180);
    EXPECT_EQ(deposit("Reserved", "Checking CAD", cad, "-5.00"), 3180);
    EXPECT_TRUE(qb.ledger.empty()) << "nothing was recorded";
    EXPECT_EQ(deposit("Reserved", "Checking CAD", cad + "<ExchangeRate>0.6543</ExchangeRate>"), 0);
    ASSERT_EQ(qb.ledger.size(), 1U);
    EXPECT_EQ(qb.ledger.back().currency, "Canadian Dollar");
    EXPECT_EQ(qb.ledger.back().to, "Reserved");
    EXPECT_EQ(qb.ledger.back().from, "Checking CAD");
    EXPECT_EQ(qb.balance("Checking CAD"), -5000);
    qb.multicurrency = false;
    qb.accountCurrency.clear();
    EXPECT_EQ(deposit("Reserved", "Checking CAD", cad), 3250) << "no CurrencyRef with multicurrency off";
}

TEST(MulticurrencyOn, ACurrencyQuickBooksRefusesLeavesItsDocumentsWaitingWithAHint) {
    PostingHarness h;
    h.import(summaryIn(kCad, "CAD", 0));
    h.import(summaryIn(kUsd, "USD", 0));
    FakeQuickBooks qb;
    qb.multicurrency = true;
    qb.exchangeRates = {{"Canadian Dollar", "0.75@2100-01-01"}, {"US Dollar", "1.35@2100-01-01"}};
    qb.inactiveCurrencies["Canadian Dollar"] = "";
    auto s = h.startSession(multicurrencyHcp());
    h.run(s, qb);
    EXPECT_EQ(h.document(std::string(kUsd) + ":R:0").state, DocState::Posted);
    const auto receipt = h.document(std::string(kCad) + ":R:0");
    EXPECT_EQ(receipt.state, DocState::Queued) << "waits for the next session";
    EXPECT_TRUE(contains(receipt.lastError, "Lists > Currency List")) << receipt.lastError;
    EXPECT_EQ(qb.count("SalesReceipt", receipt.refNumber), 0);
    const auto report = h.store->read([&](store::Tx& tx) { return h.planner.report(tx, *tx.sessions().find(s.id)); });
    EXPECT_TRUE(contains(report.text(), "waiting for")) << report.text();
}

TEST(MulticurrencyOn, ACurrencyOutsideTheTableIsHeld) {
    PostingHarness h;
    h.import(summaryIn(kCad, "XYZ", 0));
    FakeQuickBooks qb;
    qb.multicurrency = true;
    qb.exchangeRates = {{"Canadian Dollar", "0.75@2100-01-01"}, {"US Dollar", "1.35@2100-01-01"}};
    auto s = h.startSession(multicurrencyHcp());
    EXPECT_TRUE(h.run(s, qb).empty());
    const auto receipt = h.document(std::string(kCad) + ":R:0");
    EXPECT_EQ(receipt.state, DocState::Held);
    EXPECT_TRUE(contains(receipt.lastError, "currency XYZ")) << receipt.lastError;
}

TEST(MulticurrencyOn, TheHomeCurrencyCanBeAnyCurrency) {
    PostingHarness h;
    h.import(summaryIn(kCad, "CAD", 0));
    h.import(summaryIn(kUsd, "USD", 0));
    FakeQuickBooks qb;
    qb.multicurrency = true;
    qb.exchangeRates = {{"Canadian Dollar", "0.75@2100-01-01"}, {"US Dollar", "1.35@2100-01-01"}};
    qb.homeCurrency = "Canadian Dollar";
    auto s = h.startSession(multicurrencyHcp("Canadian Dollar"));
    h.run(s, qb);
    for (const auto& d : h.documents()) EXPECT_EQ(d.state, DocState::Posted) << d.externalKey << ": " << d.lastError;
    EXPECT_EQ(qb.customerCurrency.at("Amazon Summary USD"), "US Dollar");
    EXPECT_EQ(qb.customerCurrency.count("Amazon Summary"), 0U) << "the CAD customer is in the home currency";
    EXPECT_EQ(qb.balance("Amazon Clearing"), 12500);
    EXPECT_EQ(qb.balance("Amazon Clearing USD"), 12500);
}

TEST(Currency, CurrencyPlaceholderNamesEveryCurrencyAlike) {
    PostingHarness h;
    h.updateCompany([](store::Company& c) {
        c.customerName = "Amazon {currency}";
        c.clearingAccount = "Amazon Clearing {currency}";
    });
    auto summary = summaryIn(kUsd, "USD", 0);
    summary.customerName = "Amazon {currency}";
    h.import(summary);
    FakeQuickBooks qb;
    auto s = h.startSession();
    h.run(s, qb);
    EXPECT_EQ(h.document(std::string(kUsd) + ":R:0").state, DocState::Posted);
    EXPECT_EQ(qb.customers.count("Amazon USD"), 1U);
    EXPECT_EQ(qb.balance("Amazon Clearing USD"), 12500);
}

}  // namespace
}  // namespace settlebridge::testing
