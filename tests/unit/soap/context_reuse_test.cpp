// soap/endpoint reuses one gSOAP context per thread. These tests prove that nothing of one request survives into
// the next on the same thread: arguments, tickets, SOAP headers, faults and parser state after malformed input.
// The reference for "nothing leaked" is the answer the same request gets on a brand-new thread (a fresh context).
#include "soap/endpoint.hpp"

#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "qbwc_test_support.hpp"

namespace settlebridge::soap {
namespace {

using namespace settlebridge::soap::testing;

const std::string kNs = "xmlns=\"http://developer.intuit.com/\"";

SoapReply serve(const std::string& body, QbwcOperations& ops, const SoapLimits& limits = {}) {
    std::istringstream in(body);
    return handleSoap(in, ops, limits);
}

// The same request served on a thread of its own, whose context has served nothing before.
SoapReply serveOnFreshThread(const std::string& body, QbwcOperations& ops) {
    SoapReply reply;
    std::thread([&] { reply = serve(body, ops); }).join();
    return reply;
}

std::string envelope(const std::string& payload, const std::string& header = "") {
    return R"(<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">)" +
           header + "<soap:Body>" + payload + "</soap:Body></soap:Envelope>";
}

std::string sendRequest(const std::string& ticket, const std::string& hcp, const std::string& company, int major) {
    std::string p = "<sendRequestXML " + kNs + "><ticket>" + ticket + "</ticket>";
    if (!hcp.empty()) p += "<strHCPResponse>" + hcp + "</strHCPResponse>";
    if (!company.empty()) p += "<strCompanyFileName>" + company + "</strCompanyFileName>";
    // The two ints are required by the WSDL; the strings are optional and left out when empty.
    p += "<qbXMLMajorVers>" + std::to_string(major) + "</qbXMLMajorVers><qbXMLMinorVers>0</qbXMLMinorVers>";
    return envelope(p + "</sendRequestXML>");
}

std::string receiveResponse(const std::string& ticket, const std::string& response, const std::string& hresult) {
    std::string p = "<receiveResponseXML " + kNs + "><ticket>" + ticket + "</ticket>";
    if (!response.empty()) p += "<response>" + response + "</response>";
    if (!hresult.empty()) p += "<hresult>" + hresult + "</hresult>";
    return envelope(p + "</receiveResponseXML>");
}

// Requests that fail in as many different places of gSOAP's parser as possible.
std::vector<std::string> malformedRequests() {
    return {
        "",
        "not XML",
        envelope("<authenticate " + kNs + "><strUserName>leak-user</strUserName>").substr(0, 200),
        envelope("<authenticate " + kNs + "><strUserName>leak-user</strUserName><strPassword>p</strPassword>"),
        envelope("<clientVersion " + kNs + "><strVersion>leak-version</strVersionX></clientVersion>"),
        envelope("<sendRequestXML " + kNs + "><ticket>leak-ticket</ticket><qbXMLMajorVers>x</qbXMLMajorVers>"
                 "</sendRequestXML>"),
        envelope("<deleteCompany " + kNs + "><ticket>leak-ticket</ticket></deleteCompany>"),
        envelope("<closeConnection " + kNs + "><ticket>leak-ticket</ticket></closeConnection>",
                 R"(<soap:Header><x:Session xmlns:x="urn:leak" soap:mustUnderstand="1">leak</x:Session></soap:Header>)"),
        std::string(70000, '<'),
    };
}

TEST(SoapContextReuse, EveryAnswerIsTheSameAsOnAFreshContextWhateverCameBefore) {
    RecordingOperations ops;
    ops.stringResult = "result";
    std::vector<std::string> requests;
    for (const auto& file : envelopes("request")) {
        requests.push_back(readFile(file));
    }
    ASSERT_GE(requests.size(), 12U);
    std::vector<SoapReply> fresh;
    for (const auto& r : requests) {
        fresh.push_back(serveOnFreshThread(r, ops));
        ASSERT_EQ(fresh.back().status, 200) << fresh.back().body;
    }
    // One thread: every captured request, each after a malformed one and after an operation that threw, twice.
    std::thread([&] {
        const auto bad = malformedRequests();
        for (int round = 0; round < 2; ++round) {
            for (std::size_t i = 0; i < requests.size(); ++i) {
                SCOPED_TRACE(i);
                const SoapReply faulted = serve(bad[i % bad.size()], ops);
                EXPECT_EQ(faulted.status, 500);
                ops.throwMessage = "boom";
                EXPECT_EQ(serve(requests[(i + 1) % requests.size()], ops).status, 500);
                ops.throwMessage.clear();
                const SoapReply reply = serve(requests[i], ops);
                EXPECT_EQ(reply.status, 200);
                EXPECT_EQ(reply.body, fresh[i].body) << "answer differs from a fresh context's";
            }
        }
    }).join();
}

TEST(SoapContextReuse, InterleavedTicketsAndOmittedArgumentsNeverCarryOver) {
    std::thread([] {
        RecordingOperations ops;
        ops.stringResult = "<QBXML/>";
        // Company A's call has every argument; company B's omits them: B must see empty values, not A's.
        EXPECT_EQ(serve(sendRequest("ticket-A", "<HCP>A</HCP>", "C:\\A.QBW", 13), ops).status, 200);
        EXPECT_EQ(serve(sendRequest("ticket-B", "", "", 0), ops).status, 200);
        EXPECT_EQ(serve(receiveResponse("ticket-A", "<QBXML>answer for A</QBXML>", ""), ops).status, 200);
        EXPECT_EQ(serve(receiveResponse("ticket-B", "", "0x80040400"), ops).status, 200);
        EXPECT_EQ(serve(sendRequest("ticket-A", "", "", 0), ops).status, 200);
        const auto calls = ops.calls();
        ASSERT_EQ(calls.size(), 5U);
        EXPECT_EQ(calls[0].args.at("ticket"), "ticket-A");
        EXPECT_EQ(calls[0].args.at("strHCPResponse"), "<HCP>A</HCP>");
        EXPECT_EQ(calls[0].args.at("qbXMLMajorVers"), "13");
        EXPECT_EQ(calls[1].args.at("ticket"), "ticket-B");
        EXPECT_EQ(calls[1].args.at("strHCPResponse"), "");
        EXPECT_EQ(calls[1].args.at("strCompanyFileName"), "");
        EXPECT_EQ(calls[1].args.at("qbXMLMajorVers"), "0");
        EXPECT_EQ(calls[2].args.at("ticket"), "ticket-A");
        EXPECT_EQ(calls[2].args.at("response"), "<QBXML>answer for A</QBXML>");
        EXPECT_EQ(calls[2].args.at("hresult"), "");
        EXPECT_EQ(calls[3].args.at("ticket"), "ticket-B");
        EXPECT_EQ(calls[3].args.at("response"), "");
        EXPECT_EQ(calls[3].args.at("hresult"), "0x80040400");
        EXPECT_EQ(calls[4].args.at("strHCPResponse"), "") << "A's earlier HCP answer came back";
    }).join();
}

TEST(SoapContextReuse, AMalformedRequestThenAGoodOneOnTheSameThread) {
    RecordingOperations ops;
    const std::string good = readFile(envelopeDir() / "clientVersion.request.xml");
    const SoapReply reference = serveOnFreshThread(good, ops);
    ops.clear();
    std::thread([&] {
        for (const auto& bad : malformedRequests()) {
            const SoapReply faulted = serve(bad, ops);
            EXPECT_EQ(faulted.status, 500);
            EXPECT_TRUE(decodeResponse(faulted.body).fault) << faulted.body;
            const SoapReply reply = serve(good, ops);
            EXPECT_EQ(reply.status, 200);
            EXPECT_EQ(reply.body, reference.body);
        }
    }).join();
    for (const auto& call : ops.calls()) {
        EXPECT_EQ(call.operation, "clientVersion") << "a malformed request reached an operation";
        EXPECT_EQ(call.args.at("strVersion"), "2.0.0.116");
    }
    EXPECT_EQ(ops.calls().size(), malformedRequests().size());
}

TEST(SoapContextReuse, AMustUnderstandHeaderFaultsOnlyItsOwnRequest) {
    std::thread([] {
        RecordingOperations ops;
        ops.stringResult = "v";
        const std::string header =
            R"(<soap:Header><x:Session xmlns:x="urn:x" soap:mustUnderstand="1">s</x:Session></soap:Header>)";
        const SoapReply withHeader = serve(envelope("<serverVersion " + kNs + "/>", header), ops);
        EXPECT_EQ(withHeader.status, 500);
        EXPECT_NE(decodeResponse(withHeader.body).faultcode.find("MustUnderstand"), std::string::npos)
            << withHeader.body;
        const SoapReply plain = serve(envelope("<serverVersion " + kNs + "/>"), ops);
        EXPECT_EQ(plain.status, 200) << plain.body;
        EXPECT_EQ(plain.body.find("Header"), std::string::npos) << plain.body;
        EXPECT_EQ(ops.calls().size(), 1U);
    }).join();
}

TEST(SoapContextReuse, AnOperationFaultIsNotRepeatedInTheNextAnswer) {
    std::thread([] {
        RecordingOperations ops;
        ops.throwMessage = "database locked for company A";
        const SoapReply failed = serve(sendRequest("ticket-A", "", "", 0), ops);
        EXPECT_EQ(failed.status, 500);
        EXPECT_NE(failed.body.find("database locked for company A"), std::string::npos);
        ops.throwMessage.clear();
        ops.stringResult = "";
        const SoapReply ok = serve(sendRequest("ticket-B", "", "", 0), ops);
        EXPECT_EQ(ok.status, 200);
        EXPECT_EQ(ok.body.find("Fault"), std::string::npos) << ok.body;
        EXPECT_EQ(ok.body.find("company A"), std::string::npos) << ok.body;
    }).join();
}

TEST(SoapContextReuse, ThreadsServingAtOnceKeepTheirOwnRequests) {
    RecordingOperations ops;
    ops.stringResult = "";
    constexpr int kThreads = 8;
    constexpr int kEach = 200;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&ops, t] {
            for (int i = 0; i < kEach; ++i) {
                const std::string ticket = "t" + std::to_string(t) + "-" + std::to_string(i);
                const SoapReply reply = i % 3 == 0 ? serve("<broken", ops)
                                                   : serve(receiveResponse(ticket, "<r>" + ticket + "</r>", ""), ops);
                EXPECT_EQ(reply.status, i % 3 == 0 ? 500 : 200);
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    std::set<std::string> seen;
    for (const auto& call : ops.calls()) {
        EXPECT_EQ(call.args.at("response"), "<r>" + call.args.at("ticket") + "</r>");
        EXPECT_TRUE(seen.insert(call.args.at("ticket")).second) << "served twice: " << call.args.at("ticket");
    }
    int expected = 0;
    for (int i = 0; i < kEach; ++i) expected += i % 3 == 0 ? 0 : 1;
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(kThreads * expected));
}

}  // namespace
}  // namespace settlebridge::soap
