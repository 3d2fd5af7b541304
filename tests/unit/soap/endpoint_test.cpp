// soap/endpoint: every Web Connector request (tests/data/qbwc/envelopes; the captured ones too when
// $SETTLEBRIDGE_SPEC_DIR gives them) decoded and answered in the expected shape; bad requests
// answered with SOAP faults; UTF-8 both ways.
#include "soap/endpoint.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "qbwc_test_support.hpp"
#include "tests/support/test_paths.hpp"

namespace settlebridge::soap {
namespace {

using namespace settlebridge::soap::testing;

SoapReply serve(const std::string& body, QbwcOperations& ops, const SoapLimits& limits = {}) {
    std::istringstream in(body);
    return handleSoap(in, ops, limits);
}

std::string envelope(const std::string& payload) {
    return R"(<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" )"
           R"(xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">)"
           R"(<soap:Body>)" +
           payload + R"(</soap:Body></soap:Envelope>)";
}

// The arguments the Web Connector sent, as the operations must see them: an absent element is "" ("0" for ints).
std::map<std::string, std::string> expectedArguments(const RecordedCall& call,
                                                     const std::map<std::string, std::string>& sent) {
    std::map<std::string, std::string> expected;
    for (const auto& [name, value] : call.args) {
        (void)value;
        const bool isInt = name == "qbXMLMajorVers" || name == "qbXMLMinorVers";
        const auto it = sent.find(name);
        expected[name] = it != sent.end() ? it->second : (isInt ? "0" : "");
    }
    return expected;
}

void expectEveryRequestReachesItsOperation(const std::filesystem::path& dir, std::size_t atLeast) {
    const auto requests = envelopes("request", "", dir);
    ASSERT_GE(requests.size(), atLeast) << "envelopes missing in " << dir;
    for (const auto& file : requests) {
        SCOPED_TRACE(file.filename().string());
        const std::string text = readFile(file);
        XmlDoc doc = parseXml(text);
        ASSERT_TRUE(doc);
        const auto sent = argumentsOf(bodyPayload(doc.get()));

        RecordingOperations ops;
        const SoapReply reply = serve(text, ops);
        EXPECT_EQ(reply.status, 200) << reply.body;
        const auto calls = ops.calls();
        ASSERT_EQ(calls.size(), 1U);
        EXPECT_EQ(calls[0].operation, operationOf(file));
        for (const auto& [name, value] : sent) {
            EXPECT_EQ(calls[0].args.count(name), 1U) << "argument " << name << " not passed on";
        }
        EXPECT_EQ(calls[0].args, expectedArguments(calls[0], sent));
    }
}

TEST(SoapEndpoint, EveryRequestReachesItsOperationWithItsArguments) {
    expectEveryRequestReachesItsOperation(envelopeDir(), 12);
}

TEST(SoapEndpoint, EveryCapturedRequestReachesItsOperationWithItsArguments) {
    const auto captured = capturedEnvelopeDir();
    if (!captured) GTEST_SKIP() << settlebridge::testing::missingSpec("the captured Web Connector traffic (qbwc/envelopes)");
    expectEveryRequestReachesItsOperation(*captured, 12);
}

TEST(SoapEndpoint, CapturedArgumentsDecodeToTheirValues) {
    RecordingOperations ops;
    serve(readFile(envelopeDir() / "authenticate.request.xml"), ops);
    serve(readFile(envelopeDir() / "sendRequestXML.first-with-HCP.request.xml"), ops);
    serve(readFile(envelopeDir() / "receiveResponseXML.hresult-error.request.xml"), ops);
    serve(readFile(envelopeDir() / "serverVersion.request.xml"), ops);
    const auto calls = ops.calls();
    ASSERT_EQ(calls.size(), 4U);
    EXPECT_EQ(calls[0].args.at("strUserName"), "books");
    EXPECT_EQ(calls[0].args.at("strPassword"), "correct horse 7");
    const auto& send = calls[1].args;
    EXPECT_EQ(send.at("ticket"), "7d0e4f2a91b34c6e8a5f3b2c1d0e9f88");
    EXPECT_EQ(send.at("strCompanyFileName"),
              "C:\\Users\\Public\\Documents\\Intuit\\QuickBooks\\Company Files\\Example Books.QBW");
    EXPECT_EQ(send.at("qbXMLCountry"), "US");
    EXPECT_EQ(send.at("qbXMLMajorVers"), "5");
    EXPECT_EQ(send.at("qbXMLMinorVers"), "0");
    // The escaped qbXML arrives as text, unescaped once.
    EXPECT_EQ(send.at("strHCPResponse").rfind("<?xml version=\"1.0\" ?>\n<QBXML>", 0), 0U);
    EXPECT_NE(send.at("strHCPResponse").find("<ProductName>QuickBooks Pro 2006</ProductName>"), std::string::npos);
    EXPECT_EQ(calls[2].args.at("response"), "");
    EXPECT_EQ(calls[2].args.at("hresult"), "0x80040400");
    EXPECT_EQ(calls[2].args.at("message"),
              "QuickBooks found an error when parsing the provided XML text stream.");
    EXPECT_TRUE(calls[3].args.empty());
}

