#include "daemon/app/settings.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Environment.h>
#include <Poco/Exception.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <cstdlib>
#include <set>

#include "daemon/app/arguments.hpp"
#include "daemon/store/postgres.hpp"
#include "daemon/store/postgres_dialect.hpp"

#ifndef _WIN32
#include <unistd.h>
#endif

namespace settlebridge::app {

namespace fs = std::filesystem;

namespace {

const std::set<std::string> kKnownKeys = {
    "data_dir", "database", "listen", "port", "tls.certificate", "tls.private_key", "session_timeout", "tick",
    "shared",
    "log.file", "log.level", "log.rotation", "log.keep", "http.engine", "http.io_threads",
    "http.max_connections", "http.max_connections_per_address", "http.header_timeout", "http.min_transfer_rate",
    "http.max_buffered_mb", "http.host_names", "http.stop_timeout",
};

long parseNumber(const std::string& text, long min, long max, const std::string& what) {
    char* end = nullptr;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || end == nullptr || *end != '\0' || value < min || value > max) {
        throw SettingsError(what + " must be a whole number from " + std::to_string(min) + " to " +
                            std::to_string(max) + " (got \"" + text + "\")");
    }
    return value;
}

fs::path absolute(const std::string& path) {
    if (path.empty()) return {};
    std::error_code error;
    fs::path result = fs::absolute(path, error);
    return error ? fs::path(path) : result.lexically_normal();
}

}  // namespace

void checkLogLevel(const std::string& level, const std::string& where) {
    static const std::set<std::string> levels = {"none", "fatal", "critical", "error", "warning",
                                                 "notice", "information", "debug", "trace"};
    if (levels.count(level) == 0) {
        throw SettingsError(where + " must be one of fatal, critical, error, warning, notice, information, debug, "
                                    "trace (got \"" + level + "\")");
    }
}

namespace {

net::HttpEngine parseEngine(const std::string& text, const std::string& where) {
    if (text == "thread-per-connection") return net::HttpEngine::ThreadPerConnection;
    if (text == "event-loop") {
#ifdef __linux__
        return net::HttpEngine::EventLoop;
#else
        throw SettingsError(where + ": the event-loop engine needs Linux; use thread-per-connection");
#endif
    }
    throw SettingsError(where + " must be event-loop or thread-per-connection (got \"" + text + "\")");
}

// "books.example.com, Shop-PC" -> {"books.example.com", "shop-pc"}: the names besides IP addresses and localhost
// that the Host header may carry (net::HostCheck).
std::vector<std::string> hostNames(const std::string& text) {
    std::vector<std::string> names;
    std::string name;
    for (const char c : text + ",") {
        if (c == ',' || c == ' ' || c == '\t') {
            while (!name.empty() && name.back() == '.') name.pop_back();
            if (!name.empty()) names.push_back(name);
            name.clear();
        } else {
            name += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        }
    }
    return names;
}

std::optional<fs::path> dataDirFromEnvironment() {
    if (const char* env = std::getenv("SETTLEBRIDGE_DATA_DIR"); env != nullptr && *env != '\0') return fs::path(env);
    return std::nullopt;
}

Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> readPropertiesFile(const std::string& name) {
    // Poco's parser never returns from a folder (its reads fail without reaching the end): refuse anything else.
    std::error_code error;
    if (fs::exists(name, error) && !fs::is_regular_file(name, error)) {
        throw SettingsError("cannot read the configuration file " + name + ": not a file");
    }
    try {
        return new Poco::Util::PropertyFileConfiguration(name);
    } catch (const Poco::Exception& e) {
        throw SettingsError("cannot read the configuration file " + name + ": " + e.displayText());
    }
}

std::string databaseSetting(const std::string& value, const std::string& where) {
    if (!store::isPostgresUri(value)) {
        throw SettingsError(where + " must be a PostgreSQL connection URI, postgresql://USER:PASSWORD@HOST:PORT/DATABASE "
                            "(got \"" + store::redactedConnectionString(value) +
                            "\"); leave it out to use the SQLite file settlebridge.db in the data directory");
    }
    return value;
}

fs::path dataDirSetting(const std::string& value, const std::string& where) {
    if (value.empty()) throw SettingsError(where + " is empty: name the data directory, or leave the key out");
    return absolute(value);
}

}  // namespace

fs::path systemConfigFile() {
#ifdef _WIN32
    return platformDataDir() / "settlebridge.properties";
#else
    return "/etc/settlebridge/settlebridge.properties";
#endif
}

