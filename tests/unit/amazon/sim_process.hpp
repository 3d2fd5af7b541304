#pragma once
// Test support for the Amazon client: the simulator (tools/amazon_sim) as a subprocess on a free port, its
// /_control endpoint, a temporary folder of reports, and a fixture-bytes reader.

#include <gtest/gtest.h>

#include <Poco/Base64Decoder.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "daemon/net/clock.hpp"
#include "daemon/amazon/lwa.hpp"
#include "daemon/amazon/reports_client.hpp"
#include "tests/support/test_paths.hpp"
#include "tests/unit/common/sim_launcher.hpp"

#ifndef SETTLEBRIDGE_AMAZON_SIM
#error "SETTLEBRIDGE_AMAZON_SIM (the simulator's path) is defined by tools/amazon_sim/CMakeLists.txt"
#endif

namespace settlebridge::testing {

namespace fs = std::filesystem;

inline constexpr const char* kSimClientId = "amzn1.application-oa2-client.settlebridge-sim";
inline constexpr const char* kSimClientSecret = "amzn1.oa2-cs.v1.settlebridge-sim-secret";
inline constexpr const char* kSimRefreshToken = "Atzr|settlebridge-sim-refresh-token";
inline constexpr const char* kSimApplicationId = "amzn1.sp.solution.settlebridge-sim";

/// A project-made settlement report (tests/data/settlements/made, see its README).
inline std::string settlementFixture(const std::string& name) {
    return std::string(SETTLEBRIDGE_SOURCE_DIR) + "/tests/data/settlements/made/" + name;
}

inline std::string readBytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void writeBytes(const fs::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + p.string());
}

/// Every base64 body of a VCR cassette (tests/data/spapi/peddler, MIT; see SOURCES.md there), in order, decoded.
inline std::vector<std::string> cassetteBodies(const std::string& cassette) {
    const std::string text = readBytes(std::string(SETTLEBRIDGE_SOURCE_DIR) + "/tests/data/spapi/peddler/" + cassette);
    std::vector<std::string> out;
    std::size_t start = 0;
    while ((start = text.find("base64_string: |", start)) != std::string::npos) {
        std::istringstream lines(text.substr(start));
        start += 16;
        std::string line;
        std::getline(lines, line);
        std::string b64;
        while (std::getline(lines, line) && line.rfind("          ", 0) == 0) {
            for (char c : line) {
                if (c != ' ') b64.push_back(c);
            }
        }
        std::istringstream in(b64);
        Poco::Base64Decoder decoder(in);
        out.emplace_back(std::istreambuf_iterator<char>(decoder), std::istreambuf_iterator<char>());
    }
    if (out.empty()) throw std::runtime_error("no base64 body in " + cassette);
    return out;
}

/// The last base64 body of a cassette.
inline std::string cassetteBody(const std::string& cassette) { return cassetteBodies(cassette).back(); }

class TempFolder {
public:
    TempFolder() {
        std::random_device rd;
        for (;;) {
            path_ = fs::temp_directory_path() / ("settlebridge-amazon-" + std::to_string(rd()));
            if (fs::create_directory(path_)) break;
        }
    }
    ~TempFolder() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
    const fs::path& path() const { return path_; }
    fs::path file(const std::string& name) const { return path_ / name; }

private:
    fs::path path_;
};

struct HttpResult {
    int status = 0;
    std::string body;
    std::string location;
};

/// A plain HTTP exchange with a loopback server (test plumbing only; independent of the code under test).
inline HttpResult httpExchange(std::uint16_t port, const std::string& method, const std::string& target,
                               const std::string& body = "", const std::string& contentType = "application/json") {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(20, 0));
    Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!body.empty() || method == "POST") {
        request.setContentType(contentType);
        request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    HttpResult result;
    result.status = static_cast<int>(response.getStatus());
    result.location = response.get("Location", "");
    Poco::StreamCopier::copyToString(in, result.body);
    return result;
}

/// The simulator as a subprocess on a free port; stopped (SIGINT, then waited for) on destruction.
class AmazonSim {
public:
    explicit AmazonSim(std::vector<std::string> args) : sim_("amazon_sim", SETTLEBRIDGE_AMAZON_SIM, std::move(args)) {}
    AmazonSim(const AmazonSim&) = delete;
    AmazonSim& operator=(const AmazonSim&) = delete;

    std::uint16_t port() const { return sim_.port(); }
    std::string url() const { return sim_.url(); }
    std::string tokenUrl() const { return url() + "/auth/o2/token"; }

