// The pre-scan before gSOAP: attributes and namespaces per element, elements, DTDs, per-operation sizes.
#include "soap/envelope_scan.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace settlebridge::soap {
namespace {

std::string envelope(const std::string& operation, const std::string& inner, const std::string& attrs = "") {
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope "
           "xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" "
           "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soap:Body><" +
           operation + " xmlns=\"http://developer.intuit.com/\"" + attrs + ">" + inner + "</" + operation +
           "></soap:Body></soap:Envelope>";
}

TEST(EnvelopeScan, FindsTheOperationOfAWebConnectorRequest) {
    const EnvelopeScan scan =
        scanEnvelope(envelope("authenticate", "<strUserName>a</strUserName><strPassword>b&lt;</strPassword>"));
    EXPECT_TRUE(scan.ok) << scan.problem;
    EXPECT_EQ(scan.operation, "authenticate");
    // Comments, CDATA and a '>' inside a quoted value do not confuse it.
    const EnvelopeScan tricky = scanEnvelope("<!-- <x a='1'> --><soap:Envelope xmlns:soap=\"u>v\"><soap:Body>"
                                             "<![CDATA[<nope/>]]><clientVersion><strVersion>2</strVersion>"
                                             "</clientVersion></soap:Body></soap:Envelope>");
    EXPECT_TRUE(tricky.ok) << tricky.problem;
    EXPECT_EQ(tricky.operation, "clientVersion");
}

TEST(EnvelopeScan, RefusesManyAttributesOrNamespacesQuickly) {
    std::string attrs;
    for (int i = 0; i < 50'000; ++i) attrs += " a" + std::to_string(i) + "=\"1\"";
    const auto started = std::chrono::steady_clock::now();
    const EnvelopeScan scan = scanEnvelope(envelope("clientVersion", "<strVersion" + attrs + ">2</strVersion>"));
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(200));
    EXPECT_FALSE(scan.ok);
    EXPECT_NE(scan.problem.find("attributes"), std::string::npos);
    std::string nss;
    for (int i = 0; i < 17; ++i) nss += " xmlns:n" + std::to_string(i) + "=\"urn:" + std::to_string(i) + "\"";
    const EnvelopeScan ns = scanEnvelope(envelope("clientVersion", "<strVersion>2</strVersion>", nss));
    EXPECT_FALSE(ns.ok);
    EXPECT_NE(ns.problem.find("namespaces"), std::string::npos);
    std::string many;
    for (int i = 0; i < 10'001; ++i) many += "<x/>";
    EXPECT_FALSE(scanEnvelope(envelope("clientVersion", many)).ok);
}

TEST(EnvelopeScan, RefusesADoctype) {
    const EnvelopeScan scan = scanEnvelope("<!DOCTYPE x [<!ENTITY a \"b\">]>" + envelope("serverVersion", ""));
    EXPECT_FALSE(scan.ok);
}

TEST(EnvelopeScan, EachOperationHasItsOwnSizeLimit) {
    const std::string big(2U * 1024U * 1024U, 'x');
    const EnvelopeScan receive =
        scanEnvelope(envelope("receiveResponseXML", "<ticket>t</ticket><response>" + big + "</response>"));
    EXPECT_TRUE(receive.ok) << receive.problem;
    const EnvelopeScan send = scanEnvelope(envelope("sendRequestXML", "<strHCPResponse>" + big + "</strHCPResponse>"));
    EXPECT_FALSE(send.ok);
    EXPECT_EQ(send.operation, "sendRequestXML");
    const EnvelopeScan auth =
        scanEnvelope(envelope("authenticate", "<strUserName>" + std::string(70'000, 'u') + "</strUserName>"));
    EXPECT_FALSE(auth.ok);
    EXPECT_NE(auth.problem.find("authenticate request is larger"), std::string::npos) << auth.problem;
}

}  // namespace
}  // namespace settlebridge::soap
