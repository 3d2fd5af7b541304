// What differs per QuickBooks edition in the requests (docs/QBXML.md, "Editions"), and the two list queries that read
// the company file's sales tax codes and exchange rates.

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "daemon/common/money.hpp"
#include "qbxml/guid.hpp"
#include "qbxml/render.hpp"
#include "sample_summary.hpp"
#include "schema_validator.hpp"

namespace settlebridge::qbxml {
namespace {

using testing::sampleSummary;
using testing::validateQbxml;

bool has(const std::string& xml, const std::string& part) { return xml.find(part) != std::string::npos; }

/// Whether every part is in `xml`, each after the one before it.
bool inOrder(const std::string& xml, std::initializer_list<std::string> parts) {
    std::size_t at = 0;
    for (const std::string& part : parts) {
        at = xml.find(part, at);
        if (at == std::string::npos) return false;
        at += part.size();
    }
    return true;
}

TEST(EditionRender, OnlyTheCanadianEditionGetsIsTaxIncluded) {
    const settlement::Summary summary = sampleSummary();
    RenderContext us;
    us.nonTaxableCode = "Non";
    RenderContext ca = us;
    ca.canadianEdition = true;
    ca.nonTaxableCode = "E";
    for (const auto& doc : summary.documents) {
        const std::string usXml = renderDocumentAdd(summary, doc, us, "r1");
        const std::string caXml = renderDocumentAdd(summary, doc, ca, "r1");
        EXPECT_FALSE(has(usXml, "IsTaxIncluded")) << usXml;
        const auto emailed = caXml.find("<IsToBeEmailed>");
        const auto included = caXml.find("<IsTaxIncluded>false</IsTaxIncluded>");
        const auto guid = caXml.find("<ExternalGUID>");
        ASSERT_NE(included, std::string::npos) << caXml;
        EXPECT_LT(emailed, included) << "the schema's order";
        EXPECT_LT(included, guid);
        EXPECT_TRUE(has(caXml, "<FullName>E</FullName>")) << caXml;
        const auto valid = validateQbxml(caXml);
        EXPECT_TRUE(valid.valid) << valid.errors << "\n" << caXml;
    }
}

TEST(EditionRender, ExchangeRateGoesOnReceiptsCreditMemosAndRefundsOnly) {
    const settlement::Summary summary = sampleSummary();
    RenderContext ctx;
    ctx.multicurrency = true;
    ctx.exchangeRate = "0.7312";
    ctx.transferToAccount = "Checking CAD";
    for (const auto& doc : summary.documents) {
        const std::string xml = renderDocumentAdd(summary, doc, ctx, "r1");
        EXPECT_TRUE(has(xml, "<ExchangeRate>0.7312</ExchangeRate>")) << xml;
        EXPECT_TRUE(validateQbxml(xml).valid) << xml;
    }
    const auto transfer = renderTransferAdd(summary, ctx, "t1");
    ASSERT_TRUE(transfer.has_value());
    EXPECT_FALSE(has(*transfer, "ExchangeRate")) << "TransferAdd has no ExchangeRate in qbXML 13.0";
}

TEST(EditionRender, AForeignDepositMovesToTheBankAsADepositAddAtTheRate) {
    const settlement::Summary summary = sampleSummary();
    RenderContext ctx;
    ctx.multicurrency = true;
    ctx.exchangeRate = "0.7312";
    ctx.clearingAccount = "Amazon Clearing CAD";
    ctx.transferToAccount = "Checking CAD";
    ctx.transferAsDeposit = true;
    const auto xml = renderTransferAdd(summary, ctx, "t1");
    ASSERT_TRUE(xml.has_value());
    EXPECT_TRUE(validateQbxml(*xml).valid) << validateQbxml(*xml).errors << *xml;
    EXPECT_FALSE(has(*xml, "TransferAdd")) << *xml;
    const std::string amount = common::formatCents(summary.header.totalAmount);
    EXPECT_TRUE(inOrder(*xml, {"<DepositAddRq requestID=\"t1\">", "<DepositAdd>", "<TxnDate>" + summary.depositDate,
                               "<DepositToAccountRef>", "<FullName>Checking CAD</FullName>", "<Memo>",
                               "<ExchangeRate>0.7312</ExchangeRate>",
                               "<ExternalGUID>" + externalGuid(transferExternalKey(summary)) + "</ExternalGUID>",
                               "<DepositLineAdd>", "<AccountRef>", "<FullName>Amazon Clearing CAD</FullName>",
                               "<Memo>", "<Amount>" + amount + "</Amount>", "</DepositLineAdd>", "</DepositAdd>"}))
        << *xml;
    EXPECT_EQ(xml->find("<DepositLineAdd>"), xml->rfind("<DepositLineAdd>")) << "one line";

    // The preview shows the same request, and says why it is a deposit.
    const std::string preview = renderPreview(summary, ctx);
    EXPECT_TRUE(has(preview, "DepositAdd of the deposit " + amount)) << preview;
    EXPECT_TRUE(has(preview, "TransferAdd carries no exchange rate")) << preview;

    // A rate QuickBooks cannot store, or one without multicurrency, is refused before anything is sent.
    ctx.exchangeRate = "-1";
    EXPECT_THROW(renderTransferAdd(summary, ctx, "t1"), RenderError);
    ctx.exchangeRate = "0.7312";
    ctx.multicurrency = false;
    EXPECT_THROW(renderTransferAdd(summary, ctx, "t1"), RenderError);
    ctx.multicurrency = true;
    ctx.clearingAccount = "Checking CAD";
    EXPECT_THROW(renderTransferAdd(summary, ctx, "t1"), RenderError);  // from an account to itself

    const std::string query = renderDepositQuery("2025-06-07", ctx, "q1");
    EXPECT_TRUE(validateQbxml(query).valid) << validateQbxml(query).errors;
    EXPECT_TRUE(inOrder(query, {"<DepositQueryRq requestID=\"q1\">", "<TxnDateRangeFilter>",
                                "<FromTxnDate>2025-06-07</FromTxnDate>", "<ToTxnDate>2025-06-07</ToTxnDate>"}))
        << query;
    EXPECT_TRUE(has(query, "<IncludeRetElement>ExternalGUID</IncludeRetElement>")) << query;
    EXPECT_THROW(renderDepositQuery("7 June", ctx, "q1"), RenderError);
}

// A payout the bank returned, in another currency than the home one: back from the bank in that currency to the
// home-currency Amazon Reserved Balances as a DepositAdd of funds in the settlement's currency (CurrencyRef), at its
// rate (a TransferAdd carries none and QuickBooks transfers only within one currency; docs/ACCOUNTING.md section 14).
TEST(EditionRender, AReturnedForeignPayoutGoesBackAsADepositOfItsCurrencyAtTheRate) {
    settlement::Summary summary = sampleSummary();
    summary.returnedPayouts.push_back({"2025-06-03", 41257});
    RenderContext ctx;
    ctx.multicurrency = true;
    ctx.exchangeRate = "0.7312";
    ctx.clearingAccount = "Amazon Clearing CAD";
    ctx.transferToAccount = "Checking CAD";
    ctx.carriedBalanceAccount = "Amazon Reserved Balances";
    ctx.transferAsDeposit = true;
    ctx.depositCurrency = "Canadian Dollar";
    const std::string xml = renderReturnedPayoutTransfer(summary, 0, ctx, "t2");
    EXPECT_TRUE(validateQbxml(xml).valid) << validateQbxml(xml).errors << xml;
    EXPECT_FALSE(has(xml, "TransferAdd")) << xml;
    EXPECT_TRUE(inOrder(xml, {"<DepositAddRq requestID=\"t2\">", "<DepositAdd>", "<TxnDate>2025-06-03</TxnDate>",
                              "<DepositToAccountRef>", "<FullName>Amazon Reserved Balances</FullName>",
                              "<Memo>Amazon settlement " + summary.header.settlementId + ": payout returned by the bank",
                              "<CurrencyRef>", "<FullName>Canadian Dollar</FullName>", "</CurrencyRef>",
                              "<ExchangeRate>0.7312</ExchangeRate>",
                              "<ExternalGUID>" + externalGuid(returnedPayoutExternalKey(summary, 0)) + "</ExternalGUID>",
                              "<DepositLineAdd>", "<AccountRef>", "<FullName>Checking CAD</FullName>", "<Memo>",
                              "<Amount>412.57</Amount>", "</DepositLineAdd>", "</DepositAdd>"}))
        << xml;
    EXPECT_EQ(xml.find("<DepositLineAdd>"), xml.rfind("<DepositLineAdd>")) << "one line";
    EXPECT_NE(externalGuid(returnedPayoutExternalKey(summary, 0)), externalGuid(transferExternalKey(summary)))
        << "a GUID of its own, not the forward move's";

    // The preview shows it after the deposit's own move, and says why it is a deposit.
    const std::string preview = renderPreview(summary, ctx);
    EXPECT_TRUE(inOrder(preview, {"DepositAdd of the deposit", "DepositAdd of the payout the bank returned "
                                                               "(Failed disbursement of 2025-06-03) 412.57",
                                  "QuickBooks transfers only within one currency", "<CurrencyRef>"}))
        << preview;
    for (std::size_t at = preview.find("<?xml"); at != std::string::npos; at = preview.find("<?xml", at + 1)) {
        const std::size_t end = preview.find("</QBXML>", at);
        ASSERT_NE(end, std::string::npos);
        const std::string one = preview.substr(at, end + 8 - at);
        EXPECT_TRUE(validateQbxml(one).valid) << validateQbxml(one).errors << one;
    }

    // Refused before anything is sent: no currency name, multicurrency off, a bad rate, a move to itself, a returned
    // day that is not positive; without the deposit form it stays a TransferAdd.
    RenderContext bad = ctx;
    bad.depositCurrency.clear();
    EXPECT_THROW(renderReturnedPayoutTransfer(summary, 0, bad, "t2"), RenderError);
    bad = ctx;
    bad.multicurrency = false;
    EXPECT_THROW(renderReturnedPayoutTransfer(summary, 0, bad, "t2"), RenderError);
    bad = ctx;
    bad.exchangeRate = "0";
    EXPECT_THROW(renderReturnedPayoutTransfer(summary, 0, bad, "t2"), RenderError);
    bad = ctx;
    bad.depositCurrency = std::string(65, 'D');
    EXPECT_THROW(renderReturnedPayoutTransfer(summary, 0, bad, "t2"), RenderError);
    bad = ctx;
    bad.transferToAccount = "Amazon Reserved Balances";
    EXPECT_THROW(renderReturnedPayoutTransfer(summary, 0, bad, "t2"), RenderError);
    summary.returnedPayouts.push_back({"2025-06-04", -100});
    EXPECT_THROW(renderReturnedPayoutTransfer(summary, 1, ctx, "t2"), RenderError);
    bad = ctx;
    bad.transferAsDeposit = false;
    const std::string transfer = renderReturnedPayoutTransfer(summary, 0, bad, "t2");
    EXPECT_TRUE(has(transfer, "<TransferAddRq")) << transfer;
    EXPECT_FALSE(has(transfer, "CurrencyRef")) << transfer;
}

TEST(EditionRender, TaxCodeAndCurrencyQueries) {
    RenderContext ctx;
    const std::string codes = renderSalesTaxCodeQuery(ctx, "q1");
    EXPECT_TRUE(has(codes, "<SalesTaxCodeQueryRq requestID=\"q1\">")) << codes;
    EXPECT_TRUE(has(codes, "<IncludeRetElement>IsTaxable</IncludeRetElement>")) << codes;
    EXPECT_TRUE(validateQbxml(codes).valid) << validateQbxml(codes).errors;
    const std::string rates = renderCurrencyQuery({"Canadian Dollar", "Indian Rupee"}, ctx, "q2");
    EXPECT_TRUE(has(rates, "<FullName>Canadian Dollar</FullName>")) << rates;
    EXPECT_TRUE(has(rates, "<IncludeRetElement>AsOfDate</IncludeRetElement>")) << rates;
    EXPECT_TRUE(validateQbxml(rates).valid) << validateQbxml(rates).errors;
    EXPECT_THROW(renderCurrencyQuery({std::string(65, 'x')}, ctx, "q3"), RenderError);
    EXPECT_THROW(renderCurrencyQuery({}, ctx, "q3"), RenderError);
}

}  // namespace
}  // namespace settlebridge::qbxml
