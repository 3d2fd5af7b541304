#include "qbxml/response.hpp"

#include <gtest/gtest.h>
#include <tinyxml2.h>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "qbxml/status.hpp"
#include "qbxml/version.hpp"
#include "schema_validator.hpp"
#include "tests/support/test_paths.hpp"

namespace settlebridge::qbxml {
namespace {

using testing::readDataFile;

/// The qbXML a Web Connector envelope (tests/data/qbwc/envelopes) carries in its <element> (unescaped by the XML
/// parser).
std::string embedded(const std::string& envelopeFile, const char* element) {
    std::ifstream in(std::string(SETTLEBRIDGE_SOURCE_DIR) + "/tests/data/qbwc/envelopes/" + envelopeFile,
                     std::ios::binary);
    EXPECT_TRUE(in) << envelopeFile;
    const std::string envelope((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    tinyxml2::XMLDocument doc;
    EXPECT_EQ(doc.Parse(envelope.data(), envelope.size()), tinyxml2::XML_SUCCESS) << envelopeFile;
    const tinyxml2::XMLElement* body = doc.RootElement()->FirstChildElement("soap:Body");
    EXPECT_NE(body, nullptr);
    const tinyxml2::XMLElement* operation = body->FirstChildElement();
    const tinyxml2::XMLElement* carrier = operation->FirstChildElement(element);
    EXPECT_NE(carrier, nullptr) << element;
    return carrier != nullptr && carrier->GetText() != nullptr ? carrier->GetText() : "";
}

TEST(ResponseTest, ParsesASalesReceiptAddSuccess) {
    const ResponseSet set = parseResponse(readDataFile("qbxml/samples/SalesReceiptAddRs.ok.xml"));
    ASSERT_EQ(set.responses.size(), 1u);
    const Response& r = set.responses[0];
    EXPECT_EQ(r.type, "SalesReceiptAddRs");
    EXPECT_EQ(r.requestId, "sr-1");
    EXPECT_EQ(r.statusCode, 0);
    EXPECT_EQ(r.severity, Severity::Info);
    EXPECT_EQ(r.statusMessage, "Status OK");
    EXPECT_TRUE(r.ok());
    ASSERT_NE(r.txn(), nullptr);
    const TxnRet& t = *r.txn();
    EXPECT_EQ(t.retType, "SalesReceiptRet");
    EXPECT_EQ(t.txnId, "1A2B-1710500000");
    EXPECT_EQ(t.editSequence, "1710500000");
    EXPECT_EQ(t.txnNumber, "412");
    EXPECT_EQ(t.txnDate, "2024-03-15");
    EXPECT_EQ(t.refNumber, "S1234567890");
    EXPECT_EQ(t.customerFullName, "Amazon.com");
    ASSERT_TRUE(t.totalAmount.has_value());
    EXPECT_EQ(*t.totalAmount, 9585);
    EXPECT_EQ(t.depositToAccount, "Amazon Clearing");
    EXPECT_EQ(t.memo, "Amazon settlement 12345678901, 2024-03-01 to 2024-03-15 (summary)");
    EXPECT_TRUE(t.externalGuid.empty());
    EXPECT_EQ(set.find("sr-1"), &r);
    EXPECT_EQ(set.find("nope"), nullptr);
    EXPECT_EQ(set.findType("SalesReceiptAddRs"), &r);
}

TEST(ResponseTest, ParsesACreditMemoAddSuccessWithCreditRemaining) {
    const ResponseSet set = parseResponse(readDataFile("qbxml/samples/CreditMemoAddRs.ok.xml"));
    ASSERT_EQ(set.responses.size(), 1u);
    const TxnRet* t = set.responses[0].txn();
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->retType, "CreditMemoRet");
    EXPECT_EQ(t->txnId, "1A3F-1710500100");
    EXPECT_EQ(t->totalAmount, 1759);
    EXPECT_EQ(t->creditRemaining, 1759);
}

TEST(ResponseTest, ParsesA3140ErrorAndClassifiesIt) {
    const ResponseSet set = parseResponse(readDataFile("qbxml/samples/SalesReceiptAddRs.3140-invalid-item.xml"));
    ASSERT_EQ(set.responses.size(), 1u);
    const Response& r = set.responses[0];
    EXPECT_EQ(r.statusCode, 3140);
    EXPECT_EQ(r.severity, Severity::Error);
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(r.txns.empty());
    EXPECT_NE(r.statusMessage.find("invalid reference to QuickBooks Item \"Amazon Fees:FBA Fulfillment\""),
              std::string::npos)
        << r.statusMessage;
    const StatusInfo info = classifyStatus(r.statusCode, r.statusMessage);
    EXPECT_EQ(info.kind, StatusClass::invalidReference);
    EXPECT_NE(info.explanation.find("Amazon Fees:FBA Fulfillment"), std::string::npos);
}

TEST(ResponseTest, ParsesA500WarningWithThePartialList) {
    const ResponseSet set = parseResponse(readDataFile("qbxml/samples/ItemQueryRs.500-partial.xml"));
    ASSERT_EQ(set.responses.size(), 1u);
    const Response& r = set.responses[0];
    EXPECT_EQ(r.type, "ItemQueryRs");
    EXPECT_EQ(r.statusCode, 500);
    EXPECT_EQ(r.severity, Severity::Warn);
    ASSERT_EQ(r.lists.size(), 1u);
    EXPECT_EQ(r.lists[0].type, "ItemNonInventory");
    EXPECT_EQ(r.lists[0].listId, "80000010-1700000000");
    EXPECT_EQ(r.lists[0].fullName, "Amazon Sales:SKU-ABC-001");
    EXPECT_TRUE(r.lists[0].isActive);
    EXPECT_EQ(r.findList("amazon sales:sku-abc-001"), &r.lists[0]);
    EXPECT_EQ(r.findList("Amazon Fees:Commission"), nullptr);
    EXPECT_EQ(classifyStatus(r.statusCode, r.statusMessage).kind, StatusClass::warning);
}

TEST(ResponseTest, ParsesACustomerAddResponseFromTheWebConnector) {
    const std::string qbxml = embedded("receiveResponseXML.request.xml", "response");
    const ResponseSet set = parseResponse(qbxml);
    ASSERT_EQ(set.responses.size(), 1u);
    const Response& r = set.responses[0];
    EXPECT_EQ(r.type, "CustomerAddRs");
    EXPECT_EQ(r.requestId, "c-1");
    EXPECT_TRUE(r.ok());
    ASSERT_EQ(r.lists.size(), 1u);
    EXPECT_EQ(r.lists[0].type, "Customer");
    EXPECT_EQ(r.lists[0].listId, "80000001-1700000200");
    EXPECT_EQ(r.lists[0].name, "Amazon.ca");
    EXPECT_EQ(r.lists[0].fullName, "Amazon.ca");
    EXPECT_EQ(r.lists[0].editSequence, "1700000200");
}

TEST(ResponseTest, ParsesThe3140ResponseEmbeddedInAnEnvelope) {
    const ResponseSet set = parseResponse(embedded("receiveResponseXML.3140-error.request.xml", "response"));
    ASSERT_EQ(set.responses.size(), 1u);
    EXPECT_EQ(set.responses[0].statusCode, 3140);
    EXPECT_EQ(set.responses[0].requestId, "sr-1");
}

TEST(ResponseTest, ParsesTheQuickBooks2014HostCompanyPreferencesAnswer) {
    const std::string hcp = embedded("sendRequestXML.first-with-HCP.qb2014-v13.request.xml", "strHCPResponse");
    const auto validation = testing::validateQbxml(hcp);
    EXPECT_TRUE(validation.valid) << validation.errors;
    const ResponseSet set = parseResponse(hcp);
    ASSERT_EQ(set.responses.size(), 3u);

    const Response* host = set.findType("HostQueryRs");
    ASSERT_NE(host, nullptr);
    ASSERT_TRUE(host->host.has_value());
    EXPECT_EQ(host->host->productName, "QuickBooks Pro 2014");
    EXPECT_EQ(host->host->majorVersion, "24");
    EXPECT_EQ(host->host->country, "US");
    ASSERT_EQ(host->host->supportedVersions.size(), 16u);
    EXPECT_EQ(host->host->supportedVersions.front(), "1.0");
    EXPECT_EQ(host->host->supportedVersions.back(), "13.0");
    EXPECT_TRUE(chooseVersion(13, 0, host->host->supportedVersions).accepted);

    const Response* company = set.findType("CompanyQueryRs");
    ASSERT_NE(company, nullptr);
    ASSERT_TRUE(company->company.has_value());
    EXPECT_EQ(company->company->companyName, "Maple Books");
    EXPECT_EQ(company->company->legalCompanyName, "Maple Books Trading Ltd");
    ASSERT_EQ(company->company->dataExt.size(), 2u);
    EXPECT_EQ(company->company->dataExt[1].ownerId, "{6A1F3C2E-0B7D-4E59-9C1A-2D3E4F5A6B7C}");
    EXPECT_EQ(company->company->dataExt[1].name, "FileID");
    EXPECT_EQ(company->company->dataExt[1].value, "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}");

    const Response* prefs = set.findType("PreferencesQueryRs");
    ASSERT_NE(prefs, nullptr);
    ASSERT_TRUE(prefs->preferences.has_value());
    EXPECT_FALSE(prefs->preferences->multicurrencyOn);
    EXPECT_FALSE(prefs->preferences->salesTaxOn);  // no SalesTaxPreferences in this file
    EXPECT_FALSE(prefs->preferences->closingDate.has_value());
    EXPECT_FALSE(prefs->preferences->isUsingClassTracking);
}

TEST(ResponseTest, ParsesTheQuickBooks2006AnswerAndRefusesThatHost) {
    const std::string hcp = embedded("sendRequestXML.first-with-HCP.request.xml", "strHCPResponse");
    const ResponseSet set = parseResponse(hcp);
    const Response* host = set.findType("HostQueryRs");
    ASSERT_NE(host, nullptr);
    ASSERT_TRUE(host->host.has_value());
    EXPECT_EQ(host->host->productName, "QuickBooks Pro 2006");
    EXPECT_EQ(host->host->supportedVersions.back(), "5.0");
    const VersionChoice choice = chooseVersion(5, 0, host->host->supportedVersions);
    EXPECT_FALSE(choice.accepted);
    EXPECT_NE(choice.message.find("QuickBooks 2013 or older"), std::string::npos);

    const Response* prefs = set.findType("PreferencesQueryRs");
    ASSERT_NE(prefs, nullptr);
    ASSERT_TRUE(prefs->preferences.has_value());
    EXPECT_TRUE(prefs->preferences->salesTaxOn);
    EXPECT_EQ(prefs->preferences->defaultNonTaxableCode, "Non");
    EXPECT_FALSE(prefs->preferences->multicurrencyOn);
}

TEST(ResponseTest, ParsesIteratorsSeveralResponsesAndListDetails) {
    const std::string xml = R"(<?xml version="1.0" ?>
<QBXML><QBXMLMsgsRs>
<ItemQueryRs requestID="q-items-2" statusCode="0" statusSeverity="Info" statusMessage="Status OK" retCount="2" iteratorRemainingCount="37" iteratorID="{eb05f701-e727-472f-8ade-6753c4f67a46}">
<ItemServiceRet><ListID>8000001A-1</ListID><EditSequence>17</EditSequence><Name>Shipping</Name><FullName>Amazon Shipping</FullName><IsActive>false</IsActive></ItemServiceRet>
<ItemOtherChargeRet><ListID>8000001B-1</ListID><Name>Commission</Name><FullName>Amazon Fees:Commission</FullName></ItemOtherChargeRet>
</ItemQueryRs>
<AccountQueryRs requestID="q-a" statusCode="0" statusSeverity="Info" statusMessage="Status OK">
<AccountRet><ListID>80000005-1</ListID><Name>Amazon Clearing</Name><FullName>Amazon Clearing</FullName><IsActive>true</IsActive><AccountType>Bank</AccountType><CurrencyRef><FullName>Canadian Dollar</FullName></CurrencyRef></AccountRet>
</AccountQueryRs>
<CustomerQueryRs requestID="q-c" statusCode="1" statusSeverity="Info" statusMessage="A query request did not find a matching object in QuickBooks" />
</QBXMLMsgsRs></QBXML>)";
    const ResponseSet set = parseResponse(xml);
    ASSERT_EQ(set.responses.size(), 3u);
    const Response& items = set.responses[0];
    EXPECT_EQ(items.retCount, 2);
    EXPECT_EQ(items.iteratorRemainingCount, 37);
    EXPECT_EQ(items.iteratorId, "{eb05f701-e727-472f-8ade-6753c4f67a46}");
    ASSERT_EQ(items.lists.size(), 2u);
    EXPECT_EQ(items.lists[0].type, "ItemService");
    EXPECT_FALSE(items.lists[0].isActive);
    EXPECT_EQ(items.lists[0].editSequence, "17");
    EXPECT_EQ(items.lists[1].type, "ItemOtherCharge");
    EXPECT_TRUE(items.lists[1].isActive);

    const Response* accounts = set.find("q-a");
    ASSERT_NE(accounts, nullptr);
    ASSERT_EQ(accounts->lists.size(), 1u);
    EXPECT_EQ(accounts->lists[0].accountType, "Bank");
    EXPECT_EQ(accounts->lists[0].currency, "Canadian Dollar");

    const Response* customers = set.find("q-c");
    ASSERT_NE(customers, nullptr);
    EXPECT_EQ(customers->statusCode, 1);
    EXPECT_TRUE(customers->lists.empty());
    EXPECT_FALSE(customers->iteratorRemainingCount.has_value());
    EXPECT_EQ(classifyStatus(customers->statusCode, customers->statusMessage).kind, StatusClass::ok);
}

TEST(ResponseTest, ParsesRefundTransferClosingDateAndErrorRecovery) {
    const std::string xml = R"(<?xml version="1.0" ?>
<QBXML><QBXMLMsgsRs messageSetStatusCode="0">
<ARRefundCreditCardQueryRs requestID="q-p" statusCode="0" statusSeverity="Info">
<ARRefundCreditCardRet><TxnID>2B-1</TxnID><EditSequence>9</EditSequence><CustomerRef><FullName>Amazon Summary</FullName></CustomerRef>
<RefundFromAccountRef><FullName>Amazon Clearing</FullName></RefundFromAccountRef><TxnDate>2025-06-05</TxnDate><RefNumber>AYU766DP0</RefNumber>
<TotalAmount>17.59</TotalAmount><Memo>Refund</Memo><ExternalGUID>{B9870D7F-F64F-5FD2-8D4A-F511BD25BF80}</ExternalGUID>
<RefundAppliedToTxnRet><TxnID>1A3F-1710500100</TxnID><TxnType>CreditMemo</TxnType><CreditRemaining>0.00</CreditRemaining><RefundAmount>17.59</RefundAmount></RefundAppliedToTxnRet>
</ARRefundCreditCardRet></ARRefundCreditCardQueryRs>
<TransferQueryRs requestID="q-t" statusCode="0" statusSeverity="Info">
<TransferRet><TxnID>3C-1</TxnID><TxnDate>2025-06-07</TxnDate><TransferFromAccountRef><FullName>Amazon Clearing</FullName></TransferFromAccountRef>
<TransferToAccountRef><FullName>Checking</FullName></TransferToAccountRef><Amount>-0.05</Amount><Memo>Amazon settlement 23874396421 deposit (23874396421:T)</Memo></TransferRet>
</TransferQueryRs>
<PreferencesQueryRs requestID="p" statusCode="0" statusSeverity="Info">
<PreferencesRet><AccountingPreferences><IsUsingAccountNumbers>false</IsUsingAccountNumbers><IsRequiringAccounts>true</IsRequiringAccounts>
<IsUsingClassTracking>true</IsUsingClassTracking><IsUsingAuditTrail>true</IsUsingAuditTrail><IsAssigningJournalEntryNumbers>true</IsAssigningJournalEntryNumbers>
<ClosingDate>2025-05-31</ClosingDate></AccountingPreferences>
<MultiCurrencyPreferences><IsMultiCurrencyOn>true</IsMultiCurrencyOn><HomeCurrencyRef><FullName>US Dollar</FullName></HomeCurrencyRef></MultiCurrencyPreferences>
</PreferencesRet></PreferencesQueryRs>
<SalesReceiptAddRs requestID="sr-9" statusCode="3180" statusSeverity="Error" statusMessage="There was an error when saving a SalesReceipt.  QuickBooks error message: This list has been modified by another user.">
<ErrorRecovery><TxnID>4D-1</TxnID><EditSequence>2</EditSequence><ExternalGUID>{D483EBE0-CFFF-56AB-BAAC-59574B7796E5}</ExternalGUID></ErrorRecovery>
</SalesReceiptAddRs>
</QBXMLMsgsRs></QBXML>)";
    const ResponseSet set = parseResponse(xml);
    EXPECT_EQ(set.messageSetStatusCode, 0);
    ASSERT_EQ(set.responses.size(), 4u);