// Programs the recording operations to answer what the captured response carries.
void answerLike(RecordingOperations& ops, const DecodedResponse& captured) {
    ops.stringResult = captured.result;
    ops.arrayResult = captured.strings;
    if (captured.element == "receiveResponseXMLResponse") {
        ops.intResult = std::stoi(captured.result);
    }
}

void expectAnswersInTheShapeOfEveryResponse(const std::filesystem::path& dir, int atLeast) {
    int exchanges = 0;
    for (const auto& request : envelopes("request", "", dir)) {
        const std::string op = operationOf(request);
        const auto responses = envelopes("response", op, dir);
        ASSERT_FALSE(responses.empty()) << "no captured response for " << op;
        for (const auto& responseFile : responses) {
            SCOPED_TRACE(request.filename().string() + " -> " + responseFile.filename().string());
            const DecodedResponse captured = decodeResponse(readFile(responseFile));
            ASSERT_TRUE(captured.wellFormed);
            ASSERT_EQ(captured.element, op + "Response");

            RecordingOperations ops;
            answerLike(ops, captured);
            const SoapReply reply = serve(readFile(request), ops);
            ASSERT_EQ(reply.status, 200) << reply.body;
            const DecodedResponse ours = decodeResponse(reply.body);
            ASSERT_TRUE(ours.wellFormed) << reply.body;
            EXPECT_FALSE(ours.fault);
            EXPECT_EQ(ours.element, captured.element);
            EXPECT_EQ(ours.elementNs, kQbwcNs);
            EXPECT_EQ(ours.elementNs, captured.elementNs);
            EXPECT_EQ(ours.children, captured.children);
            EXPECT_EQ(ours.result, captured.result);
            EXPECT_EQ(ours.strings, captured.strings);
            EXPECT_EQ(ours.stringNs, captured.stringNs);
            ++exchanges;
        }
    }
    EXPECT_GE(exchanges, atLeast);
}

TEST(SoapEndpoint, AnswersEveryRequestInTheShapeOfEveryResponse) {
    expectAnswersInTheShapeOfEveryResponse(envelopeDir(), 30);
}

TEST(SoapEndpoint, AnswersEveryCapturedRequestInTheShapeOfEveryCapturedResponse) {
    const auto captured = capturedEnvelopeDir();
    if (!captured) GTEST_SKIP() << settlebridge::testing::missingSpec("the captured Web Connector traffic (qbwc/envelopes)");
    expectAnswersInTheShapeOfEveryResponse(*captured, 30);
}

TEST(SoapEndpoint, AuthenticateKeepsAnEmptyStatusAndAnEmptyTicketAsElements) {
    RecordingOperations ops;
    ops.arrayResult = {"", "nvu"};
    DecodedResponse r = decodeResponse(serve(readFile(envelopeDir() / "authenticate.request.xml"), ops).body);
    EXPECT_EQ(r.strings, (std::vector<std::string>{"", "nvu"}));
    ops.arrayResult = {"c94c84b3", ""};  // "" = use the company file open in QuickBooks: must not be dropped
    r = decodeResponse(serve(readFile(envelopeDir() / "authenticate.request.xml"), ops).body);
    EXPECT_EQ(r.strings, (std::vector<std::string>{"c94c84b3", ""}));
    ops.arrayResult = {"t", "none", "60", "300"};
    r = decodeResponse(serve(readFile(envelopeDir() / "authenticate.request.xml"), ops).body);
    EXPECT_EQ(r.strings, (std::vector<std::string>{"t", "none", "60", "300"}));
}

