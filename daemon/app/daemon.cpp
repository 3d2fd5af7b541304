#include "daemon/app/daemon.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FileChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/PatternFormatter.h>
#include <Poco/Util/LoggingConfigurator.h>
#include <Poco/Util/PropertyFileConfiguration.h>
#include <Poco/Util/ServerApplication.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#ifndef _WIN32
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#endif
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "daemon/admin/site.hpp"
#include "daemon/ads/app_config.hpp"
#include "daemon/ads/connect.hpp"
#include "daemon/ads/sync.hpp"
#include "daemon/amazon/accounts.hpp"
#include "daemon/amazon/settlement_sync.hpp"
#include "daemon/app/cli.hpp"
#include "daemon/app/data_directory.hpp"
#include "daemon/app/refusal_report.hpp"
#include "daemon/app/scheduler.hpp"
#include "daemon/app/qbwc_route.hpp"
#include "daemon/net/http_server.hpp"
#include "daemon/app/service.hpp"
#include "daemon/posting/lifecycle.hpp"
#include "daemon/sellercloud/push.hpp"
#include "daemon/store/key_check.hpp"
#include "daemon/store/secrets.hpp"
#include "soap/qbwc_logic.hpp"

namespace settlebridge::app {

namespace {

/// Request bodies of a megabyte or more (up to 16 MiB each, 48 MiB across connections: docs/SECURITY.md) get
/// memory of their own from the system and give it back when they are freed. glibc's default threshold for that
/// starts at 128 KiB but rises to the size of every such block freed (up to 32 MiB), after which large bodies come
/// from malloc's per-thread arenas and their memory stays with the process: five 60 MB bodies in flight with the
/// other attacks took the peak to 211-243 MB and left 124-211 MB behind; with the threshold fixed, 57 MB and 24 MB
/// (docs/SECURITY.md, the soak figures). Setting it turns the rising off.
void returnLargeBlocksToTheSystem() {
#ifdef __GLIBC__
    (void)mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
#endif
}

std::string htmlEscape(const std::string& text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

void sendPage(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
              const std::string& title, const std::string& message) {
    const std::string body = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + htmlEscape(title) +
                             " — Settlebridge</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;"
                             "margin:3em auto;padding:0 1em}h1{font-size:1.4em}</style></head><body><h1>" +
                             htmlEscape(title) + "</h1><p>" + htmlEscape(message) + "</p><p><a href=\"/\">Back to "
                             "Settlebridge</a></p></body></html>";
    response.setStatus(status);
    response.setContentType("text/html; charset=utf-8");
    response.set("Cache-Control", "no-store");
    // The admin page's security headers; the page's one inline style is all it may use.
    response.set("Referrer-Policy", "no-referrer");
    response.set("X-Content-Type-Options", "nosniff");
    response.set("X-Frame-Options", "DENY");
    response.set("Content-Security-Policy",
                 "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'; "
                 "base-uri 'none'");
    response.setContentLength(static_cast<std::streamsize>(body.size()));
    response.send() << body;
}

#ifndef _WIN32
// A warning when other users could read a file or folder that holds secrets (the data folder: the database, the
// key file, the logs; the TLS private key).
void warnIfReadable(Poco::Logger& log, const std::string& path, const char* what) {
    struct stat info {};
    if (path.empty() || ::stat(path.c_str(), &info) != 0) return;
    if ((info.st_mode & 077) != 0) {
        log.warning("%s %s can be read by other users (mode %03o): run chmod go-rwx on it", std::string(what), path,
                    static_cast<unsigned>(info.st_mode & 0777));
    }
}
#endif

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string() : std::string(value);
}

void configureLogging(const Settings& settings) {
    if (!settings.configFile.empty()) {
        Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> file(
            new Poco::Util::PropertyFileConfiguration(settings.configFile));
        Poco::Util::AbstractConfiguration::Keys loggingKeys;
        file->keys("logging", loggingKeys);
        if (!loggingKeys.empty()) {
            Poco::Util::LoggingConfigurator configurator;
            configurator.configure(file);
            return;
        }
    }
    Poco::AutoPtr<Poco::PatternFormatter> formatter(new Poco::PatternFormatter("%Y-%m-%d %H:%M:%S %p %s: %t"));
    formatter->setProperty("times", "local");
    Poco::AutoPtr<Poco::Channel> sink;
    if (settings.logFile.empty()) {
        sink = new Poco::ConsoleChannel;
    } else {
        Poco::AutoPtr<Poco::FileChannel> file(new Poco::FileChannel(settings.logFile));
        file->setProperty("rotation", settings.logRotation);
        file->setProperty("archive", "timestamp");
        file->setProperty("compress", "true");
        file->setProperty("purgeCount", std::to_string(settings.logKeep));
        file->setProperty("flush", "true");
        sink = file;
    }
    Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(formatter, sink));
    Poco::Logger::root().setChannel(channel);
    Poco::Logger::root().setLevel(settings.logLevel);
}

class DaemonApplication : public Poco::Util::ServerApplication {
public:
    explicit DaemonApplication(Settings settings) : settings_(std::move(settings)) {}

protected:
    void defineOptions(Poco::Util::OptionSet& options) override {
        ServerApplication::defineOptions(options);  // --daemon, --pidfile, --umask; Windows: service options
    }