    const TxnRet* refund = set.responses[0].txn();
    ASSERT_NE(refund, nullptr);
    EXPECT_EQ(refund->retType, "ARRefundCreditCardRet");
    EXPECT_EQ(refund->refundFromAccount, "Amazon Clearing");
    EXPECT_EQ(refund->totalAmount, 1759);
    EXPECT_EQ(refund->externalGuid, "{B9870D7F-F64F-5FD2-8D4A-F511BD25BF80}");
    ASSERT_EQ(refund->refundAppliedTo.size(), 1u);
    EXPECT_EQ(refund->refundAppliedTo[0].txnId, "1A3F-1710500100");
    EXPECT_EQ(refund->refundAppliedTo[0].refundAmount, 1759);

    const TxnRet* transfer = set.responses[1].txn();
    ASSERT_NE(transfer, nullptr);
    EXPECT_EQ(transfer->totalAmount, -5);
    EXPECT_EQ(transfer->transferFromAccount, "Amazon Clearing");
    EXPECT_EQ(transfer->transferToAccount, "Checking");

    const auto& prefs = set.responses[2].preferences;
    ASSERT_TRUE(prefs.has_value());
    EXPECT_EQ(prefs->closingDate, "2025-05-31");
    EXPECT_TRUE(prefs->multicurrencyOn);
    EXPECT_EQ(prefs->homeCurrency, "US Dollar");
    EXPECT_TRUE(prefs->isUsingClassTracking);

