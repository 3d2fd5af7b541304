#pragma once
// The daemon's configuration, read once into a typed struct: defaults, then the properties file (--config, or
// /etc/settlebridge/settlebridge.properties when it exists and the data directory is the system one), then the
// command line. Every value is validated with a message naming the file, the key and what is allowed.
//
//   settlebridge.data_dir         = /var/lib/settlebridge
//   settlebridge.listen           = 127.0.0.1          (0.0.0.0 / :: to serve other machines: use TLS then)
//   settlebridge.port             = 8080
//   settlebridge.tls.certificate  = /etc/settlebridge/tls.crt   (HTTPS when both are set)
//   settlebridge.tls.private_key  = /etc/settlebridge/tls.key
//   settlebridge.session_timeout  = 1800               (seconds a Web Connector session may sit idle)
//   settlebridge.tick             = 30                 (seconds between schedule checks)
//   settlebridge.log.file         = /var/log/settlebridge/settlebridge.log   ("" = the console)
//   settlebridge.log.level        = information        (fatal … trace)
//   settlebridge.log.rotation     = 10 M               (Poco FileChannel rotation: size or interval)
//   settlebridge.log.keep         = 10                 (rotated files kept)
//   logging.*                                          (full Poco logging configuration; overrides log.*)

#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include "daemon/app/server.hpp"

namespace settlebridge::app {

class Arguments;

/// A bad configuration value; the message names where it came from.
class SettingsError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Settings {
    std::filesystem::path dataDir;
    HttpServerConfig http;
    std::chrono::seconds sessionTimeout{1800};
    std::chrono::milliseconds tick{30'000};
    std::string readyFile;
    bool daemon = false;
    std::string pidFile;
    std::string logFile;
    std::string logLevel = "information";
    std::string logRotation = "10 M";
    int logKeep = 10;
    std::string configFile;  // "" = none was read
};

/// Reads the properties file named by --config (or the system one, see above) and applies the command line's
/// serve options on top. Relative paths become absolute (a daemon changes its directory to /).
Settings loadSettings(const Arguments& arguments);

/// The system-wide properties file the Linux package installs.
std::filesystem::path systemConfigFile();

}  // namespace settlebridge::app
