#pragma once
// Test support shared by the areas whose tests talk to a simulator in tools/: starts it as a subprocess with
// `--port 0 --ready-file F`, waits until F names the port (the simulator writes it once it accepts connections),
// and stops it (SIGTERM, then waits) when destroyed; a plain HTTP exchange with it, and its /_control endpoint
// (GET: counts per operation and the recorded requests; POST: what the test sets up).

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace settlebridge::testing {

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

class SimulatorProcess {
public:
    /// `name` labels errors; `program` is run with `args` followed by the port and ready-file options.
    SimulatorProcess(std::string name, const std::string& program, std::vector<std::string> args) : name_(std::move(name)) {
        std::random_device random;
        const auto base = std::filesystem::temp_directory_path();
        do {
            folder_ = base / ("settlebridge-" + name_ + "-" + std::to_string(random()));
        } while (!std::filesystem::create_directory(folder_));
        const auto ready = folder_ / "ready.json";
        args.insert(args.end(), {"--port", "0", "--ready-file", ready.string()});
        handle_ = std::make_unique<Poco::ProcessHandle>(Poco::Process::launch(program, args));
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        for (;;) {
            if (auto port = readyPort(ready)) {
                port_ = *port;
                break;
            }
            if (!Poco::Process::isRunning(*handle_)) throw std::runtime_error(name_ + " exited at start");
            if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error(name_ + " did not start");
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    ~SimulatorProcess() {
        try {
            Poco::Process::requestTermination(handle_->id());
            handle_->wait();
        } catch (...) {
        }
        std::error_code error;
        std::filesystem::remove_all(folder_, error);
    }
    SimulatorProcess(const SimulatorProcess&) = delete;
    SimulatorProcess& operator=(const SimulatorProcess&) = delete;

    std::uint16_t port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

    /// POST /_control with `json`.
    HttpResult postControl(const std::string& json) const { return httpExchange(port_, "POST", "/_control", json); }
    /// GET /_control: counts per operation, recorded requests (and what else the simulator reports).
    Poco::JSON::Object::Ptr state() const {
        const HttpResult r = httpExchange(port_, "GET", "/_control");
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
    /// The port once the ready file is complete JSON naming it (a file caught half-written is read again).
    static std::optional<std::uint16_t> readyPort(const std::filesystem::path& ready) {
        std::ifstream in(ready, std::ios::binary);
        if (!in) return std::nullopt;
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        try {
            Poco::JSON::Parser parser;
            const auto object = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
            if (!object || !object->has("port")) return std::nullopt;
            return static_cast<std::uint16_t>(object->getValue<int>("port"));
        } catch (...) {
            return std::nullopt;
        }
    }

    std::string name_;
    std::filesystem::path folder_;
    std::unique_ptr<Poco::ProcessHandle> handle_;
    std::uint16_t port_ = 0;
};

}  // namespace settlebridge::testing