    int main(const std::vector<std::string>&) override {
#ifndef _WIN32
        // The stop signals stay pending until waitForTerminationRequest() takes them (it blocks the same set and
        // sigwait()s). Blocked here, before any thread starts, every thread inherits the mask: a SIGTERM that
        // arrives while the daemon is still starting (the ready file is written before the wait begins) stops it
        // cleanly instead of killing it with the default action.
        sigset_t stopSignals;
        sigemptyset(&stopSignals);
        if (std::getenv("POCO_ENABLE_DEBUGGER") == nullptr) sigaddset(&stopSignals, SIGINT);  // as Poco does
        sigaddset(&stopSignals, SIGQUIT);
        sigaddset(&stopSignals, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
#endif
        configureLogging(settings_);
        Poco::Logger& log = Poco::Logger::get("settlebridge");
        try {
            return serve(log);
        } catch (const DataDirectoryBusy& e) {
            log.fatal("cannot start: %s", std::string(e.what()));
            return kExitBadInput;
        } catch (const store::SecretError& e) {
            log.fatal("cannot start: %s", std::string(e.what()));
            return kExitBadInput;
        } catch (const net::HttpServerError& e) {
            log.fatal("cannot start: %s", std::string(e.what()));
            return kExitBadInput;
        } catch (const std::exception& e) {
            log.fatal("cannot run: %s", std::string(e.what()));
            return kExitFailure;
        }
    }

private:
    int serve(Poco::Logger& log) {
        returnLargeBlocksToTheSystem();
        // One daemon per data directory: the lock proves no other process serves its Web Connector sessions, so the
        // ones a previous run left open (it was killed, the power went) are ended before anyone signs in.
        std::error_code dirError;
        createDataDirectory(settings_.dataDir, dirError);  // an existing directory is left as it is
        // With --shared, several daemons hold it together (docs/SCALING.md): none may end the others' sessions.
        const DataDirectoryLock dataLock(settings_.dataDir, settings_.shared);
#ifndef _WIN32
        warnIfReadable(log, settings_.dataDir.string(), "The data folder");
        warnIfReadable(log, settings_.http.privateKeyFile, "The TLS private key");
#endif
        Service service(settings_.dataDir, settings_.database);
        // Every daemon on one database reads the same key (the key file or $SETTLEBRIDGE_SECRETS_KEY); one whose key
        // differs from the one the database was first served with is refused here, before it seals anything.
        std::string keySource;
        const store::SecretBox box = store::SecretBox::openForDataDir(settings_.dataDir, &keySource);
        if (service.store().write([&](store::Tx& tx) {
                return store::checkSecretsKey(tx.database(), box, keySource, nowSeconds());
            })) {
            log.information("the secrets key from %s is now this database's (its key check is stored)", keySource);
        }
        admin::AdminOptions adminOptions;
        adminOptions.dataDir = settings_.dataDir;
        adminOptions.secureCookies = !settings_.http.certificateFile.empty();
        admin::AdminSite adminSite(service.store(), adminOptions);

        soap::QbwcOptions qbwcOptions;
        qbwcOptions.ticketIdle = settings_.sessionTimeout;
        soap::QbwcLogic qbwc(service.store(), qbwcOptions);
        if (settings_.shared) {
            log.information("serving %s together with other daemons (--shared): sessions left open are carried on "
                            "by the daemon their next call reaches, or end at their idle timeout",
                            settings_.dataDir.string());
        } else if (const int ended = qbwc.endSessionsLeftOpen(); ended > 0) {
            log.warning("ended %d Web Connector session(s) left open when Settlebridge last stopped; the next sync "
                        "carries on where they were",
                        ended);
        }

        net::HttpServer server(settings_.http);
        mountQbwc(server, qbwc);
        amazon::Accounts accounts(service.store(), box);
        server.route(std::string(amazon::kCallbackPath),
                     [&](Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
                         if (request.getMethod() != "GET") {
                             sendPage(response, Poco::Net::HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "Not allowed",
                                      "This address only answers Amazon's redirect.");
                             return;
                         }
                         try {
                             const store::AmazonConnection c = accounts.completeConnect(request.getURI(), nowSeconds());
                             log.information("Amazon connection \"%s\" connected (seller %s)", c.name, c.sellerId);
                             sendPage(response, Poco::Net::HTTPResponse::HTTP_OK, "Connected to Amazon",
                                      "The Amazon connection \"" + c.name + "\" is connected" +
                                          (c.sellerId.empty() ? "" : " (seller " + c.sellerId + ")") +
                                          ". Its settlements are downloaded at the next sync; you can close this window.");
                         } catch (const std::exception& e) {
                             log.warning("Amazon consent callback refused: %s", std::string(e.what()));
                             sendPage(response, Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, "Not connected",
                                      std::string(e.what()) + " Start the connection again from Settlebridge.");
                         }
                     });

        // Amazon Ads: "Connect with Amazon" comes back here. The Ads app is the stored one (ads/app_config.hpp); the
        // redirect URI, unless configured, is this address.
        server.route("/oauth/amazon-ads/callback",
                     [&](Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
                         try {
                             ads::AdsConnectConfig config = ads::loadAdsApp(service.store(), box);
                             if (config.redirectUri.empty()) {
                                 config.redirectUri = std::string(server.secure() ? "https://" : "http://") +
                                                      request.getHost() + "/oauth/amazon-ads/callback";
                             }
                             if (!ads::adsAppConfigured(config)) {
                                 throw std::runtime_error("the Amazon Ads app is not configured on this server "
                                                          "(settlebridge ads app, or the admin page's Connect).");
                             }
                             ads::AdsConnect connect(service.store(), box, config);
                             const ads::ConnectedAccount account = connect.complete(request.getURI(), nowSeconds());
                             log.information("Amazon Ads account \"%s\" connected (%z profiles)", account.account.name,
                                             account.profiles.size());
                             sendPage(response, Poco::Net::HTTPResponse::HTTP_OK, "Connected to Amazon Ads",
                                      "The Amazon Ads account \"" + account.account.name + "\" is connected with " +
                                          std::to_string(account.profiles.size()) +
                                          " profiles. Ad spend is downloaded at the next sync; you can close this window.");
                         } catch (const std::exception& e) {
                             log.warning("Amazon Ads consent callback refused: %s", std::string(e.what()));
                             sendPage(response, Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, "Not connected",
                                      std::string(e.what()) + " Start the connection again from Settlebridge.");
                         }
                     });

        // The admin page and its /api/ (daemon/admin) mount on this same server, before start(): the fallback
        // route "/" is theirs.
        server.route("/", [&adminSite](Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
            adminSite.handle(request, response);
        });

        Scheduler scheduler(settings_.tick, Poco::Logger::get("settlebridge.scheduler"));
        amazon::SettlementSync settlements(service.store(), box);
        scheduler.add("amazon settlements", [&](store::Timestamp now, std::stop_token stop) {
            const auto report = settlements.runDue(now, stop);
            std::string line;
            for (const auto& c : report.connections) {
                if (!line.empty()) line += "; ";
                line += c.company + " / " + c.connection + ": " + (c.ok ? "" : "FAILED: ") + c.message;
            }
            return line;
        });
        scheduler.add("testing to live", [&](store::Timestamp now, std::stop_token) {
            std::string line;
            for (const auto& change : posting::promoteDueCompanies(service.store(), now)) line += change.message;
            return line;
        });

        // Ad spend and the Sellercloud push each get their own thread: an Ads report can take many minutes to be
        // ready, and must not hold up the settlement sync.
        ads::AdsSyncOptions adsOptions;
        adsOptions.amazonEndpoint = env("SETTLEBRIDGE_ADS_API_URL");
        adsOptions.amazonTokenUrl = env("SETTLEBRIDGE_ADS_TOKEN_URL");
        if (const std::string walmart = env("SETTLEBRIDGE_WALMART_API_URL"); !walmart.empty()) adsOptions.walmartEndpoint = walmart;
        ads::AdsSync adsSync(service.store(), box, adsOptions);
        Scheduler adsScheduler(settings_.tick, Poco::Logger::get("settlebridge.ads"));
        adsScheduler.add("ad spend", [&](store::Timestamp now, std::stop_token stop) {
            const ads::AdsRunReport r = adsSync.runDue(now, stop);
            std::string line;
            if (r.profilesSynced + r.profilesFailed + r.accountsFailed > 0) {
                line = std::to_string(r.profilesSynced) + " profiles synced (" + std::to_string(r.reports) + " reports, " +
                       std::to_string(r.rowsStored) + " rows), " + std::to_string(r.profilesFailed + r.accountsFailed) +
                       " failed";
            }
            for (const auto& e : r.errors) line += "; " + e;
            return line;
        });

        sellercloud::PushOptions pushOptions;
        if (const std::string v = env("SETTLEBRIDGE_SELLERCLOUD_LOOKUP_URL"); !v.empty()) pushOptions.teamLookupUrl = v;
        if (const std::string v = env("SETTLEBRIDGE_SELLERCLOUD_BASE_TEMPLATE"); !v.empty()) pushOptions.baseUrlTemplate = v;
        sellercloud::SellercloudPush sellercloudPush(service.store(), box, pushOptions);
        Scheduler pushScheduler(settings_.tick, Poco::Logger::get("settlebridge.sellercloud"));
        pushScheduler.add("sellercloud push", [&](store::Timestamp now, std::stop_token stop) {
            const sellercloud::PushRunReport r = sellercloudPush.runDue(now, stop);
            std::string line;
            if (!r.sends.empty() || r.connectionsFailed > 0) {
                line = std::to_string(r.sends.size()) + " sends, " + std::to_string(r.connectionsFailed) +
                       " connections failed";
            }
            for (const auto& e : r.errors) line += "; " + e;
            return line;
        });

        // Sign-ins refused without a password check: counted by the guards, saved for `status` and logged at most
        // once a minute per reason (docs/SECURITY.md, finding 5). A thread of its own: the others may be downloading.
        RefusalReport refusalReport(service.store(), common::SignInRefusals::shared());
        Scheduler securityScheduler(std::min<std::chrono::milliseconds>(settings_.tick, std::chrono::seconds(10)),
                                    Poco::Logger::get("settlebridge.security"));
        securityScheduler.add("sign-in refusals",
                              [&](store::Timestamp now, std::stop_token) { return refusalReport.run(now); });

        server.start();
        const std::string baseUrl = server.baseUrl();
        log.information("listening on %s (Web Connector URL %s/qbwc, data in %s)", baseUrl, baseUrl,
                        settings_.dataDir.string());
        if (!settings_.readyFile.empty()) {
            const std::string temporary = settings_.readyFile + ".tmp";
            {
                std::ofstream file(temporary, std::ios::trunc);
                file << baseUrl << "\n";
            }
            std::rename(temporary.c_str(), settings_.readyFile.c_str());
        }
        scheduler.start();
        adsScheduler.start();
        pushScheduler.start();
        securityScheduler.start();

        waitForTerminationRequest();
        log.information("stopping");
        server.stop();
        scheduler.requestStop();
        adsScheduler.requestStop();
        pushScheduler.requestStop();
        securityScheduler.requestStop();
        scheduler.stop();
        adsScheduler.stop();
        pushScheduler.stop();
        securityScheduler.stop();
        try {
            refusalReport.run(nowSeconds());  // the last counts, for `status`
        } catch (const std::exception& e) {
            log.warning("could not save the sign-in refusal counts: %s", std::string(e.what()));
        }
        log.information("stopped");
        return kExitOk;
    }

    Settings settings_;
};

}  // namespace

int runDaemon(const Settings& settings, const std::string& argv0, const std::vector<std::string>& platformArgs) {
    std::vector<std::string> args{argv0};
    if (settings.daemon) args.emplace_back("--daemon");
    if (!settings.pidFile.empty()) args.push_back("--pidfile=" + settings.pidFile);
    for (const auto& a : platformArgs) args.push_back(a);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    DaemonApplication application(settings);
    return application.run(static_cast<int>(args.size()), argv.data());
}

}  // namespace settlebridge::app
