#pragma once
// Test support for the ads area: tools/ads_sim/ads_sim.py as a subprocess on a free port, its /_control
// endpoint, and a store in a temporary folder.

#include <gtest/gtest.h>

#include "tests/support/test_paths.hpp"
#include "tests/support/sim_process.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

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
        const auto r = sim_.postControl(json);
        ASSERT_EQ(r.status, 200) << r.body;
    }
    Poco::JSON::Object::Ptr state() const { return sim_.state(); }
    int count(const std::string& operation) const { return sim_.count(operation); }
    std::vector<Poco::JSON::Object::Ptr> requests(const std::string& operation) const { return sim_.requests(operation); }

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
