#pragma once
// Test support for the ads area: tools/ads_sim/ads_sim.py as a subprocess on a free port, its /_control
// endpoint, and a store in a temporary folder.

#include <gtest/gtest.h>

#include "tests/support/test_paths.hpp"
#include "tests/support/sim_process.hpp"

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
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "daemon/net/retry.hpp"
#include "tests/unit/store/temp_dir.hpp"

namespace settlebridge::testing {

inline constexpr const char* kAdsClientId = "amzn1.application-oa2-client.settlebridge-ads-sim";
inline constexpr const char* kAdsClientSecret = "amzn1.oa2-cs.v1.settlebridge-ads-sim-secret";
inline constexpr const char* kAdsRefreshToken = "Atzr|settlebridge-ads-sim-refresh-token";
inline constexpr const char* kWalmartToken = "walmart-sim-auth-token";
inline constexpr const char* kWalmartConsumer = "walmart-sim-consumer-id";

struct AdsHttpResult {
    int status = 0;
    std::string body;
    std::string location;
};

inline AdsHttpResult adsHttp(std::uint16_t port, const std::string& method, const std::string& target,
                             const std::string& body = "") {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(20, 0));
    Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    if (method == "POST") {
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    AdsHttpResult r;
    r.status = static_cast<int>(response.getStatus());
    r.location = response.get("Location", "");
    Poco::StreamCopier::copyToString(in, r.body);
    return r;
}

class AdsSim {
public:
    AdsSim()
        : sim_("ads_sim", SETTLEBRIDGE_PYTHON,
               {std::string(SETTLEBRIDGE_SOURCE_DIR) + "/tools/ads_sim/ads_sim.py"}) {}  // its own profiles
    AdsSim(const AdsSim&) = delete;
    AdsSim& operator=(const AdsSim&) = delete;

    std::uint16_t port() const { return sim_.port(); }
    std::string url() const { return sim_.url(); }

    void control(const std::string& json) const {
        const auto r = adsHttp(sim_.port(), "POST", "/_control", json);
        ASSERT_EQ(r.status, 200) << r.body;
    }
    Poco::JSON::Object::Ptr state() const {
        Poco::JSON::Parser parser;
        return parser.parse(adsHttp(sim_.port(), "GET", "/_control").body).extract<Poco::JSON::Object::Ptr>();
    }
    int count(const std::string& operation) const {
        const auto counts = state()->getObject("counts");
        return counts->has(operation) ? counts->getValue<int>(operation) : 0;
    }
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
    testing::SimulatorProcess sim_;
};

inline net::RetryPolicy fastAdsRetry(int attempts = 4) {
    net::RetryPolicy p;
    p.maxAttempts = attempts;
    p.baseDelay = std::chrono::milliseconds(10);
    p.maxDelay = std::chrono::milliseconds(50);
    return p;
}

}  // namespace settlebridge::testing
