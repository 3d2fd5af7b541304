#include "qbxml/render.hpp"

#include <gtest/gtest.h>
#include <tinyxml2.h>

#include <regex>
#include <string>
#include <vector>

#include "qbxml/guid.hpp"
#include "qbxml/text.hpp"
#include "sample_summary.hpp"
#include "schema_validator.hpp"

namespace settlebridge::qbxml {
namespace {

using testing::line;
using testing::sampleSummary;
using testing::validateQbxml;

std::size_t countOf(const std::string& haystack, const std::string& needle) {
    std::size_t count = 0;
    for (std::size_t pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) {
        ++count;
    }
    return count;
}

/// Asserts that the needles appear in this order.
void expectInOrder(const std::string& xml, const std::vector<std::string>& needles) {
    std::size_t last = 0;
    for (const std::string& needle : needles) {
        const std::size_t pos = xml.find(needle, last);
        ASSERT_NE(pos, std::string::npos) << "missing (or out of order): " << needle << "\n" << xml;
        last = pos + needle.size();
    }
}

#define EXPECT_VALID(xml)                                                \
    do {                                                                 \
        const auto validation_ = validateQbxml(xml);                     \
        EXPECT_TRUE(validation_.valid) << validation_.errors << "\n" << (xml); \
    } while (false)

/// The text of the first element named `name` in the document (decoded by tinyxml2).
std::string firstText(const std::string& xml, const char* name) {
    tinyxml2::XMLDocument doc;
    EXPECT_EQ(doc.Parse(xml.c_str()), tinyxml2::XML_SUCCESS);
    std::vector<const tinyxml2::XMLElement*> stack{doc.RootElement()};
    while (!stack.empty()) {
        const tinyxml2::XMLElement* e = stack.back();
        stack.pop_back();
        if (e == nullptr) {
            continue;
        }
        if (std::string(e->Name()) == name) {
            return e->GetText() != nullptr ? e->GetText() : "";
        }
        std::vector<const tinyxml2::XMLElement*> children;
        for (const auto* c = e->FirstChildElement(); c != nullptr; c = c->NextSiblingElement()) {
            children.push_back(c);
        }
        stack.insert(stack.end(), children.rbegin(), children.rend());
    }
    return "<none>";
}

const settlement::SummaryDocument& receiptOf(const settlement::Summary& s) {
    return s.documents.at(0);
}
const settlement::SummaryDocument& creditMemoOf(const settlement::Summary& s) {
    return s.documents.at(1);
}

TEST(RenderTest, SalesReceiptAddIsSchemaValidWithTheExactProlog) {
    const auto s = sampleSummary();
    const std::string xml = renderSalesReceiptAdd(s, receiptOf(s), RenderContext{}, "sr-1");
    EXPECT_VALID(xml);
    EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<?qbxml version=\"13.0\"?>\n<QBXML>", 0), 0u)
        << xml;
    EXPECT_NE(xml.find("<QBXMLMsgsRq onError=\"stopOnError\">"), std::string::npos);
    EXPECT_NE(xml.find("<SalesReceiptAddRq requestID=\"sr-1\">"), std::string::npos);
}

TEST(RenderTest, SalesReceiptElementsFollowTheSchemaSequence) {
    const auto s = sampleSummary();
    const std::string xml = renderSalesReceiptAdd(s, receiptOf(s), RenderContext{}, "sr-1");
    expectInOrder(xml, {"<CustomerRef>", "<FullName>Amazon Summary</FullName>", "<TxnDate>2025-06-05</TxnDate>",
                        "<RefNumber>AYU766DR0</RefNumber>", "<Memo>Amazon settlement 23874396421",
                        "<IsToBePrinted>false</IsToBePrinted>", "<IsToBeEmailed>false</IsToBeEmailed>",
                        "<DepositToAccountRef>", "<FullName>Amazon Clearing</FullName>", "<ExternalGUID>",
                        "<SalesReceiptLineAdd>", "<ItemRef>", "<FullName>Amazon Sales:SKU-ABC-001</FullName>",
                        "<Desc>SKU-ABC-001 principal</Desc>", "<Quantity>3</Quantity>", "<Amount>59.97</Amount>",
                        "<SalesTaxCodeRef>", "<FullName>Non</FullName>", "</SalesReceiptLineAdd>"});
    EXPECT_EQ(countOf(xml, "<SalesReceiptLineAdd>"), 6u);
    EXPECT_EQ(countOf(xml, "<SalesTaxCodeRef>"), 6u) << "every line carries the non-taxable code";
}

TEST(RenderTest, QuantityOnlyWhenNonZeroAndNeverARate) {
    const auto s = sampleSummary();
    const std::string xml = renderSalesReceiptAdd(s, receiptOf(s), RenderContext{}, "sr-1");
    EXPECT_EQ(countOf(xml, "<Quantity>"), 2u) << xml;  // the two SKU lines; fees and shipping have none
    EXPECT_EQ(xml.find("<Rate>"), std::string::npos);
    // The shipping line (quantity 0) goes straight from Desc to Amount.
    EXPECT_TRUE(std::regex_search(xml, std::regex("<Desc>Shipping credits</Desc>\\s*<Amount>7\\.98</Amount>")))
        << xml;
}