    /// POST /_control; returns the answer object (fails the test on a non-200).
    Poco::JSON::Object::Ptr control(const std::string& json) const {
        const HttpResult r = httpExchange(sim_.port(), "POST", "/_control", json);
        EXPECT_EQ(r.status, 200) << r.body;
        Poco::JSON::Parser parser;
        return parser.parse(r.body).extract<Poco::JSON::Object::Ptr>();
    }
    /// GET /_control: reports, counts per operation, recorded requests.
    Poco::JSON::Object::Ptr state() const {
        const HttpResult r = httpExchange(sim_.port(), "GET", "/_control");
        Poco::JSON::Parser parser;
        return parser.parse(r.body).extract<Poco::JSON::Object::Ptr>();
    }
    int count(const std::string& operation) const {
        const auto counts = state()->getObject("counts");
        return counts->has(operation) ? counts->getValue<int>(operation) : 0;
    }
    /// The recorded requests of one operation, in order.
    std::vector<Poco::JSON::Object::Ptr> requests(const std::string& operation) const {
        std::vector<Poco::JSON::Object::Ptr> out;
        const auto list = state()->getArray("requests");
        for (std::size_t i = 0; i < list->size(); ++i) {
            const auto r = list->getObject(static_cast<unsigned>(i));
            if (r->getValue<std::string>("operation") == operation) out.push_back(r);
        }
        return out;
    }

private:
    SimulatorProcess sim_;
};

inline std::string htmlUnescape(std::string s) {
    for (std::size_t pos = 0; (pos = s.find("&amp;", pos)) != std::string::npos; ++pos) s.replace(pos, 5, "&");
    return s;
}

/// Plays the seller's browser: opens the consent page, follows its Authorize link, returns Amazon's redirect.
inline std::string authorizeInBrowser(const AmazonSim& sim, const std::string& consentUrl) {
    const std::string target = consentUrl.substr(sim.url().size());
    const auto page = httpExchange(sim.port(), "GET", target);
    EXPECT_EQ(page.status, 200) << page.body;
    std::smatch m;
    const std::regex link("id=\"authorize\" href=\"([^\"]+)\"");
    if (!std::regex_search(page.body, m, link)) {
        ADD_FAILURE() << "no Authorize link in " << page.body;
        return "";
    }
    const auto redirect = httpExchange(sim.port(), "GET", htmlUnescape(m[1].str()));
    EXPECT_EQ(redirect.status, 302);
    return redirect.location;
}

/// A retry policy for tests: the real shape, tiny delays.
inline net::RetryPolicy fastRetry(int attempts = 5) {
    net::RetryPolicy p;
    p.maxAttempts = attempts;
    p.baseDelay = std::chrono::milliseconds(20);
    p.maxDelay = std::chrono::milliseconds(200);
    return p;
}

inline amazon::LwaConfig lwaConfig(const AmazonSim& sim) {
    amazon::LwaConfig c;
    c.tokenUrl = sim.tokenUrl();
    c.clientId = kSimClientId;
    c.clientSecret = kSimClientSecret;
    c.retry = fastRetry();
    c.http.connectTimeout = std::chrono::milliseconds(5000);
    c.http.ioTimeout = std::chrono::milliseconds(20000);
    return c;
}

inline amazon::SpApiConfig spApiConfig(const AmazonSim& sim) {
    amazon::SpApiConfig c;
    c.region = amazon::Region::NA;
    c.endpoint = sim.url();
    c.retry = fastRetry();
    c.getReportsLimit = {1000.0, 100};
    c.getReportDocumentLimit = {1000.0, 100};
    c.http.connectTimeout = std::chrono::milliseconds(5000);
    c.http.ioTimeout = std::chrono::milliseconds(20000);
    return c;
}

/// Simulator arguments that keep the advertised rate limits out of the way (tests of rate limits set their own).
inline std::vector<std::string> fastRates() {
    return {"--rate", "getReports=1000:100", "--rate", "getReportDocument=1000:100"};
}

/// A small Flat File V2 settlement (tab-separated) with `sku` in its order row; `extraRows` order rows more.
inline std::string v2Settlement(const std::string& settlementId, const std::string& sku, int extraRows = 0) {
    std::string s =
        "settlement-id\tsettlement-start-date\tsettlement-end-date\tdeposit-date\ttotal-amount\tcurrency\t"
        "transaction-type\torder-id\tmerchant-order-id\tadjustment-id\tshipment-id\tmarketplace-name\tamount-type\t"
        "amount-description\tamount\tfulfillment-id\tposted-date\tposted-date-time\torder-item-code\t"
        "merchant-order-item-id\tmerchant-adjustment-item-id\tsku\tquantity-purchased\tpromotion-id\n";
    s += settlementId + "\t2026-05-01 00:00:00 UTC\t2026-05-15 00:00:00 UTC\t2026-05-17 00:00:00 UTC\t" +
         std::to_string(10 + extraRows * 10) + ".00\tUSD\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\n";
    for (int i = 0; i <= extraRows; ++i) {
        s += settlementId + "\t\t\t\t\t\tOrder\t111-0000000-" + std::to_string(1000000 + i) +
             "\t\t\t\tAmazon.com\tItemPrice\tPrincipal\t10.00\tAFN\t2026-05-02\t2026-05-02 10:00:00 UTC\t" +
             std::to_string(50000 + i) + "\t\t\t" + sku + "\t1\t\n";
    }
    return s;
}

}  // namespace settlebridge::testing
