#pragma once
// The admin site on a real Poco HTTP server (loopback, port 0) over a store in a temporary directory, and a small
// HTTP client that keeps the session cookie and the CSRF token like the page does.

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>

#include "daemon/admin/site.hpp"
#include "daemon/posting/queue.hpp"
#include "daemon/settlement/summarizer.hpp"
#include "daemon/store/store.hpp"
#include "tests/unit/store/temp_dir.hpp"

namespace settlebridge::testing {

inline constexpr store::Timestamp kAdminT0 = 1'768'000'000;  // 2026-01-09

struct Reply {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // the last value of each (Set-Cookie: all, joined by "\n")
    Poco::JSON::Object::Ptr json() const {
        Poco::JSON::Parser parser;
        return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
    }
    std::string error() const { return json()->optValue<std::string>("error", ""); }
};

/// One settlement report (Flat File V2) that balances: one order (principal + commission) per SKU given.
inline std::string makeReport(const std::string& id, const std::string& start, const std::string& end,
                              const std::string& principal = "100.00", const std::string& commission = "-15.00") {
    const std::string header =
        "settlement-id\tsettlement-start-date\tsettlement-end-date\tdeposit-date\ttotal-amount\tcurrency\t"
        "transaction-type\torder-id\tmerchant-order-id\tadjustment-id\tshipment-id\tmarketplace-name\tamount-type\t"
        "amount-description\tamount\tfulfillment-id\tposted-date\tposted-date-time\torder-item-code\t"
        "merchant-order-item-id\tmerchant-adjustment-item-id\tsku\tquantity-purchased\n";
    const auto cents = [](const std::string& s) {
        const bool negative = s[0] == '-';
        const std::string digits = negative ? s.substr(1) : s;
        const long long v = std::stoll(digits.substr(0, digits.find('.'))) * 100 + std::stoll(digits.substr(digits.find('.') + 1));
        return negative ? -v : v;
    };
    const long long total = cents(principal) + cents(commission);
    const std::string totalText = (total < 0 ? "-" : "") + std::to_string(std::llabs(total) / 100) + "." +
                                  (std::llabs(total) % 100 < 10 ? "0" : "") + std::to_string(std::llabs(total) % 100);
    const std::string day = start.substr(0, 10);
    std::string out = header;
    out += id + "\t" + start + "\t" + end + "\t" + end + "\t" + totalText + "\tUSD" + std::string(17, '\t') + "\n";
    const std::string row = id + "\t\t\t\t\t\tOrder\t111-0000000-" + id.substr(id.size() - 7) +
                            "\t\t\t\tAmazon.com\t";
    out += row + "ItemPrice\tPrincipal\t" + principal + "\tAFN\t" + day + "\t" + day + " 10:00:00 UTC\t1\t\t\tSKU-1\t1\n";
    out += row + "ItemFees\tCommission\t" + commission + "\tAFN\t" + day + "\t" + day + " 10:00:00 UTC\t1\t\t\tSKU-1\t\n";
    return out;
}

class AdminHarness {
public:
    explicit AdminHarness(bool withCompany = true, const std::function<void(admin::AdminOptions&)>& configure = {}) {
        store = std::make_unique<store::Store>(dir.file("settlebridge.db"));
        admin::AdminOptions options;
        options.dataDir = dir.path();
        options.pbkdf2Iterations = 1000;
        options.clock = [this] { return now.load(); };
        if (configure) configure(options);
        site = std::make_unique<admin::AdminSite>(*store, options);
        if (withCompany) {
            store::Company c;
            c.name = "acme";
            c.timeZone = "UTC";
            company = store->write([&](store::Tx& tx) { return tx.companies().create(c, "password1", kAdminT0, 1000); });
        }
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
        port = socket.address().port();
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(4);
        server = std::make_unique<Poco::Net::HTTPServer>(new Factory(*site), socket, params);
        server->start();
    }
    ~AdminHarness() { server->stopAll(true); }

    /// Imports a report for "acme" (Testing mode: its documents are held).
    posting::ImportResult import(const std::string& report) {
        settlement::SummarizeOptions options;
        options.timeZone = company.timeZone;
        std::istringstream in(report);
        settlement::Summary summary = settlement::summarizeStream(in, "report.txt", options);
        return posting::Queue(*store).importSummary("acme", report, "report.txt", std::move(summary), now.load());
    }

    Reply request(const std::string& method, const std::string& path, const std::string& body = "",
                  const std::map<std::string, std::string>& extraHeaders = {}, bool withCsrf = true) {
        Poco::Net::HTTPClientSession session("127.0.0.1", port);
        Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        if (!cookie.empty()) req.set("Cookie", cookie);
        if (withCsrf && !csrf.empty()) req.set("X-CSRF-Token", csrf);
        if (method != "GET") {
            req.setContentType("application/json");
            req.setContentLength(static_cast<std::streamsize>(body.size()));
        }
        for (const auto& [k, v] : extraHeaders) req.set(k, v);
        std::ostream& out = session.sendRequest(req);
        out << body;
        Poco::Net::HTTPResponse resp;
        std::istream& in = session.receiveResponse(resp);
        Reply reply;
        reply.status = static_cast<int>(resp.getStatus());
        Poco::StreamCopier::copyToString(in, reply.body);
        for (const auto& [k, v] : resp) {
            auto& slot = reply.headers[k];
            slot = slot.empty() ? v : slot + "\n" + v;
        }
        return reply;
    }
    Reply get(const std::string& path) { return request("GET", path); }
    Reply post(const std::string& path, const std::string& body = "{}") { return request("POST", path, body); }
    Reply put(const std::string& path, const std::string& body) { return request("PUT", path, body); }

    /// First run: creates the admin user and keeps its session.
    void setup(const std::string& user = "admin", const std::string& password = "correct horse battery") {
        const Reply r = request("POST", "/api/setup", R"({"user":")" + user + R"(","password":")" + password + "\"}");
        ASSERT_EQ(r.status, 200) << r.body;
        keepSession(r);
    }
    Reply login(const std::string& user, const std::string& password) {
        const Reply r = request("POST", "/api/login", R"({"user":")" + user + R"(","password":")" + password + "\"}");
        if (r.status == 200) keepSession(r);
        return r;
    }
    void keepSession(const Reply& r) {
        const std::string setCookie = r.headers.at("Set-Cookie");
        cookie = setCookie.substr(0, setCookie.find(';'));
        csrf = r.json()->getValue<std::string>("csrf_token");
    }

    std::string companyPath(const std::string& rest) const { return "/api/companies/" + std::to_string(company.id) + rest; }

    TempDir dir;
    std::unique_ptr<store::Store> store;
    std::atomic<store::Timestamp> now{kAdminT0};
    std::unique_ptr<admin::AdminSite> site;
    std::unique_ptr<Poco::Net::HTTPServer> server;
    store::Company company;
    std::uint16_t port = 0;
    std::string cookie;
    std::string csrf;

private:
    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit Handler(admin::AdminSite& s) : site_(s) {}
        void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
            site_.handle(req, resp);
        }

    private:
        admin::AdminSite& site_;
    };
    class Factory : public Poco::Net::HTTPRequestHandlerFactory {
    public:
        explicit Factory(admin::AdminSite& s) : site_(s) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
            return new Handler(site_);
        }

    private:
        admin::AdminSite& site_;
    };
};

}  // namespace settlebridge::testing