TEST(SoapEndpoint, NonAsciiTextRoundTripsAsUtf8BothWays) {
    const std::string name = "M\xC3\xBCller \xE6\x9D\xB1\xE4\xBA\xAC";           // Müller 東京
    const std::string answer = "Zo\xC3\xAB \xE2\x82\xAC 5 \xE6\xBC\xA2 \xF0\x9F\x93\xA6";  // Zoë € 5 漢 📦
    RecordingOperations ops;
    ops.stringResult = answer;
    const SoapReply reply = serve(
        envelope("<clientVersion xmlns=\"http://developer.intuit.com/\"><strVersion>" + name +
                 "</strVersion></clientVersion>"),
        ops);
    ASSERT_EQ(reply.status, 200) << reply.body;
    ASSERT_EQ(ops.calls().size(), 1U);
    EXPECT_EQ(ops.calls()[0].args.at("strVersion"), name);
    EXPECT_EQ(decodeResponse(reply.body).result, answer);
    // The raw UTF-8 bytes are on the wire (not Latin-1 re-encoded, not lost).
    EXPECT_NE(reply.body.find(answer), std::string::npos);

    // Characters written as references decode to UTF-8 too.
    ops.clear();
    serve(envelope("<authenticate xmlns=\"http://developer.intuit.com/\"><strUserName>M&#252;ller &#x6771;&#x4EAC;"
                   "</strUserName><strPassword>p&amp;w&lt;</strPassword></authenticate>"),
          ops);
    ASSERT_EQ(ops.calls().size(), 1U);
    EXPECT_EQ(ops.calls()[0].args.at("strUserName"), name);
    EXPECT_EQ(ops.calls()[0].args.at("strPassword"), "p&w<");
}

TEST(SoapEndpoint, WhatAnOperationReturnsAlwaysGoesOutAsWellFormedXml) {
    // Control characters, bytes that are not UTF-8, a truncated sequence, an encoded surrogate and U+FFFE become
    // U+FFFD (one per offending byte); valid text (CR included, 1- to 4-byte characters) goes through unchanged.
    const std::string bad = std::string("a\x01" "b\xFF" "c\xC3" "d\r\n\t]]>&<\xEF\xBF\xBE" "e\xED\xA0\x80" "f", 23) +
                            "\xE6\x9D\xB1\xF0\x9F\x93\xA6" + std::string(1, '\0') + "z";
    const std::string fffd = "\xEF\xBF\xBD";
    const std::string expected = "a" + fffd + "b" + fffd + "c" + fffd + "d\r\n\t]]>&<" + fffd + fffd + fffd + "e" + fffd +
                                 fffd + fffd + "f\xE6\x9D\xB1\xF0\x9F\x93\xA6" + fffd + "z";
    RecordingOperations ops;
    ops.stringResult = bad;
    ops.arrayResult = {bad, "ok"};
    for (const char* file : {"serverVersion.request.xml", "authenticate.request.xml"}) {
        SCOPED_TRACE(file);
        const SoapReply reply = serve(readFile(envelopeDir() / file), ops);
        ASSERT_EQ(reply.status, 200);
        const DecodedResponse r = decodeResponse(reply.body);
        ASSERT_TRUE(r.wellFormed) << reply.body;
        if (r.strings.empty()) {
            EXPECT_EQ(r.result, expected);
        } else {
            EXPECT_EQ(r.strings, (std::vector<std::string>{expected, "ok"}));
        }
    }
    ops.throwMessage = "broken \x01\xFF";
    const DecodedResponse fault = decodeResponse(serve(readFile(envelopeDir() / "getLastError.request.xml"), ops).body);
    ASSERT_TRUE(fault.wellFormed && fault.fault);
    EXPECT_NE(fault.faultstring.find("broken " + fffd + fffd), std::string::npos);
    EXPECT_TRUE(decodeResponse(soapClientFault("\x02")).wellFormed);
}

TEST(SoapEndpoint, QbxmlInAResultIsEscapedOnceAndDecodesBackExactly) {
    const std::string qbxml =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<?qbxml version=\"13.0\"?>\n<QBXML><QBXMLMsgsRq "
        "onError=\"stopOnError\"><CustomerQueryRq requestID=\"1\"><FullName>Amazon &amp; Co \xC3\xBC</FullName>"
        "</CustomerQueryRq></QBXMLMsgsRq></QBXML>";
    RecordingOperations ops;
    ops.stringResult = qbxml;
    const SoapReply reply = serve(readFile(envelopeDir() / "sendRequestXML.subsequent.request.xml"), ops);
    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body.find("<QBXML>"), std::string::npos) << "qbXML must travel escaped inside the string";
    EXPECT_EQ(decodeResponse(reply.body).result, qbxml);
}