TEST(RenderTest, AmountsHaveExactlyTwoDecimalsAndNegativesKeepTheirSign) {
    const auto s = sampleSummary();
    const std::string xml = renderSalesReceiptAdd(s, receiptOf(s), RenderContext{}, "sr-1");
    EXPECT_NE(xml.find("<Amount>-15.74</Amount>"), std::string::npos);
    EXPECT_NE(xml.find("<Amount>-21.36</Amount>"), std::string::npos);
    EXPECT_NE(xml.find("<Amount>45.00</Amount>"), std::string::npos);
    EXPECT_NE(xml.find("<Amount>0.00</Amount>"), std::string::npos);
    const std::regex amount("<Amount>([^<]*)</Amount>");
    for (auto it = std::sregex_iterator(xml.begin(), xml.end(), amount); it != std::sregex_iterator(); ++it) {
        EXPECT_TRUE(std::regex_match((*it)[1].str(), std::regex("-?[0-9]+\\.[0-9]{2}"))) << (*it)[1].str();
    }

    auto small = sampleSummary();
    small.documents[0].lines = {line("Amazon Fees:Commission", "fee", 0, -1234, "commission"),
                                line("Amazon Sales:SKU-ABC-001", "sale", 1, 1240),
                                line("Amazon Fees:Commission", "cent", 0, -5, "commission")};
    const std::string two = renderSalesReceiptAdd(small, small.documents[0], RenderContext{}, "sr-2");
    EXPECT_NE(two.find("<Amount>-12.34</Amount>"), std::string::npos) << two;
    EXPECT_NE(two.find("<Amount>-0.05</Amount>"), std::string::npos) << two;
    EXPECT_VALID(two);
}

TEST(RenderTest, ExternalGuidIsTheNameBasedUuidOfTheExternalKey) {
    const auto s = sampleSummary();
    const std::string receipt = renderSalesReceiptAdd(s, receiptOf(s), RenderContext{}, "sr-1");
    const std::string memo = renderCreditMemoAdd(s, creditMemoOf(s), RenderContext{}, "cm-1");
    EXPECT_EQ(firstText(receipt, "ExternalGUID"), "{D483EBE0-CFFF-56AB-BAAC-59574B7796E5}");
    EXPECT_EQ(firstText(memo, "ExternalGUID"), "{0F63D244-3D44-5710-896A-01A72FCED23A}");
    // Same document, same GUID, on every render.
    EXPECT_EQ(renderSalesReceiptAdd(s, receiptOf(s), RenderContext{}, "sr-1"), receipt);
}

TEST(RenderTest, CreditMemoAddIsValidRequiresCustomerAndHasNoDepositAccount) {
    const auto s = sampleSummary();
    const std::string xml = renderCreditMemoAdd(s, creditMemoOf(s), RenderContext{}, "cm-1");
    EXPECT_VALID(xml);
    expectInOrder(xml, {"<CreditMemoAddRq requestID=\"cm-1\">", "<CustomerRef>", "<TxnDate>2025-06-05</TxnDate>",
                        "<RefNumber>AYU766DC0</RefNumber>", "<Memo>", "<ExternalGUID>", "<CreditMemoLineAdd>",
                        "<Quantity>1</Quantity>", "<Amount>19.99</Amount>", "<Amount>-2.40</Amount>"});
    EXPECT_EQ(xml.find("DepositToAccountRef"), std::string::npos);
    EXPECT_EQ(countOf(xml, "<SalesTaxCodeRef>"), 2u);

    auto noCustomer = sampleSummary();
    noCustomer.customerName.clear();
    EXPECT_THROW(renderCreditMemoAdd(noCustomer, creditMemoOf(noCustomer), RenderContext{}, "cm-1"), RenderError);
}

TEST(RenderTest, DocumentAddDispatchesAndKindMismatchIsRefused) {
    const auto s = sampleSummary();
    EXPECT_EQ(renderDocumentAdd(s, creditMemoOf(s), RenderContext{}, "x"),
              renderCreditMemoAdd(s, creditMemoOf(s), RenderContext{}, "x"));
    EXPECT_THROW(renderSalesReceiptAdd(s, creditMemoOf(s), RenderContext{}, "x"), RenderError);
    EXPECT_THROW(renderCreditMemoAdd(s, receiptOf(s), RenderContext{}, "x"), RenderError);
}

TEST(RenderTest, ContextChangesClearingAccountTaxCodeAndVersion) {
    const auto s = sampleSummary();
    RenderContext ctx;
    ctx.clearingAccount = "Clearing:Amazon CA";
    ctx.nonTaxableCode = "E";
    ctx.qbxmlMajor = 16;
    const std::string xml = renderSalesReceiptAdd(s, receiptOf(s), ctx, "sr-1");
    EXPECT_NE(xml.find("<?qbxml version=\"16.0\"?>"), std::string::npos);
    EXPECT_NE(xml.find("<FullName>Clearing:Amazon CA</FullName>"), std::string::npos);
    EXPECT_EQ(countOf(xml, "<FullName>E</FullName>"), 6u);
    EXPECT_VALID(xml);

    ctx.nonTaxableCode.clear();  // sales tax off in the company file: no SalesTaxCodeRef at all
    const std::string noTax = renderSalesReceiptAdd(s, receiptOf(s), ctx, "sr-1");
    EXPECT_EQ(noTax.find("SalesTaxCodeRef"), std::string::npos);
    EXPECT_VALID(noTax);

    ctx.nonTaxableCode = "NONT";  // longer than QuickBooks' 3
    EXPECT_THROW(renderSalesReceiptAdd(s, receiptOf(s), ctx, "sr-1"), RenderError);

    RenderContext old;
    old.qbxmlMajor = 12;
    EXPECT_THROW(renderSalesReceiptAdd(s, receiptOf(s), old, "sr-1"), RenderError);
    EXPECT_THROW(qbxmlVersionText(old), RenderError);
    EXPECT_EQ(qbxmlVersionText(RenderContext{}), "13.0");
}