    const Response& failed = set.responses[3];
    EXPECT_EQ(failed.statusCode, 3180);
    ASSERT_TRUE(failed.errorRecovery.has_value());
    EXPECT_EQ(failed.errorRecovery->txnId, "4D-1");
    EXPECT_EQ(failed.errorRecovery->externalGuid, "{D483EBE0-CFFF-56AB-BAAC-59574B7796E5}");
    EXPECT_EQ(classifyStatus(failed.statusCode, failed.statusMessage).kind, StatusClass::retryLater);
}

TEST(ResponseTest, ReadsWindows1252Text) {
    const std::string xml = "<?xml version=\"1.0\" encoding=\"windows-1252\" ?>\n<QBXML><QBXMLMsgsRs>"
                            "<CustomerQueryRs requestID=\"c\" statusCode=\"0\" statusSeverity=\"Info\">"
                            "<CustomerRet><ListID>1</ListID><Name>Caf\xE9 \x80</Name><FullName>Caf\xE9 \x80</FullName>"
                            "</CustomerRet></CustomerQueryRs></QBXMLMsgsRs></QBXML>";
    const ResponseSet set = parseResponse(xml);
    ASSERT_EQ(set.responses.at(0).lists.size(), 1u);
    EXPECT_EQ(set.responses[0].lists[0].fullName, "Café €");
}

TEST(ResponseTest, DerivesSeverityWhenMissing) {
    const ResponseSet set = parseResponse(
        "<QBXML><QBXMLMsgsRs><ItemQueryRs statusCode=\"500\"/><ItemQueryRs statusCode=\"3100\"/></QBXMLMsgsRs></QBXML>");
    ASSERT_EQ(set.responses.size(), 2u);
    EXPECT_EQ(set.responses[0].severity, Severity::Warn);
    EXPECT_EQ(set.responses[1].severity, Severity::Error);
    EXPECT_EQ(set.responses[0].requestId, "");
}

TEST(ResponseTest, MalformedInputIsATypedErrorNeverACrash) {
    const char* bad[] = {
        "",
        "   \n",
        "<QBXML><QBXMLMsgsRs>",                                   // truncated
        "<?xml version=\"1.0\" ?><QBXML><QBXMLMsgsRs></QBXML>",   // mismatched tags
        "not xml at all",
        "<Other/>",                                              // not qbXML
        "<QBXML><QBXMLMsgsRq onError=\"stopOnError\"/></QBXML>",  // a request, not a response
        "<QBXML><QBXMLMsgsRs><ItemQueryRs statusSeverity=\"Info\"/></QBXMLMsgsRs></QBXML>",       // no statusCode
        "<QBXML><QBXMLMsgsRs><ItemQueryRs statusCode=\"abc\"/></QBXMLMsgsRs></QBXML>",            // bad statusCode
        "<QBXML><QBXMLMsgsRs><ItemQueryRs statusCode=\"0\" iteratorRemainingCount=\"x\"/></QBXMLMsgsRs></QBXML>",
        "<QBXML><QBXMLMsgsRs><SalesReceiptAddRs statusCode=\"0\"><SalesReceiptRet><TxnID>1</TxnID>"
        "<TotalAmount>12.3</TotalAmount></SalesReceiptRet></SalesReceiptAddRs></QBXMLMsgsRs></QBXML>",  // bad amount
        "<QBXML><QBXMLMsgsRs><SalesReceiptAddRs statusCode=\"0\"><SalesReceiptRet><TxnID>1</TxnID>"
        "<TotalAmount>1e3</TotalAmount></SalesReceiptRet></SalesReceiptAddRs></QBXMLMsgsRs></QBXML>",
    };
    for (const char* xml : bad) {
        EXPECT_THROW(parseResponse(xml), ResponseError) << xml;
    }
    try {
        (void)parseResponse("<QBXML><QBXMLMsgsRs>");
    } catch (const ResponseError& e) {
        EXPECT_NE(std::string(e.what()).find("not well-formed"), std::string::npos) << e.what();
    }
    static_assert(std::is_base_of_v<std::runtime_error, ResponseError>);
}

TEST(ResponseTest, AmountsParseStrictlyToCents) {
    EXPECT_EQ(parseAmountCents("95.85"), 9585);
    EXPECT_EQ(parseAmountCents("-0.05"), -5);
    EXPECT_EQ(parseAmountCents("+12"), 1200);
    EXPECT_EQ(parseAmountCents("0.00"), 0);
    EXPECT_EQ(parseAmountCents("9999999999999.99"), 999'999'999'999'999);
    for (const char* bad : {"", "-", ".50", "12.", "12.3", "12.345", "1,234.56", "1e3", " 12.00", "12.00 ", "abc",
                            "--1.00", "99999999999999.00"}) {
        EXPECT_FALSE(parseAmountCents(bad).has_value()) << bad;
    }
}

}  // namespace
}  // namespace settlebridge::qbxml
