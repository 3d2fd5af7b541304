// amazon_sim: a simulated Amazon (Login with Amazon + SP-API Reports + S3 downloads) on one HTTP port.
// Usage: see README.md beside this file, or `amazon_sim --help`.

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <pthread.h>
#include <unistd.h>

#include "tools/amazon_sim/simulator.hpp"

namespace {

const char* const kUsage = R"(amazon_sim - a simulated Amazon for Settlebridge's tests and demo

  --reports-dir DIR        serve every file of DIR as one settlement report (*.gz files are served gzip)
  --report FILE            serve FILE too (repeatable)
  --host ADDR              listen address (default 127.0.0.1)
  --port N                 port (default 0: any free port; the port is printed and written to --ready-file)
  --ready-file FILE        write {"port":N,"url":"http://...","pid":P} there once listening
  --public-url URL         base of the download links (default http://HOST:PORT)
  --client-id ID           the LWA client id accepted (default amzn1.application-oa2-client.settlebridge-sim)
  --client-secret SECRET   the LWA client secret accepted (default amzn1.oa2-cs.v1.settlebridge-sim-secret)
  --application-id ID      the SP-API app id the consent page knows (default amzn1.sp.solution.settlebridge-sim)
  --refresh-token TOKEN    a refresh token accepted from the start (repeatable; default Atzr|settlebridge-sim-refresh-token;
                           "none" = no token until one is made by "Connect with Amazon")
  --redirect-uri URI       a registered redirect URI (repeatable; default: any)
  --draft-app              the consent page wants version=beta
  --seller-id ID           selling_partner_id (default A1SIMSELLER0001)
  --region NA|EU|FE        the seller's region; /_region/XX/... answers 403 for another region (default NA)
  --marketplace-ids A,B    marketplaceIds of the reports (default: the region's)
  --token-lifetime S       access token lifetime in seconds (default 3600)
  --code-lifetime S        authorization code lifetime (default 300)
  --url-lifetime S         download link lifetime, X-Amz-Expires (default 300)
  --page-size-cap N        never more than N reports per page (default 100)
  --expired-token-status N 403 (Amazon's answer, default) or 401
  --gzip MODE              auto (default: .gz files gzip) | all | none | alternate
  --charset NAME           charset in the download's Content-Type (default Cp1252; "" = none)
  --created-times MODE     recent (default: created over the last hours) | settlement (an hour after each end)
  --report-type TYPE       default GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2
  --rate OP=RATE:BURST     usage plan of getReports / getReportDocument (defaults 0.0222:10, 0.0167:15)
  --enforce-rate-limits    answer 429 QuotaExceeded when a bucket is empty
)";

[[noreturn]] void usage(const std::string& error) {
    std::cerr << "amazon_sim: " << error << "\n\n" << kUsage;
    std::exit(2);
}

class Handler : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(amazon_sim::Simulator& sim) : sim_(sim) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        sim_.handle(request, response);
    }

private:
    amazon_sim::Simulator& sim_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(amazon_sim::Simulator& sim) : sim_(sim) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler(sim_);
    }

private:
    amazon_sim::Simulator& sim_;
};