TEST(SoapEndpoint, DispatchesOnTheBodyWhateverThePrefixes) {
    RecordingOperations ops;
    ops.stringResult = "v1";
    const std::string prefixed =
        R"(<?xml version="1.0"?><e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" xmlns:q="http://developer.intuit.com/">)"
        R"(<e:Header/><e:Body><q:getLastError><q:ticket>T-9</q:ticket></q:getLastError></e:Body></e:Envelope>)";
    const SoapReply reply = serve(prefixed, ops);
    ASSERT_EQ(reply.status, 200) << reply.body;
    ASSERT_EQ(ops.calls().size(), 1U);
    EXPECT_EQ(ops.calls()[0].operation, "getLastError");
    EXPECT_EQ(ops.calls()[0].args.at("ticket"), "T-9");
    EXPECT_EQ(decodeResponse(reply.body).result, "v1");
}

struct BadRequest {
    const char* name;
    std::string body;
};

TEST(SoapEndpoint, MalformedRequestsGetAClientFaultAndReachNoOperation) {
    const std::string ns = "xmlns=\"http://developer.intuit.com/\"";
    const std::string deep = [] {
        std::string open, close;
        for (int i = 0; i < 5000; ++i) {
            open += "<a>";
            close += "</a>";
        }
        return envelope("<clientVersion xmlns=\"http://developer.intuit.com/\"><strVersion>1</strVersion>" + open +
                        close + "</clientVersion>");
    }();
    const std::vector<BadRequest> cases = {
        {"empty", ""},
        {"not XML", "this is not XML at all"},
        {"JSON", R"({"op":"authenticate"})"},
        {"truncated", envelope("<authenticate " + ns + "><strUserName>api</strUserName>").substr(0, 230)},
        {"no envelope", "<authenticate " + ns + "><strUserName>a</strUserName></authenticate>"},
        {"envelope without Body",
         R"(<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header/></soap:Envelope>)"},
        {"empty Body", envelope("")},
        {"unknown operation", envelope("<deleteCompany " + ns + "><ticket>t</ticket></deleteCompany>")},
        {"wrong namespace", envelope("<authenticate xmlns=\"http://example.com/qbwc\"><strUserName>a</strUserName>"
                                     "</authenticate>")},
        {"no namespace", envelope("<serverVersion/>")},
        {"not an int", envelope("<sendRequestXML " + ns +
                                "><ticket>t</ticket><qbXMLMajorVers>thirteen</qbXMLMajorVers>"
                                "<qbXMLMinorVers>0</qbXMLMinorVers></sendRequestXML>")},
        {"mismatched tags", envelope("<clientVersion " + ns + "><strVersion>1</strVersionX></clientVersion>")},
        {"nested far too deep", deep},
        {"unknown argument", envelope("<clientVersion " + ns + "><strVersion>1</strVersion><x>2</x></clientVersion>")},
        {"argument twice", envelope("<clientVersion " + ns + "><strVersion>1</strVersion><strVersion>2</strVersion>"
                                    "</clientVersion>")},
        {"10 MB of junk", std::string(10U * 1024U * 1024U, 'x')},
        {"10 MB of angle brackets", std::string(10U * 1024U * 1024U, '<')},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        RecordingOperations ops;
        const SoapReply reply = serve(c.body, ops);
        EXPECT_EQ(reply.status, 500);
        const DecodedResponse r = decodeResponse(reply.body);
        EXPECT_TRUE(r.wellFormed) << reply.body;
        EXPECT_TRUE(r.fault) << reply.body;
        EXPECT_NE(r.faultcode.find("Client"), std::string::npos) << r.faultcode;
        EXPECT_FALSE(r.faultstring.empty());
        EXPECT_TRUE(ops.calls().empty());
    }
}

TEST(SoapEndpoint, ADeeplyNestedHeaderIsSkippedWithoutRecursion) {
    // Unknown header blocks are skipped (SOAP 1.1 without mustUnderstand); gSOAP does it iteratively, so even
    // 200000 levels neither crash nor reach an operation other than the one in the Body.
    std::string open, close;
    for (int i = 0; i < 200000; ++i) {
        open += "<h>";
        close += "</h>";
    }
    RecordingOperations ops;
    ops.stringResult = "v";
    const std::string request =
        R"(<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header>)" + open + close +
        R"(</soap:Header><soap:Body><serverVersion xmlns="http://developer.intuit.com/"/></soap:Body></soap:Envelope>)";
    // The pre-scan refuses it before gSOAP (serverVersion's size limit, the element count)...
    const SoapReply refused = serve(request, ops);
    EXPECT_EQ(refused.status, 500);
    EXPECT_TRUE(ops.calls().empty());
    // ...and gSOAP itself, given it with the pre-scan's limits out of the way, skips the header without recursion.
    SoapLimits open_;
    open_.envelope.maxOtherBytes = request.size();
    open_.envelope.maxElements = 1'000'000;
    const SoapReply reply = serve(request, ops, open_);
    EXPECT_EQ(reply.status, 200) << reply.body.substr(0, 500);
    ASSERT_EQ(ops.calls().size(), 1U);
    EXPECT_EQ(ops.calls()[0].operation, "serverVersion");
}