fs::path platformDataDir() {
#ifdef _WIN32
    if (const char* programData = std::getenv("ProgramData"); programData != nullptr && *programData != '\0') {
        return fs::path(programData) / "Settlebridge";
    }
    return fs::path("C:\\ProgramData\\Settlebridge");
#else
    if (::geteuid() == 0) return "/var/lib/settlebridge";
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
        return fs::path(xdg) / "settlebridge";
    }
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
        return fs::path(home) / ".local" / "share" / "settlebridge";
    }
    return fs::current_path() / "settlebridge-data";
#endif
}

fs::path dataDirOf(const Arguments& arguments) {
    if (arguments.has("data-dir")) {
        if (arguments.get("data-dir").empty()) throw SettingsError("--data-dir is empty: name the data directory");
        return arguments.get("data-dir");
    }
    if (arguments.has("config")) {
        const std::string name = arguments.get("config");
        if (name.empty()) throw SettingsError("--config is empty: name the properties file");
        const auto file = readPropertiesFile(name);
        if (file->hasProperty("settlebridge.data_dir")) {
            return dataDirSetting(file->getString("settlebridge.data_dir"), name + ": settlebridge.data_dir");
        }
        if (const auto env = dataDirFromEnvironment()) return *env;
        return platformDataDir();
    }
    return defaultDataDirFrom(systemConfigFile());
}

std::string databaseOf(const Arguments& arguments) {
    if (arguments.has("database")) return databaseSetting(arguments.get("database"), "--database");
    std::string name;
    if (arguments.has("config")) {
        name = arguments.get("config");
        if (name.empty()) throw SettingsError("--config is empty: name the properties file");
    } else if (!arguments.has("data-dir") && !dataDirFromEnvironment()) {
        std::error_code error;
        if (fs::exists(systemConfigFile(), error)) name = systemConfigFile().string();
    }
    if (name.empty()) return "";
    const auto file = readPropertiesFile(name);
    if (!file->hasProperty("settlebridge.database")) return "";
    return databaseSetting(file->getString("settlebridge.database"), name + ": settlebridge.database");
}

fs::path defaultDataDirFrom(const fs::path& configFile) {
    if (const auto env = dataDirFromEnvironment()) return *env;
    std::error_code error;
    if (!configFile.empty() && fs::exists(configFile, error)) {
        const std::string name = configFile.string();
        const auto file = readPropertiesFile(name);
        if (file->hasProperty("settlebridge.data_dir")) {
            return dataDirSetting(file->getString("settlebridge.data_dir"), name + ": settlebridge.data_dir");
        }
    }
    return platformDataDir();
}