TEST(RenderTest, EscapesMarkupCharactersAndRoundTrips) {
    auto s = sampleSummary();
    s.customerName = "Amazon \"CA\" & Co";
    auto& receipt = s.documents[0];
    receipt.memo = "Settlement <23874396421> & 'more' \"quoted\"";
    receipt.lines[0].description = "Tom & Jerry's <Best> \"Mug\" > 2";
    receipt.lines[0].item = "Amazon Sales:R&D <1>";
    const std::string xml = renderSalesReceiptAdd(s, receipt, RenderContext{}, "id \"1\" & <2>");
    EXPECT_VALID(xml);
    EXPECT_NE(xml.find("Tom &amp; Jerry's &lt;Best&gt;"), std::string::npos) << xml;
    EXPECT_NE(xml.find("<FullName>Amazon Sales:R&amp;D &lt;1&gt;</FullName>"), std::string::npos) << xml;
    EXPECT_NE(xml.find("requestID=\"id &quot;1&quot; &amp; &lt;2&gt;\""), std::string::npos) << xml;
    EXPECT_EQ(firstText(xml, "Desc"), "Tom & Jerry's <Best> \"Mug\" > 2");
    EXPECT_EQ(firstText(xml, "Memo"), "Settlement <23874396421> & 'more' \"quoted\"");
    EXPECT_EQ(firstText(xml, "FullName"), "Amazon \"CA\" & Co");
}

TEST(RenderTest, NonAsciiTextIsKeptOrTransliteratedToWhatQuickBooksStores) {
    auto s = sampleSummary();
    auto& receipt = s.documents[0];
    receipt.memo = "Café Crème – 5 € … Łódź 東京 🙂";
    receipt.lines[0].description = "Größe\tXL\nrot\x01";
    receipt.lines[1].item = "Amazon Sales:Ærø-Ø-ß-Ş";
    const std::string xml = renderSalesReceiptAdd(s, receipt, RenderContext{}, "sr-1");
    EXPECT_VALID(xml);
    EXPECT_EQ(firstText(xml, "Memo"), "Café Crème - 5 EUR ... Lódz ?? ?");
    EXPECT_EQ(firstText(xml, "Desc"), "Größe XL rot");
    // On the wire: printable ASCII only, Latin-1 as decimal references (QuickBooks refuses any raw byte > 0x7F).
    EXPECT_NE(xml.find("<Memo>Caf&#233; Cr&#232;me - 5 EUR ... L&#243;dz ?? ?</Memo>"), std::string::npos) << xml;
    EXPECT_NE(xml.find("<FullName>Amazon Sales:&#198;r&#248;-&#216;-&#223;-S</FullName>"), std::string::npos) << xml;
    EXPECT_TRUE(isPrintableAscii(xml)) << xml;
}

TEST(RenderTest, EveryRequestIsPrintableAsciiAndThePreviewsCommentsTooWithoutReferences) {
    auto s = sampleSummary();
    s.customerName = "Amazon.ca \xE2\x80\x93 Caf\xC3\xA9";
    s.documents[0].memo = "Settlement \xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x84\xA2";
    RenderContext ctx;
    ctx.transferToAccount = "Checking \xC3\x9C";
    const std::string preview = renderPreview(s, ctx);
    EXPECT_TRUE(isPrintableAscii(preview)) << preview;
    EXPECT_NE(preview.find("<FullName>Amazon.ca - Caf&#233;</FullName>"), std::string::npos) << preview;
    EXPECT_NE(preview.find("<Memo>Settlement \"quoted\" TM</Memo>"), std::string::npos) << preview;
    // comments are folded to plain ASCII: a reference is not read inside a comment
    EXPECT_EQ(preview.find("<!--", 0) == std::string::npos, false);
    for (std::size_t at = preview.find("<!--"); at != std::string::npos; at = preview.find("<!--", at + 4)) {
        const std::string comment = preview.substr(at, preview.find("-->", at) - at);
        EXPECT_EQ(comment.find("&#"), std::string::npos) << comment;
    }
    EXPECT_NE(preview.find("Checking U"), std::string::npos) << preview;
    for (const TxnType type : {TxnType::SalesReceipt, TxnType::CreditMemo, TxnType::ARRefundCreditCard}) {
        EXPECT_TRUE(isPrintableAscii(renderTxnQueryByRefNumber(type, "AYU766D0R", ctx, "q-1")));
    }
    EXPECT_TRUE(isPrintableAscii(renderCustomerAdd("Caf\xC3\xA9 \xE2\x80\x93 \xE6\x9D\xB1", "", ctx, "c-1")));
    EXPECT_TRUE(isPrintableAscii(renderItemQuery({"Amazon Sales:\xC3\xA9t\xC3\xA9"}, ctx, "i-1")));
}

