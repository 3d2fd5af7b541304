// A real SOAP client built from the WSDL (python3-zeep, as the Web Connector emulator uses) against the
// endpoint on a real Poco HTTPServer: the WSDL file loads, the served WSDL points back at the server, all eight
// operations round-trip, non-ASCII text included.
#include "soap/http_handler.hpp"

#include <gtest/gtest.h>

#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "qbwc_test_support.hpp"
#include "tests/support/test_paths.hpp"

namespace settlebridge::soap {
namespace {

using namespace settlebridge::soap::testing;

// Debian's python3 has python3-zeep; a python3 earlier on PATH (pyenv) may not.
std::string pythonWithZeep() {
    for (const std::string candidate : {"/usr/bin/python3", "python3"}) {
        if (std::system((candidate + " -c 'import zeep' >/dev/null 2>&1").c_str()) == 0) {
            return candidate;
        }
    }
    return "";
}

std::string run(const std::string& command, int& status) {
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) {
        status = -1;
        return out;
    }
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) {
        out.append(buf.data(), n);
    }
    status = pclose(pipe);
    return out;
}

TEST(ZeepClient, LoadsTheWsdlAndCallsEveryOperationOnTheRunningServer) {
    const std::string python = pythonWithZeep();
    ASSERT_FALSE(python.empty()) << "python3-zeep is needed (apt-get install python3-zeep)";

    RecordingOperations ops;
    ops.stringResult = "Zo\xC3\xAB \xE6\x9D\xB1\xE4\xBA\xAC";  // Zoë 東京
    ops.arrayResult = {"ticket-1", ""};
    ops.intResult = 42;
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    Poco::ThreadPool pool(1, 8);
    Poco::Net::HTTPServer server(new QbwcHttpEndpoint(ops), pool, socket, new Poco::Net::HTTPServerParams);
    server.start();
    const std::string url = "http://127.0.0.1:" + std::to_string(socket.address().port()) + "/qbwc";
    const std::filesystem::path source(SETTLEBRIDGE_SOURCE_DIR);

    int status = 0;
    const std::string out = run(python + " " + (source / "tests/unit/soap/zeep_client.py").string() + " " +
                                    (source / "wsdl/qbwc.wsdl").string() + " " + url + " 2>&1",
                                status);
    server.stopAll(true);
    pool.joinAll();
    ASSERT_EQ(status, 0) << out;

    const std::string zoe = "\"Zo\xC3\xAB \xE6\x9D\xB1\xE4\xBA\xAC\"";
    EXPECT_NE(out.find("\"file.serverVersion\": " + zoe), std::string::npos) << out;
    EXPECT_NE(out.find("\"served.address\": \"" + url + "\""), std::string::npos) << out;
    for (const char* op : {"serverVersion", "clientVersion", "sendRequestXML", "connectionError", "getLastError",
                           "closeConnection"}) {
        EXPECT_NE(out.find("\"" + std::string(op) + "\": " + zoe), std::string::npos) << op << ": " << out;
    }
    EXPECT_NE(out.find("\"authenticate\": [\"ticket-1\", \"\"]"), std::string::npos) << out;
    EXPECT_NE(out.find("\"receiveResponseXML\": 42"), std::string::npos) << out;

    const auto calls = ops.calls();
    ASSERT_EQ(calls.size(), 9U);
    EXPECT_EQ(calls[0].operation, "serverVersion");
    EXPECT_EQ(calls[2].operation, "clientVersion");
    EXPECT_EQ(calls[2].args.at("strVersion"), "2.3.0.215");
    EXPECT_EQ(calls[3].args.at("strUserName"), "M\xC3\xBCller \xE6\x9D\xB1\xE4\xBA\xAC");
    EXPECT_EQ(calls[3].args.at("strPassword"), "p\xE2\x82\xAC" "ss");
    EXPECT_EQ(calls[4].args.at("strHCPResponse"), "<QBXML>M\xC3\xBCller \xE6\x9D\xB1\xE4\xBA\xAC</QBXML>");
    EXPECT_EQ(calls[4].args.at("strCompanyFileName"), "C:\\M\xC3\xBCller \xE6\x9D\xB1\xE4\xBA\xAC.QBW");
    EXPECT_EQ(calls[4].args.at("qbXMLMajorVers"), "13");
    EXPECT_EQ(calls[5].args.at("response"), "<QBXML><X a=\"&amp;\"/></QBXML>");
    EXPECT_EQ(calls[6].args.at("hresult"), "0x80040408");
    EXPECT_EQ(calls[8].operation, "closeConnection");
}

}  // namespace
}  // namespace settlebridge::soap
