#pragma once
// Test support shared by the contract tests: Prism (npm @stoplight/prism-cli, installed offline by
// tools/install-node-tools.sh into tools/node/node_modules) run as `prism proxy SPEC UPSTREAM --errors` between a
// client and a simulator, so every request and response is checked against the official model; a violation
// becomes an error answer and a line in Prism's log. Started on a free loopback port, waited for until it accepts
// connections, stopped (SIGTERM, then waits) when destroyed.
//
// A test without Prism is skipped on a developer machine and fails under CI (CI=true):
//     if (!settlebridge::testing::prismAvailable()) GTEST_SKIP() << "Prism not installed: run tools/install-node-tools.sh";

#include <gtest/gtest.h>

#include <Poco/Exception.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Process.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "tests/support/test_paths.hpp"

namespace settlebridge::testing {

/// Where tools/install-node-tools.sh puts the Prism command.
inline std::string prismPath() { return std::string(SETTLEBRIDGE_SOURCE_DIR) + "/tools/node/node_modules/.bin/prism"; }

/// True when Prism is installed. When it is not, the caller skips its test; under CI (CI=true) this also records
/// a test failure, so a CI machine without Prism cannot pass the contract tests by skipping them.
inline bool prismAvailable() {
    if (std::filesystem::exists(prismPath())) return true;
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") {
        ADD_FAILURE() << "Prism is not installed (" << prismPath() << "): run tools/install-node-tools.sh";
    }
    return false;
}

class PrismProxy {
public:
    /// `prism proxy SPEC UPSTREAM --errors` on a free loopback port, its output in `logFile`. Waits up to
    /// `startTimeout` (a large spec takes Prism long to load) until it accepts connections; throws
    /// std::runtime_error with its log if it exits or does not start in time.
    PrismProxy(const std::string& spec, const std::string& upstream, std::filesystem::path logFile,
               std::chrono::seconds startTimeout = std::chrono::seconds(90))
        : log_(std::move(logFile)), port_(freePort()) {
        const std::string command = "exec '" + prismPath() + "' proxy '" + spec + "' '" + upstream +
                                    "' --errors -h 127.0.0.1 -p " + std::to_string(port_) + " > '" + log_.string() +
                                    "' 2>&1";
        handle_ = std::make_unique<Poco::ProcessHandle>(Poco::Process::launch("/bin/sh", {"-c", command}));
        const auto deadline = std::chrono::steady_clock::now() + startTimeout;
        for (;;) {
            try {
                Poco::Net::StreamSocket probe;
                probe.connect(Poco::Net::SocketAddress("127.0.0.1", port_), Poco::Timespan(0, 200'000));
                break;
            } catch (const Poco::Exception&) {
            }
            if (!Poco::Process::isRunning(*handle_)) throw std::runtime_error("prism exited: " + log());
            if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("prism did not start: " + log());
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    ~PrismProxy() {
        try {
            Poco::Process::requestTermination(handle_->id());
            handle_->wait();
        } catch (...) {
        }
    }
    PrismProxy(const PrismProxy&) = delete;
    PrismProxy& operator=(const PrismProxy&) = delete;

    std::uint16_t port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    /// Everything Prism has written so far ("" when nothing yet).
    std::string log() const {
        std::ifstream in(log_, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }

private:
    static std::uint16_t freePort() {
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
        const std::uint16_t port = socket.address().port();
        socket.close();
        return port;
    }

    std::filesystem::path log_;
    std::uint16_t port_;
    std::unique_ptr<Poco::ProcessHandle> handle_;
};

}  // namespace settlebridge::testing