TEST(RenderTest, NameLengthsAreCheckedAfterConversion) {
    auto s = sampleSummary();
    // 29 characters + "€€" = 31 characters as written, 35 once QuickBooks stores "EUREUR": refused before sending.
    s.documents[0].lines[2].item = "Amazon Sales:" + std::string(29, 'X') + "\xE2\x82\xAC\xE2\x82\xAC";
    try {
        (void)renderSalesReceiptAdd(s, s.documents[0], RenderContext{}, "sr-1");
        FAIL() << "the converted name has 35 characters";
    } catch (const RenderError& e) {
        EXPECT_NE(std::string(e.what()).find("35 characters"), std::string::npos) << e.what();
    }
    // a 41-character customer name with é fits (é stays one character, although it travels as &#233;)
    RenderContext ctx;
    ctx.customerName = std::string(40, 'c') + "\xC3\xA9";
    s = sampleSummary();
    const std::string xml = renderSalesReceiptAdd(s, s.documents[0], ctx, "sr-1");
    EXPECT_NE(xml.find(std::string(40, 'c') + "&#233;</FullName>"), std::string::npos) << xml;
    ctx.customerName = std::string(40, 'c') + "\xE2\x80\xA6";  // … becomes "...": 43 characters
    EXPECT_THROW(renderSalesReceiptAdd(s, s.documents[0], ctx, "sr-1"), RenderError);
}