TEST(SoapEndpoint, ABodyOverTheLimitIsRefusedWithAFault) {
    RecordingOperations ops;
    const std::string big = envelope("<clientVersion xmlns=\"http://developer.intuit.com/\"><strVersion>" +
                                     std::string(300000, 'v') + "</strVersion></clientVersion>");
    SoapLimits limits;
    limits.maxRequestBytes = 100000;
    SoapReply reply = serve(big, ops, limits);
    EXPECT_EQ(reply.status, 500);
    EXPECT_TRUE(decodeResponse(reply.body).fault) << reply.body;
    EXPECT_TRUE(ops.calls().empty());

    limits.maxRequestBytes = big.size() + 1;  // the same body within the limit goes through
    EXPECT_EQ(serve(big, ops, limits).status, 500) << "clientVersion's own limit (64 KiB) still refuses it";
    limits.envelope.maxOtherBytes = big.size();
    reply = serve(big, ops, limits);
    EXPECT_EQ(reply.status, 200);
    ASSERT_EQ(ops.calls().size(), 1U);
    EXPECT_EQ(ops.calls()[0].args.at("strVersion").size(), 300000U);
}

TEST(SoapEndpoint, TenMegabytesOfQbxmlInAValidRequestGoThrough) {
    RecordingOperations ops;
    const std::string payload(10U * 1024U * 1024U, 'q');
    const SoapReply reply = serve(envelope("<receiveResponseXML xmlns=\"http://developer.intuit.com/\"><ticket>t"
                                           "</ticket><response>" +
                                           payload + "</response><hresult/><message/></receiveResponseXML>"),
                                  ops);
    EXPECT_EQ(reply.status, 200);
    ASSERT_EQ(ops.calls().size(), 1U);
    EXPECT_EQ(ops.calls()[0].args.at("response").size(), payload.size());
}

TEST(SoapEndpoint, AnExceptionInAnOperationBecomesAServerFaultNamingIt) {
    RecordingOperations ops;
    ops.throwMessage = "database is locked";
    const SoapReply reply = serve(readFile(envelopeDir() / "closeConnection.request.xml"), ops);
    EXPECT_EQ(reply.status, 500);
    const DecodedResponse r = decodeResponse(reply.body);
    ASSERT_TRUE(r.fault) << reply.body;
    EXPECT_NE(r.faultcode.find("Server"), std::string::npos) << r.faultcode;
    EXPECT_NE(r.faultstring.find("closeConnection"), std::string::npos) << r.faultstring;
    EXPECT_NE(r.faultstring.find("database is locked"), std::string::npos) << r.faultstring;
}

TEST(SoapEndpoint, NegativeAndLargePercentagesAreSentAsInts) {
    RecordingOperations ops;
    for (const int value : {-101, 0, 50, 100}) {
        ops.intResult = value;
        const DecodedResponse r =
            decodeResponse(serve(readFile(envelopeDir() / "receiveResponseXML.request.xml"), ops).body);
        EXPECT_EQ(r.result, std::to_string(value));
    }
}

TEST(SoapEndpoint, ClientFaultHelperWritesAWellFormedEscapedFault) {
    const DecodedResponse r = decodeResponse(soapClientFault("too <big> & \"bad\""));
    ASSERT_TRUE(r.fault);
    EXPECT_NE(r.faultcode.find("Client"), std::string::npos);
    EXPECT_EQ(r.faultstring, "too <big> & \"bad\"");
}

TEST(SoapEndpoint, EmbeddedWsdlIsTheProjectContract) {
    EXPECT_EQ(std::string(qbwcWsdl()), readFile(std::filesystem::path(SETTLEBRIDGE_SOURCE_DIR) / "wsdl" / "qbwc.wsdl"));
}

}  // namespace
}  // namespace settlebridge::soap
