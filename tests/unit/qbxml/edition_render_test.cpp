// What differs per QuickBooks edition in the requests (docs/QBXML.md, "Editions"), and the two list queries that read
// the company file's sales tax codes and exchange rates.

#include <gtest/gtest.h>

#include <string>

#include "qbxml/render.hpp"
#include "sample_summary.hpp"
#include "schema_validator.hpp"

namespace settlebridge::qbxml {
namespace {

using testing::sampleSummary;
using testing::validateQbxml;

bool has(const std::string& xml, const std::string& part) { return xml.find(part) != std::string::npos; }

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
