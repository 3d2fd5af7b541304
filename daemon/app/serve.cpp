// `settlebridge serve`: the HTTP(S) front with the Web Connector endpoint, in the foreground, until SIGTERM/SIGINT.
#include <csignal>
#include <fstream>
#include <iostream>

#include "daemon/app/arguments.hpp"
#include "daemon/app/cli.hpp"
#include "daemon/app/commands.hpp"
#include "daemon/app/server.hpp"
#include "daemon/app/service.hpp"
#include "soap/qbwc_logic.hpp"

#ifndef _WIN32
#include <pthread.h>
#endif

namespace settlebridge::app {

namespace {

std::uint16_t parsePort(const std::string& text) {
    char* end = nullptr;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || end == nullptr || *end != '\0' || value < 0 || value > 65535) {
        throw UsageError("--port must be a number from 0 to 65535");
    }
    return static_cast<std::uint16_t>(value);
}

}  // namespace

int serveCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    const Arguments arguments(args, 1, {}, {"data-dir", "listen", "port", "cert", "key", "ready-file", "session-timeout"});
    HttpServerConfig config;
    if (arguments.has("listen")) config.listenAddress = arguments.get("listen");
    if (arguments.has("port")) config.port = parsePort(arguments.get("port"));
    config.certificateFile = arguments.get("cert");
    config.privateKeyFile = arguments.get("key");
    if (config.certificateFile.empty() != config.privateKeyFile.empty()) {
        throw UsageError("--cert and --key go together");
    }

#ifndef _WIN32
    // Block the stop signals before any thread starts, so every thread inherits the mask and this one
    // receives them through sigwait.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
#endif

    Service service(arguments.has("data-dir") ? std::filesystem::path(arguments.get("data-dir")) : defaultDataDir());
    soap::QbwcOptions qbwcOptions;
    if (arguments.has("session-timeout")) {
        char* end = nullptr;
        const long seconds = std::strtol(arguments.get("session-timeout").c_str(), &end, 10);
        if (end == nullptr || *end != '\0' || seconds < 10 || seconds > 24 * 3600) {
            throw UsageError("--session-timeout must be a number of seconds from 10 to 86400");
        }
        qbwcOptions.ticketIdle = std::chrono::seconds(seconds);
    }
    soap::QbwcLogic logic(service.store(), qbwcOptions);
    HttpServer server(config);
    server.mountQbwc(logic);
    server.start();
    const std::string baseUrl = server.baseUrl();
    out << "settlebridge: listening on " << baseUrl << " (Web Connector URL " << baseUrl << "/qbwc, data in "
        << service.dataDir().string() << ")" << std::endl;
    if (arguments.has("ready-file")) {
        const std::string path = arguments.get("ready-file");
        const std::string temporary = path + ".tmp";
        {
            std::ofstream file(temporary, std::ios::trunc);
            file << baseUrl << "\n";
        }
        std::rename(temporary.c_str(), path.c_str());
    }

#ifndef _WIN32
    int received = 0;
    sigwait(&stopSignals, &received);
    err << "settlebridge: " << (received == SIGTERM ? "SIGTERM" : "SIGINT") << " received, stopping" << std::endl;
#else
    std::string line;
    while (std::getline(std::cin, line)) {}
#endif
    server.stop();
    return kExitOk;
}

}  // namespace settlebridge::app