Settings loadSettings(const Arguments& arguments) {
    Settings s;
    s.http.hostCheck.enabled = true;  // the daemon answers only to its own names (DNS rebinding)
    s.http.hostCheck.names = hostNames(Poco::Environment::nodeName());
    const auto envDataDir = dataDirFromEnvironment();

    std::string configFile = arguments.get("config");
    if (configFile.empty() && !arguments.has("data-dir") && !envDataDir) {
        std::error_code error;
        if (fs::exists(systemConfigFile(), error)) configFile = systemConfigFile().string();
    }
    if (!configFile.empty()) {
        const auto file = readPropertiesFile(configFile);
        s.configFile = absolute(configFile).string();
        Poco::Util::AbstractConfiguration::Keys keys;
        std::vector<std::string> pending{"settlebridge"};
        while (!pending.empty()) {
            const std::string prefix = pending.back();
            pending.pop_back();
            file->keys(prefix, keys);
            for (const auto& k : keys) {
                const std::string full = prefix + "." + k;
                if (file->hasProperty(full)) {
                    const std::string key = full.substr(std::string("settlebridge.").size());
                    if (kKnownKeys.count(key) == 0) {
                        throw SettingsError(configFile + ": unknown setting \"" + full + "\"");
                    }
                }
                Poco::Util::AbstractConfiguration::Keys sub;
                file->keys(full, sub);
                if (!sub.empty()) pending.push_back(full);
            }
        }
        auto get = [&](const std::string& key) -> std::optional<std::string> {
            const std::string full = "settlebridge." + key;
            if (!file->hasProperty(full)) return std::nullopt;
            return file->getString(full);
        };
        const std::string where = configFile + ": settlebridge.";
        if (auto v = get("listen")) s.http.listenAddress = *v;
        if (auto v = get("port")) s.http.port = static_cast<std::uint16_t>(parseNumber(*v, 0, 65535, where + "port"));
        if (auto v = get("tls.certificate")) s.http.certificateFile = *v;
        if (auto v = get("tls.private_key")) s.http.privateKeyFile = *v;
        if (auto v = get("http.engine")) s.http.engine = parseEngine(*v, where + "http.engine");
        if (auto v = get("http.io_threads")) {
            s.http.ioThreads = static_cast<int>(parseNumber(*v, 1, 16, where + "http.io_threads"));
        }
        if (auto v = get("http.host_names")) {
            for (auto& name : hostNames(*v)) s.http.hostCheck.names.push_back(std::move(name));
        }
        if (auto v = get("http.max_connections")) {
            s.http.maxConnections = static_cast<int>(parseNumber(*v, 16, 100'000, where + "http.max_connections"));
        }
        if (auto v = get("http.max_connections_per_address")) {
            s.http.maxConnectionsPerAddress =
                static_cast<int>(parseNumber(*v, 1, 100'000, where + "http.max_connections_per_address"));
        }
        if (auto v = get("http.header_timeout")) {
            s.http.headerTimeout = std::chrono::seconds(parseNumber(*v, 1, 600, where + "http.header_timeout"));
        }
        if (auto v = get("http.min_transfer_rate")) {
            s.http.minTransferRate =
                static_cast<std::size_t>(parseNumber(*v, 1, 100'000'000, where + "http.min_transfer_rate"));
        }
        if (auto v = get("http.stop_timeout")) {
            s.http.stopTimeout = std::chrono::seconds(parseNumber(*v, 1, 600, where + "http.stop_timeout"));
        }
        if (auto v = get("http.max_buffered_mb")) {
            s.http.maxBufferedBytes =
                static_cast<std::size_t>(parseNumber(*v, 1, 65'536, where + "http.max_buffered_mb")) * 1024U * 1024U;
        }
        if (auto v = get("session_timeout")) {
            s.sessionTimeout = std::chrono::seconds(parseNumber(*v, 10, 86'400, where + "session_timeout"));
        }
        if (auto v = get("shared")) {
            if (*v != "true" && *v != "false") {
                throw SettingsError(where + "shared must be true or false (got \"" + *v + "\")");
            }
            s.shared = *v == "true";
        }
        if (auto v = get("tick")) s.tick = std::chrono::seconds(parseNumber(*v, 1, 3600, where + "tick"));
        if (auto v = get("log.file")) s.logFile = *v;
        if (auto v = get("log.level")) {
            checkLogLevel(*v, where + "log.level");
            s.logLevel = *v;
        }
        if (auto v = get("log.rotation")) s.logRotation = *v;
        if (auto v = get("log.keep")) s.logKeep = static_cast<int>(parseNumber(*v, 1, 1000, where + "log.keep"));
    }

    s.dataDir = dataDirOf(arguments);  // the one resolution every command uses
    s.database = databaseOf(arguments);
    if (arguments.has("listen")) s.http.listenAddress = arguments.get("listen");
    if (arguments.has("port")) s.http.port = static_cast<std::uint16_t>(parseNumber(arguments.get("port"), 0, 65535, "--port"));
    if (arguments.has("cert")) s.http.certificateFile = arguments.get("cert");
    if (arguments.has("key")) s.http.privateKeyFile = arguments.get("key");
    if (arguments.has("engine")) s.http.engine = parseEngine(arguments.get("engine"), "--engine");
    if (arguments.has("io-threads")) {
        s.http.ioThreads = static_cast<int>(parseNumber(arguments.get("io-threads"), 1, 16, "--io-threads"));
    }
    if (arguments.has("session-timeout")) {
        s.sessionTimeout = std::chrono::seconds(parseNumber(arguments.get("session-timeout"), 10, 86'400, "--session-timeout"));
    }
    if (arguments.has("tick")) {
        s.tick = std::chrono::milliseconds(parseNumber(arguments.get("tick"), 1, 3600, "--tick") * 1000);
    }
    if (arguments.has("shared")) s.shared = true;
    if (arguments.has("ready-file")) s.readyFile = arguments.get("ready-file");
    if (arguments.has("log-file")) s.logFile = arguments.get("log-file");
    if (arguments.has("log-level")) {
        checkLogLevel(arguments.get("log-level"), "--log-level");
        s.logLevel = arguments.get("log-level");
    }
    s.daemon = arguments.has("daemon");
    if (arguments.has("pidfile")) s.pidFile = arguments.get("pidfile");
    if (s.http.certificateFile.empty() != s.http.privateKeyFile.empty()) {
        throw SettingsError("the TLS certificate and private key go together (--cert and --key, or "
                            "settlebridge.tls.certificate and settlebridge.tls.private_key)");
    }

    s.dataDir = absolute(s.dataDir.string());
    s.http.certificateFile = absolute(s.http.certificateFile).string();
    s.http.privateKeyFile = absolute(s.http.privateKeyFile).string();
    s.readyFile = absolute(s.readyFile).string();
    s.logFile = absolute(s.logFile).string();
    s.pidFile = absolute(s.pidFile).string();
    return s;
}

}  // namespace settlebridge::app
