// Currencies in qbXML: the ISO → QuickBooks name table, CurrencyRef on CustomerAdd/AccountAdd, the customer a
// document is made out to, and ExchangeRate — all schema-valid.

#include "qbxml/currency.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "qbxml/render.hpp"
#include "sample_summary.hpp"
#include "schema_validator.hpp"

namespace settlebridge::qbxml {
namespace {

using testing::sampleSummary;
using testing::validateQbxml;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

#define EXPECT_VALID(xml)                                                       \
    do {                                                                        \
        const auto validation_ = validateQbxml(xml);                            \
        EXPECT_TRUE(validation_.valid) << validation_.errors << "\n" << (xml);  \
    } while (false)

TEST(CurrencyTable, EveryAmazonSettlementCurrencyHasItsQuickBooksName) {
    // The currencies Amazon settles its marketplaces in.
    for (const char* iso : {"USD", "CAD", "MXN", "BRL", "GBP", "EUR", "SEK", "PLN", "TRY", "INR", "JPY", "AUD", "SGD",
                            "AED", "SAR", "EGP", "ZAR", "CNY"}) {
        EXPECT_TRUE(quickBooksCurrencyName(iso).has_value()) << iso;
    }
    EXPECT_EQ(quickBooksCurrencyName("USD"), "US Dollar");
    EXPECT_EQ(quickBooksCurrencyName("cad"), "Canadian Dollar");
    EXPECT_EQ(quickBooksCurrencyName("EUR"), "Euro");
    EXPECT_EQ(quickBooksCurrencyName("GBP"), "British Pound Sterling");
    EXPECT_EQ(quickBooksCurrencyName("INR"), "Indian Rupee");
    EXPECT_EQ(quickBooksCurrencyName("MXN"), "Mexican Peso");
    EXPECT_EQ(quickBooksCurrencyName("JPY"), "Japanese Yen");
    EXPECT_EQ(quickBooksCurrencyName("AUD"), "Australian Dollar");
    EXPECT_FALSE(quickBooksCurrencyName("XYZ").has_value());
    EXPECT_FALSE(quickBooksCurrencyName("").has_value());

    std::set<std::string> isos;
    std::set<std::string> names;
    for (const auto& c : knownCurrencies()) {
        EXPECT_TRUE(isos.insert(std::string(c.iso)).second) << c.iso;
        EXPECT_TRUE(names.insert(std::string(c.quickBooksName)).second) << c.quickBooksName;
        EXPECT_LE(c.quickBooksName.size(), kMaxCurrencyName);
        EXPECT_EQ(isoOfQuickBooksCurrency(c.quickBooksName), c.iso) << "round trip";
    }
}

TEST(CurrencyTable, NamesQuickBooksReturnsAreReadBack) {
    EXPECT_EQ(isoOfQuickBooksCurrency("Canadian Dollar"), "CAD");
    EXPECT_EQ(isoOfQuickBooksCurrency("  canadian   DOLLAR "), "CAD") << "case and blanks do not matter";
    EXPECT_EQ(isoOfQuickBooksCurrency("United States Dollar"), "USD") << "another name for the same currency";
    EXPECT_EQ(isoOfQuickBooksCurrency("Pound Sterling"), "GBP");
    EXPECT_EQ(isoOfQuickBooksCurrency("USD"), "USD") << "a code given as the name";
    EXPECT_FALSE(isoOfQuickBooksCurrency("Bitcoin").has_value());
    EXPECT_FALSE(isoOfQuickBooksCurrency("").has_value());
    EXPECT_TRUE(isCurrency("British Pound Sterling", "GBP"));
    EXPECT_FALSE(isCurrency("British Pound Sterling", "EUR"));
    EXPECT_TRUE(isCurrency("Bitcoin", "bitcoin")) << "outside the table only the same text matches";
    EXPECT_FALSE(isCurrency("Bitcoin", ""));
}

TEST(CurrencyTable, TheEditionSaysTheCurrencyOnlyOutsideTheUs) {
    EXPECT_EQ(editionCurrency("CA"), "CAD");
    EXPECT_EQ(editionCurrency("uk"), "GBP");
    EXPECT_EQ(editionCurrency("GB"), "GBP");
    EXPECT_FALSE(editionCurrency("US").has_value());
    EXPECT_FALSE(editionCurrency("").has_value());
}

TEST(CurrencyRender, AccountAddWithACurrency) {
    RenderContext ctx;
    ctx.multicurrency = true;
    const std::string xml =
        renderAccountAdd("Amazon Clearing CAD", AccountType::Bank, "Created by Settlebridge", "Canadian Dollar", ctx, "a-1");
    EXPECT_VALID(xml);
    EXPECT_TRUE(contains(xml, "<CurrencyRef>")) << xml;
    EXPECT_TRUE(contains(xml, "<FullName>Canadian Dollar</FullName>")) << xml;
    EXPECT_VALID(renderAccountAdd("Visa CAD", AccountType::CreditCard, "", "Canadian Dollar", ctx, "a-2"));
    // No currency: none written (the home currency).
    EXPECT_FALSE(contains(renderAccountAdd("Amazon Clearing", AccountType::Bank, "", "", ctx, "a-3"), "CurrencyRef"));

    // An income or expense account is always in the home currency.
    EXPECT_THROW(renderAccountAdd("Amazon Fees", AccountType::Expense, "", "Canadian Dollar", ctx, "a-4"), RenderError);
    // Multicurrency off: no currency at all.
    ctx.multicurrency = false;
    try {
        renderAccountAdd("Amazon Clearing CAD", AccountType::Bank, "", "Canadian Dollar", ctx, "a-5");
        ADD_FAILURE() << "a currency with multicurrency off must be refused";
    } catch (const RenderError& e) {
        EXPECT_EQ(e.field(), "AccountAdd/CurrencyRef");
        EXPECT_TRUE(contains(e.what(), "multicurrency is off")) << e.what();
    }
}

TEST(CurrencyRender, AccountQueryAsksForTheCurrency) {
    const std::string xml = renderAccountQuery({"Amazon Clearing CAD"}, RenderContext{}, "q-1");
    EXPECT_VALID(xml);
    EXPECT_TRUE(contains(xml, "<IncludeRetElement>CurrencyRef</IncludeRetElement>")) << xml;
}

TEST(CurrencyRender, TheContextNamesTheCustomerOfEveryDocument) {
    const auto summary = sampleSummary();
    RenderContext ctx;
    ctx.multicurrency = true;
    ctx.customerName = "Amazon Summary CAD";
    ctx.clearingAccount = "Amazon Clearing CAD";
    const std::string receipt = renderSalesReceiptAdd(summary, summary.documents[0], ctx, "r");
    const std::string memo = renderCreditMemoAdd(summary, summary.documents[1], ctx, "c");
    const std::string refund =
        renderARRefundCreditCardAdd(summary, summary.documents[1], RefundParams{"1C-17", "AYU766DP0"}, ctx, "p");
    for (const std::string* xml : {&receipt, &memo, &refund}) {
        EXPECT_VALID(*xml);
        EXPECT_TRUE(contains(*xml, "<FullName>Amazon Summary CAD</FullName>")) << *xml;
        EXPECT_FALSE(contains(*xml, "<FullName>Amazon Summary</FullName>")) << *xml;
    }
    EXPECT_TRUE(contains(receipt, "<FullName>Amazon Clearing CAD</FullName>"));
    EXPECT_TRUE(contains(refund, "<FullName>Amazon Clearing CAD</FullName>"));
    EXPECT_FALSE(contains(receipt, "ExchangeRate")) << "left to QuickBooks unless set";
    // Empty: the summary's customer.
    EXPECT_TRUE(contains(renderSalesReceiptAdd(summary, summary.documents[0], RenderContext{}, "r"),
                         "<FullName>Amazon Summary</FullName>"));
    // A customer name QuickBooks would refuse is refused here.
    ctx.customerName = std::string(42, 'x');
    EXPECT_THROW(renderSalesReceiptAdd(summary, summary.documents[0], ctx, "r"), RenderError);
}

TEST(CurrencyRender, ExchangeRateWhenSet) {
    const auto summary = sampleSummary();
    RenderContext ctx;
    ctx.multicurrency = true;
    ctx.exchangeRate = "0.7312";
    const std::string receipt = renderSalesReceiptAdd(summary, summary.documents[0], ctx, "r");
    const std::string memo = renderCreditMemoAdd(summary, summary.documents[1], ctx, "c");
    const std::string refund =
        renderARRefundCreditCardAdd(summary, summary.documents[1], RefundParams{"1C-17", "AYU766DP0"}, ctx, "p");
    for (const std::string* xml : {&receipt, &memo, &refund}) {
        EXPECT_VALID(*xml);
        EXPECT_TRUE(contains(*xml, "<ExchangeRate>0.7312</ExchangeRate>")) << *xml;
    }
    EXPECT_LT(receipt.find("DepositToAccountRef"), receipt.find("ExchangeRate"));
    EXPECT_LT(receipt.find("ExchangeRate"), receipt.find("ExternalGUID"));

    for (const char* bad : {"-1", "0", "0.000", "1e3", "abc", ".5", "5.", "1.2.3", "12345678901", "1.12345678901"}) {
        ctx.exchangeRate = bad;
        EXPECT_THROW(renderSalesReceiptAdd(summary, summary.documents[0], ctx, "r"), RenderError) << bad;
    }
    ctx.exchangeRate = "1.25";
    ctx.multicurrency = false;
    EXPECT_THROW(renderCreditMemoAdd(summary, summary.documents[1], ctx, "c"), RenderError)
        << "an exchange rate needs multicurrency";
}

}  // namespace
}  // namespace settlebridge::qbxml