TEST(RenderTest, ItemNameLongerThanQuickBooksAllowsIsRefusedBeforeRendering) {
    auto s = sampleSummary();
    const std::string name35 = "Amazon Sales:" + std::string(35, 'X');
    s.documents[0].lines[2].item = name35;
    try {
        (void)renderSalesReceiptAdd(s, s.documents[0], RenderContext{}, "sr-1");
        FAIL() << "a 35-character item name must be refused";
    } catch (const RenderError& e) {
        EXPECT_EQ(e.field(), "SalesReceiptLineAdd/ItemRef/FullName");
        EXPECT_NE(std::string(e.what()).find("35 characters"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("31"), std::string::npos) << e.what();
    }
    EXPECT_THROW(renderPreview(s, RenderContext{}), RenderError);

    s.documents[0].lines[2].item = "Amazon Sales:" + std::string(31, 'X');
    EXPECT_VALID(renderSalesReceiptAdd(s, s.documents[0], RenderContext{}, "sr-1"));
    // 31 characters counted as characters, not bytes.
    s.documents[0].lines[2].item = "Amazon Sales:" + std::string(30, 'X') + "é";
    EXPECT_NO_THROW(renderSalesReceiptAdd(s, s.documents[0], RenderContext{}, "sr-1"));

    for (const char* bad : {"", "Amazon Sales:", ":SKU", "A::B", "A:B:C:D:E:F"}) {
        s.documents[0].lines[2].item = bad;
        EXPECT_THROW(renderSalesReceiptAdd(s, s.documents[0], RenderContext{}, "sr-1"), RenderError) << bad;
    }
}

TEST(RenderTest, RefNumberDateRequestIdAndAmountsOutsideTheLimitsAreRefused) {
    const auto base = sampleSummary();
    auto s = base;
    s.documents[0].refNumber = "AYU766DR0123";  // 12
    EXPECT_THROW(renderSalesReceiptAdd(s, s.documents[0], RenderContext{}, "sr-1"), RenderError);
    s.documents[0].refNumber = "";
    EXPECT_THROW(renderSalesReceiptAdd(s, s.documents[0], RenderContext{}, "sr-1"), RenderError);

    for (const char* date : {"2025-6-5", "05.06.2025", "2025-02-29", "2025-13-01", "", "2025-06-05T00:00:00"}) {
        s = base;
        s.documents[0].txnDate = date;
        EXPECT_THROW(renderSalesReceiptAdd(s, s.documents[0], RenderContext{}, "sr-1"), RenderError) << date;
    }
    s = base;
    s.documents[0].txnDate = "2024-02-29";
    EXPECT_NO_THROW(renderSalesReceiptAdd(s, s.documents[0], RenderContext{}, "sr-1"));

    s = base;
    EXPECT_THROW(renderSalesReceiptAdd(s, s.documents[0], RenderContext{}, std::string(51, 'r')), RenderError);
    EXPECT_THROW(renderSalesReceiptAdd(s, s.documents[0], RenderContext{}, ""), RenderError);
    EXPECT_NO_THROW(renderSalesReceiptAdd(s, s.documents[0], RenderContext{}, std::string(50, 'r')));

    s.documents[0].lines[0].amount = 1'000'000'000'000'000;  // 14 digits before the point
    EXPECT_THROW(renderSalesReceiptAdd(s, s.documents[0], RenderContext{}, "sr-1"), RenderError);
    s = base;
    s.documents[0].lines[0].quantity = 10'000'000'000;
    EXPECT_THROW(renderSalesReceiptAdd(s, s.documents[0], RenderContext{}, "sr-1"), RenderError);

    s = base;
    s.documents[0].externalKey.clear();
    EXPECT_THROW(renderSalesReceiptAdd(s, s.documents[0], RenderContext{}, "sr-1"), RenderError);

    s = base;
    RenderContext ctx;
    ctx.clearingAccount = std::string(32, 'C');
    EXPECT_THROW(renderSalesReceiptAdd(s, s.documents[0], ctx, "sr-1"), RenderError);
}

TEST(RenderTest, DocumentsWithoutLinesOrWithANegativeTotalAreRefused) {
    auto s = sampleSummary();
    s.documents[0].lines.clear();
    EXPECT_THROW(renderSalesReceiptAdd(s, s.documents[0], RenderContext{}, "sr-1"), RenderError);
    s = sampleSummary();
    s.documents[1].lines = {line("Amazon Fees:Commission", "fee back", 0, -100, "commission")};
    try {
        (void)renderCreditMemoAdd(s, s.documents[1], RenderContext{}, "cm-1");
        FAIL();
    } catch (const RenderError& e) {
        EXPECT_NE(std::string(e.what()).find("negative total"), std::string::npos) << e.what();
    }
}

TEST(RenderTest, LongMemoAndDescriptionAreCutNotRefused) {
    auto s = sampleSummary();
    s.documents[0].memo = std::string(5000, 'm');
    s.documents[0].lines[0].description = std::string(4000, 'd') + std::string(200, 'e');
    const std::string xml = renderSalesReceiptAdd(s, s.documents[0], RenderContext{}, "sr-1");
    EXPECT_VALID(xml);
    const std::string memo = firstText(xml, "Memo");
    EXPECT_EQ(characterCount(memo), kMaxMemo);
    EXPECT_EQ(memo.substr(memo.size() - 3), "...");
    EXPECT_EQ(characterCount(firstText(xml, "Desc")), kMaxDesc);
}

TEST(RenderTest, RefundPaysTheCreditMemoOutOfTheClearingAccount) {
    const auto s = sampleSummary();
    const RefundParams params{"1A3F-1710500100", "AYU766DP0"};
    const std::string xml = renderARRefundCreditCardAdd(s, creditMemoOf(s), params, RenderContext{}, "p-1");
    EXPECT_VALID(xml);
    expectInOrder(xml, {"<ARRefundCreditCardAddRq requestID=\"p-1\">", "<CustomerRef>",
                        "<FullName>Amazon Summary</FullName>", "<RefundFromAccountRef>",
                        "<FullName>Amazon Clearing</FullName>", "<TxnDate>2025-06-05</TxnDate>",
                        "<RefNumber>AYU766DP0</RefNumber>", "<Memo>Refund of credit memo AYU766DC0",
                        "<ExternalGUID>{B9870D7F-F64F-5FD2-8D4A-F511BD25BF80}</ExternalGUID>",
                        "<RefundAppliedToTxnAdd>", "<TxnID>1A3F-1710500100</TxnID>",
                        "<RefundAmount>17.59</RefundAmount>"});
    EXPECT_EQ(refundExternalKey(creditMemoOf(s)), "23874396421:P:0");

    EXPECT_THROW(renderARRefundCreditCardAdd(s, receiptOf(s), params, RenderContext{}, "p-1"), RenderError);
    EXPECT_THROW(renderARRefundCreditCardAdd(s, creditMemoOf(s), {"", "AYU766DP0"}, RenderContext{}, "p-1"),
                 RenderError);
    EXPECT_THROW(renderARRefundCreditCardAdd(s, creditMemoOf(s), {std::string(37, '1'), "AYU766DP0"},
                                             RenderContext{}, "p-1"),
                 RenderError);
    EXPECT_THROW(renderARRefundCreditCardAdd(s, creditMemoOf(s), {"1A3F-1", "AYU766DP0123"}, RenderContext{}, "p-1"),
                 RenderError);
    auto zero = sampleSummary();
    zero.documents[1].lines = {line("Amazon Sales:SKU-ABC-001", "nothing", 0, 0)};
    EXPECT_THROW(renderARRefundCreditCardAdd(zero, zero.documents[1], params, RenderContext{}, "p-1"), RenderError);

    settlement::SummaryDocument oddKey = creditMemoOf(s);
    oddKey.externalKey = "custom-key";
    EXPECT_EQ(refundExternalKey(oddKey), "custom-key:P");
}

TEST(RenderTest, TransferOnlyForAPositiveDepositAndAConfiguredBank) {
    auto s = sampleSummary();
    RenderContext ctx;
    EXPECT_THROW(renderTransferAdd(s, ctx, "t-1"), RenderError);  // no bank account configured
    ctx.transferToAccount = "Checking";
    const std::optional<std::string> xml = renderTransferAdd(s, ctx, "t-1");
    ASSERT_TRUE(xml.has_value());
    EXPECT_VALID(*xml);
    expectInOrder(*xml, {"<TransferAddRq requestID=\"t-1\">", "<TxnDate>2025-06-07</TxnDate>",
                         "<TransferFromAccountRef>", "<FullName>Amazon Clearing</FullName>",
                         "<TransferToAccountRef>", "<FullName>Checking</FullName>", "<Amount>58.26</Amount>",
                         "<Memo>Amazon settlement 23874396421 deposit (23874396421:T)</Memo>"});
    s.header.totalAmount = -1500;
    EXPECT_FALSE(renderTransferAdd(s, ctx, "t-1").has_value());
    s.header.totalAmount = 0;
    EXPECT_FALSE(renderTransferAdd(s, ctx, "t-1").has_value());
    s = sampleSummary();
    ctx.transferToAccount = "Amazon Clearing";
    EXPECT_THROW(renderTransferAdd(s, ctx, "t-1"), RenderError);
}

// Issue 15 part 1: a negative settlement's receipt deposits to, and its refund is paid from, the carried-balance
// account; a returned payout goes back from the bank to it (docs/ACCOUNTING.md section 14).
TEST(RenderTest, NegativeSettlementGoesThroughTheCarriedBalanceAccount) {
    auto s = sampleSummary();
    s.header.totalAmount = -1500;
    RenderContext ctx;
    EXPECT_EQ(settlementAccount(s, ctx), "Amazon Reserved Balances");
    const std::string receipt = renderSalesReceiptAdd(s, receiptOf(s), ctx, "sr-1");
    EXPECT_VALID(receipt);
    expectInOrder(receipt, {"<DepositToAccountRef>", "<FullName>Amazon Reserved Balances</FullName>"});
    const std::string refund =
        renderARRefundCreditCardAdd(s, creditMemoOf(s), RefundParams{"1A3F-1710500100", "AYU766DP0"}, ctx, "p-1");
    EXPECT_VALID(refund);
    expectInOrder(refund, {"<RefundFromAccountRef>", "<FullName>Amazon Reserved Balances</FullName>",
                           "<Memo>Refund of credit memo AYU766DC0 paid out of Amazon Reserved Balances"});
    s.carriedBalanceAccount = "Amazon Owed";
    EXPECT_EQ(settlementAccount(s, ctx), "Amazon Owed");
    ctx.carriedBalanceAccount = "Owed By Seller";  // the planner's: the company's account for these categories
    EXPECT_EQ(settlementAccount(s, ctx), "Owed By Seller");
    s.header.totalAmount = 0;
    EXPECT_EQ(settlementAccount(s, ctx), "Amazon Clearing") << "a zero settlement stays in the clearing account";
}

TEST(RenderTest, ReturnedPayoutIsTransferredBackFromTheBank) {
    auto s = sampleSummary();
    s.returnedPayouts.push_back({"2025-06-03", 41257});
    s.returnedPayouts.push_back({"2025-06-04", -100});
    RenderContext ctx;
    ctx.transferToAccount = "Checking";
    EXPECT_EQ(returnedPayoutExternalKey(s, 0), "23874396421:F:0");
    const std::string xml = renderReturnedPayoutTransfer(s, 0, ctx, "t-2");
    EXPECT_VALID(xml);
    expectInOrder(xml, {"<TransferAddRq requestID=\"t-2\">", "<TxnDate>2025-06-03</TxnDate>", "<TransferFromAccountRef>",
                        "<FullName>Checking</FullName>", "<TransferToAccountRef>",
                        "<FullName>Amazon Reserved Balances</FullName>", "<Amount>412.57</Amount>",
                        "(23874396421:F:0)</Memo>"});
    EXPECT_THROW(renderReturnedPayoutTransfer(s, 1, ctx, "t-3"), RenderError) << "a negative day is not transferred";
    EXPECT_THROW(renderReturnedPayoutTransfer(s, 2, ctx, "t-3"), RenderError);
    ctx.transferToAccount = "Amazon Reserved Balances";
    EXPECT_THROW(renderReturnedPayoutTransfer(s, 0, ctx, "t-3"), RenderError);
}

TEST(RenderTest, EveryQueryIsSchemaValidAndAsksOnlyForWhatPostingNeeds) {
    const RenderContext ctx;
    for (const TxnType type : {TxnType::SalesReceipt, TxnType::CreditMemo, TxnType::ARRefundCreditCard}) {
        const std::string xml = renderTxnQueryByRefNumber(type, "AYU766DR0", ctx, "q-1");
        EXPECT_VALID(xml);
        EXPECT_NE(xml.find("<QBXMLMsgsRq onError=\"continueOnError\">"), std::string::npos);
        expectInOrder(xml, {"<RefNumberCaseSensitive>AYU766DR0</RefNumberCaseSensitive>",
                            "<IncludeRetElement>TxnID</IncludeRetElement>",
                            "<IncludeRetElement>TotalAmount</IncludeRetElement>",
                            "<IncludeRetElement>ExternalGUID</IncludeRetElement>"});
    }
    EXPECT_NE(renderTxnQueryByRefNumber(TxnType::CreditMemo, "X", ctx, "q").find("CreditRemaining"),
              std::string::npos);
    EXPECT_NE(renderTxnQueryByRefNumber(TxnType::SalesReceipt, "X", ctx, "q").find("<SalesReceiptQueryRq"),
              std::string::npos);
    EXPECT_NE(renderTxnQueryByRefNumber(TxnType::ARRefundCreditCard, "X", ctx, "q").find("<ARRefundCreditCardQueryRq"),
              std::string::npos);
    EXPECT_THROW(renderTxnQueryByRefNumber(TxnType::SalesReceipt, "123456789012", ctx, "q"), RenderError);

    const std::string transfers = renderTransferQuery("2025-06-07", ctx, "q-t");
    EXPECT_VALID(transfers);
    EXPECT_THROW(renderTransferQuery("7 June", ctx, "q-t"), RenderError);

    const std::string items =
        renderItemQuery({"Amazon Sales:SKU-ABC-001", "Amazon Fees:Commission", "Amazon Shipping"}, ctx, "q-i");
    EXPECT_VALID(items);
    EXPECT_EQ(countOf(items, "<FullName>"), 3u);
    EXPECT_THROW(renderItemQuery({}, ctx, "q-i"), RenderError);
    EXPECT_THROW(renderItemQuery({"Amazon Sales:" + std::string(32, 'x')}, ctx, "q-i"), RenderError);

    const std::string customers = renderCustomerQuery({"Amazon Summary"}, ctx, "q-c");
    EXPECT_VALID(customers);
    EXPECT_NE(customers.find("<IncludeRetElement>CurrencyRef</IncludeRetElement>"), std::string::npos);
    const std::string accounts = renderAccountQuery({"Amazon Clearing", "Income:Amazon Sales"}, ctx, "q-a");
    EXPECT_VALID(accounts);
    EXPECT_NE(accounts.find("<IncludeRetElement>AccountType</IncludeRetElement>"), std::string::npos);

    for (const std::string& xml : {renderHostQuery(ctx, "h"), renderPreferencesQuery(ctx, "p"),
                                   renderCompanyQuery(ctx, "c")}) {
        EXPECT_VALID(xml);
    }
    EXPECT_NE(renderHostQuery(ctx, "h").find("<HostQueryRq requestID=\"h\"/>"), std::string::npos);
}

TEST(RenderTest, ListAddsAreSchemaValid) {
    RenderContext ctx;
    const std::string customer = renderCustomerAdd("Amazon Summary", "", ctx, "c-1");
    EXPECT_VALID(customer);
    EXPECT_NE(customer.find("<Name>Amazon Summary</Name>"), std::string::npos);
    EXPECT_EQ(customer.find("CurrencyRef"), std::string::npos);
    EXPECT_THROW(renderCustomerAdd("Amazon Summary CAD", "Canadian Dollar", ctx, "c-2"), RenderError);
    ctx.multicurrency = true;
    const std::string cad = renderCustomerAdd("Amazon:Amazon Summary CAD", "Canadian Dollar", ctx, "c-2");
    EXPECT_VALID(cad);
    expectInOrder(cad, {"<Name>Amazon Summary CAD</Name>", "<ParentRef>", "<FullName>Amazon</FullName>",
                        "<CurrencyRef>", "<FullName>Canadian Dollar</FullName>"});
    EXPECT_THROW(renderCustomerAdd(std::string(42, 'c'), "", ctx, "c-3"), RenderError);

    for (const AccountType type :
         {AccountType::Bank, AccountType::Income, AccountType::OtherIncome, AccountType::Expense,
          AccountType::OtherExpense, AccountType::CostOfGoodsSold, AccountType::OtherCurrentAsset,
          AccountType::OtherCurrentLiability, AccountType::CreditCard, AccountType::Equity}) {
        const std::string xml = renderAccountAdd("Amazon Clearing", type, "Amazon settlements clear here", ctx, "a");
        EXPECT_VALID(xml);
        EXPECT_NE(xml.find("<AccountType>" + std::string(toString(type)) + "</AccountType>"), std::string::npos);
    }
    const std::string sub = renderAccountAdd("Selling Fees:Amazon Fees", AccountType::Expense, "", ctx, "a");
    EXPECT_VALID(sub);
    expectInOrder(sub, {"<Name>Amazon Fees</Name>", "<ParentRef>", "<FullName>Selling Fees</FullName>",
                        "<AccountType>Expense</AccountType>"});

    const ItemSpec sku{"Amazon Sales:SKU-ABC-001", "Amazon SKU SKU-ABC-001", "Sales:Amazon Sales", ""};
    const std::string nonInventory = renderItemNonInventoryAdd(sku, ctx, "i-1");
    EXPECT_VALID(nonInventory);
    expectInOrder(nonInventory, {"<ItemNonInventoryAdd>", "<Name>SKU-ABC-001</Name>", "<ParentRef>",
                                 "<FullName>Amazon Sales</FullName>", "<SalesTaxCodeRef>", "<FullName>Non</FullName>",
                                 "<SalesOrPurchase>", "<Desc>Amazon SKU SKU-ABC-001</Desc>", "<AccountRef>",
                                 "<FullName>Sales:Amazon Sales</FullName>"});
    EXPECT_EQ(nonInventory.find("<Price>"), std::string::npos);

    const ItemSpec fee{"FBA Fulfillment", "Amazon FBA per-unit fulfillment fee", "Amazon Selling Fees", ""};
    const std::string otherCharge = renderItemOtherChargeAdd(fee, ctx, "i-2");
    EXPECT_VALID(otherCharge);
    EXPECT_EQ(otherCharge.find("ParentRef"), std::string::npos);
    const std::string feeSub =
        renderItemOtherChargeAdd({"Amazon Fees:Commission", "Referral fees", "Amazon Selling Fees", ""}, ctx, "i-3");
    EXPECT_VALID(feeSub);

    const ItemSpec tooLong{"Amazon Sales:" + std::string(35, 'S'), "", "Sales", ""};
    EXPECT_THROW(renderItemNonInventoryAdd(tooLong, ctx, "i-4"), RenderError);
    EXPECT_THROW(renderItemOtherChargeAdd({"Fee", "", "", ""}, ctx, "i-5"), RenderError);  // no account

    // Sold through an income account, bought through cost of goods sold (issue 13): SalesAndPurchase.
    const ItemSpec split{"SKU-ABC-001", "SKU-ABC-001", "Amazon Sales", "Cost of Goods Sold"};
    const std::string both = renderItemNonInventoryAdd(split, ctx, "i-6");
    EXPECT_VALID(both);
    expectInOrder(both, {"<SalesAndPurchase>", "<SalesDesc>SKU-ABC-001</SalesDesc>", "<IncomeAccountRef>",
                         "<FullName>Amazon Sales</FullName>", "<ExpenseAccountRef>",
                         "<FullName>Cost of Goods Sold</FullName>", "</SalesAndPurchase>"});
    EXPECT_EQ(both.find("SalesOrPurchase"), std::string::npos);
    const std::string service = renderItemServiceAdd({"Products:SKU-1", "", "Sales", ""}, ctx, "i-7");
    EXPECT_VALID(service);
    expectInOrder(service, {"<ItemServiceAddRq", "<Name>SKU-1</Name>", "<ParentRef>", "<SalesOrPurchase>"});
    EXPECT_THROW(renderItemServiceAdd({"Svc", "", "Sales", std::string(40, 'E')}, ctx, "i-8"), RenderError);
}

TEST(RenderTest, OtherNamesQueryLooksInVendorsEmployeesAndOtherNames) {
    const RenderContext ctx;
    const std::string xml = renderOtherNamesQuery({"Amazon Summary", "Amazon"}, ctx, "s1-4");
    EXPECT_VALID(xml);
    expectInOrder(xml, {"continueOnError", "<VendorQueryRq requestID=\"s1-4-v\">", "<FullName>Amazon Summary</FullName>",
                        "<FullName>Amazon</FullName>", "<IncludeRetElement>Name</IncludeRetElement>",
                        "<EmployeeQueryRq requestID=\"s1-4-e\">", "<OtherNameQueryRq requestID=\"s1-4-o\">"});
    EXPECT_THROW(renderOtherNamesQuery({}, ctx, "s1-5"), RenderError);
}

TEST(RenderTest, NamesAreNormalizedAndTheirParentsListed) {
    EXPECT_EQ(normalizeItemName("Amazon Sales:Łódź"), "Amazon Sales:Lódz");
    EXPECT_EQ(normalizeCustomerName(std::string(41, 'c')), std::string(41, 'c'));
    EXPECT_THROW(normalizeAccountName(std::string(32, 'a')), RenderError);
    EXPECT_EQ(parentNames("A:B:C"), (std::vector<std::string>{"A", "A:B"}));
    EXPECT_TRUE(parentNames("A").empty());
}

/// Splits a preview into its documents (each starts with the XML declaration).
std::vector<std::string> splitPreview(const std::string& preview) {
    std::vector<std::string> docs;
    const std::string marker = "<?xml version=";
    for (std::size_t pos = preview.find(marker); pos != std::string::npos;) {
        const std::size_t next = preview.find(marker, pos + 1);
        docs.push_back(preview.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
        pos = next;
    }
    return docs;
}

TEST(RenderTest, PreviewShowsEveryDocumentValidAndHonestAboutTheRefund) {
    const auto s = sampleSummary();
    const std::string preview = renderPreview(s, RenderContext{});
    const std::vector<std::string> docs = splitPreview(preview);
    ASSERT_EQ(docs.size(), 2u) << preview;
    for (const std::string& doc : docs) {
        EXPECT_VALID(doc);
    }
    EXPECT_NE(docs[0].find("<SalesReceiptAddRq requestID=\"23874396421:R:0\">"), std::string::npos);
    EXPECT_NE(docs[0].find("<!-- Amazon settlement 23874396421 (CAD), deposit 58.26"), std::string::npos) << docs[0];
    EXPECT_NE(docs[0].find("Reconciled"), std::string::npos);
    EXPECT_NE(docs[0].find("document 1 of 2: SalesReceiptAdd, RefNumber AYU766DR0"), std::string::npos);
    EXPECT_NE(docs[1].find("document 2 of 2: CreditMemoAdd, RefNumber AYU766DC0"), std::string::npos);
    // The refund is described, never rendered with an invented TxnID.
    EXPECT_NE(docs[1].find("Then ARRefundCreditCardAdd, RefNumber AYU766D0P: refund of 17.59 CAD"),
              std::string::npos)
        << docs[1];
    EXPECT_EQ(preview.find("<ARRefundCreditCardAddRq"), std::string::npos);
    EXPECT_EQ(preview.find("<TxnID>"), std::string::npos);
    // Same documents as the single renderers, apart from the comments.
    EXPECT_NE(docs[0].find("<ExternalGUID>{D483EBE0-CFFF-56AB-BAAC-59574B7796E5}</ExternalGUID>"),
              std::string::npos);

    RenderContext withBank;
    withBank.transferToAccount = "Checking";
    const std::vector<std::string> three = splitPreview(renderPreview(s, withBank));
    ASSERT_EQ(three.size(), 3u);
    EXPECT_VALID(three[2]);
    EXPECT_NE(three[2].find("document 3 of 3: TransferAdd"), std::string::npos);
}

TEST(RenderTest, PreviewSaysWhenASummaryIsNotReconciledOrGross) {
    auto s = sampleSummary();
    s.reconciled = false;
    s.difference = -1234;
    const std::string preview = renderPreview(s, RenderContext{});
    EXPECT_NE(preview.find("NOT RECONCILED"), std::string::npos);
    EXPECT_NE(preview.find("-12.34"), std::string::npos);
    for (const std::string& doc : splitPreview(preview)) {
        EXPECT_VALID(doc);
    }
    s.grossMode = true;
    EXPECT_NE(renderPreview(s, RenderContext{}).find("do NOT match the deposit"), std::string::npos);

    // Comments never carry "--" (not allowed in XML comments).
    s = sampleSummary();
    s.customerName = "Amazon--Summary";
    const std::string dashes = renderPreview(s, RenderContext{});
    for (const std::string& doc : splitPreview(dashes)) {
        EXPECT_VALID(doc);
    }

    settlement::Summary empty = sampleSummary();
    empty.documents.clear();
    const std::string nothing = renderPreview(empty, RenderContext{});
    EXPECT_NE(nothing.find("no documents to post"), std::string::npos);
    EXPECT_TRUE(splitPreview(nothing).empty());
}

}  // namespace
}  // namespace settlebridge::qbxml