amazon_sim::Options parse(int argc, char** argv) {
    amazon_sim::Options o;
    bool tokensGiven = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        std::string value;
        bool hasValue = false;
        if (const auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
            hasValue = true;
        }
        auto next = [&]() -> std::string {
            if (hasValue) return value;
            if (i + 1 >= argc) usage(arg + " needs a value");
            return argv[++i];
        };
        auto number = [&](const std::string& text) {
            try {
                std::size_t used = 0;
                const int n = std::stoi(text, &used);
                if (used != text.size()) throw std::invalid_argument(text);
                return n;
            } catch (const std::exception&) {
                usage(arg + " needs a number, not \"" + text + "\"");
            }
        };
        if (arg == "--help" || arg == "-h") {
            std::cout << kUsage;
            std::exit(0);
        } else if (arg == "--reports-dir") {
            o.reportsDir = next();
        } else if (arg == "--report") {
            o.reportFiles.push_back(next());
        } else if (arg == "--host") {
            o.host = next();
        } else if (arg == "--port") {
            const int port = number(next());
            if (port < 0 || port > 65535) usage("--port must be 0..65535");
            o.port = static_cast<std::uint16_t>(port);
        } else if (arg == "--ready-file") {
            o.readyFile = next();
        } else if (arg == "--public-url") {
            o.publicUrl = next();
        } else if (arg == "--client-id") {
            o.clientId = next();
        } else if (arg == "--client-secret") {
            o.clientSecret = next();
        } else if (arg == "--application-id") {
            o.applicationId = next();
        } else if (arg == "--refresh-token") {
            if (!tokensGiven) o.refreshTokens.clear();
            tokensGiven = true;
            const std::string token = next();
            if (token != "none") o.refreshTokens.push_back(token);
        } else if (arg == "--redirect-uri") {
            o.redirectUris.push_back(next());
        } else if (arg == "--draft-app") {
            o.draftApp = true;
        } else if (arg == "--seller-id") {
            o.sellerId = next();
        } else if (arg == "--region") {
            o.region = next();
            if (o.region != "NA" && o.region != "EU" && o.region != "FE") usage("--region must be NA, EU or FE");
        } else if (arg == "--marketplace-ids") {
            std::string list = next();
            std::size_t start = 0;
            while (start <= list.size()) {
                const auto comma = list.find(',', start);
                const std::string id = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
                if (!id.empty()) o.marketplaceIds.push_back(id);
                if (comma == std::string::npos) break;
                start = comma + 1;
            }
        } else if (arg == "--token-lifetime") {
            o.tokenLifetime = number(next());
        } else if (arg == "--code-lifetime") {
            o.codeLifetime = number(next());
        } else if (arg == "--url-lifetime") {
            o.urlLifetime = number(next());
        } else if (arg == "--page-size-cap") {
            o.pageSizeCap = number(next());
            if (o.pageSizeCap < 1) usage("--page-size-cap must be at least 1");
        } else if (arg == "--expired-token-status") {
            o.expiredTokenStatus = number(next());
            if (o.expiredTokenStatus != 401 && o.expiredTokenStatus != 403) usage("--expired-token-status is 401 or 403");
        } else if (arg == "--gzip") {
            o.gzip = next();
            if (o.gzip != "auto" && o.gzip != "all" && o.gzip != "none" && o.gzip != "alternate") {
                usage("--gzip is auto, all, none or alternate");
            }
        } else if (arg == "--charset") {
            o.charset = next();
        } else if (arg == "--created-times") {
            o.createdTimes = next();
            if (o.createdTimes != "recent" && o.createdTimes != "settlement") usage("--created-times is recent or settlement");
        } else if (arg == "--report-type") {
            o.reportType = next();
        } else if (arg == "--rate") {
            const std::string spec = next();
            const auto eq = spec.find('=');
            const auto colon = spec.find(':', eq == std::string::npos ? 0 : eq);
            if (eq == std::string::npos || colon == std::string::npos) usage("--rate wants OP=RATE:BURST");
            amazon_sim::RateSetting setting;
            setting.text = spec.substr(eq + 1, colon - eq - 1);
            try {
                setting.perSecond = std::stod(setting.text);
                setting.burst = std::stod(spec.substr(colon + 1));
            } catch (const std::exception&) {
                usage("--rate wants numbers: OP=RATE:BURST");
            }
            if (!(setting.perSecond > 0) || !(setting.burst >= 1)) usage("--rate needs RATE > 0 and BURST >= 1");
            o.rates[spec.substr(0, eq)] = setting;
        } else if (arg == "--enforce-rate-limits") {
            o.enforceRateLimits = true;
        } else {
            usage("unknown option " + arg);
        }
    }
    return o;
}

void writeReadyFile(const std::string& path, const std::string& url, std::uint16_t port) {
    const std::string temp = path + ".tmp";
    {
        std::ofstream out(temp, std::ios::trunc);
        out << "{\"port\":" << port << ",\"url\":\"" << url << "\",\"pid\":" << ::getpid() << "}\n";
        if (!out) throw std::runtime_error("cannot write " + temp);
    }
    std::filesystem::rename(temp, path);
}

}  // namespace

int main(int argc, char** argv) {
    const amazon_sim::Options options = parse(argc, argv);

    // Block the termination signals in every thread (the server's threads inherit the mask); main waits for them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    try {
        amazon_sim::Simulator simulator(options);
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(options.host, options.port), 64);
        const std::uint16_t port = socket.address().port();
        simulator.setBoundPort(port);

        Poco::ThreadPool pool("amazon_sim", 2, 16);
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(16);
        params->setMaxQueued(64);
        params->setKeepAlive(true);
        Poco::Net::HTTPServer server(new Factory(simulator), pool, socket, params);
        server.start();

        const std::string host = options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
        const std::string url = "http://" + host + ":" + std::to_string(port);
        if (!options.readyFile.empty()) writeReadyFile(options.readyFile, url, port);
        std::cout << "amazon_sim listening on " << url << " (" << simulator.reportCount() << " reports)" << std::endl;

        int received = 0;
        sigwait(&signals, &received);
        server.stopAll(true);
        pool.joinAll();
        std::cout << "amazon_sim stopped" << std::endl;
        return 0;
    } catch (const Poco::Exception& e) {
        std::cerr << "amazon_sim: " << e.displayText() << std::endl;
    } catch (const std::exception& e) {
        std::cerr << "amazon_sim: " << e.what() << std::endl;
    }
    return 1;
}
