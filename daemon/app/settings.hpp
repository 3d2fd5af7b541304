#pragma once
// The daemon's configuration, read once into a typed struct: defaults, then the properties file (--config, or
// /etc/settlebridge/settlebridge.properties when it exists and neither --data-dir nor $SETTLEBRIDGE_DATA_DIR is
// given), then the command line. The other commands find their data directory through the same file
// (defaultDataDirFrom). Every value is validated with a message naming the file, the key and what is allowed.
//
//   settlebridge.data_dir         = /var/lib/settlebridge
//   settlebridge.database         = postgresql://user:password@host:5432/db   (default: settlebridge.db in data_dir)
//   settlebridge.listen           = 127.0.0.1          (0.0.0.0 / :: to serve other machines: use TLS then)
//   settlebridge.port             = 8080
//   settlebridge.tls.certificate  = /etc/settlebridge/tls.crt   (HTTPS when both are set)
//   settlebridge.tls.private_key  = /etc/settlebridge/tls.key
//   settlebridge.session_timeout  = 1800               (seconds a Web Connector session may sit idle)
//   settlebridge.tick             = 30                 (seconds between schedule checks)
//   settlebridge.shared           = false              (true: several daemons serve this data; docs/SCALING.md)
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

#include "daemon/net/http_server.hpp"

namespace settlebridge::app {

class Arguments;

/// A bad configuration value; the message names where it came from.
class SettingsError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Settings {
    std::filesystem::path dataDir;
    std::string database;  // a PostgreSQL connection URI; "" = the SQLite file settlebridge.db in dataDir
    net::HttpServerConfig http;
    std::chrono::seconds sessionTimeout{1800};
    std::chrono::milliseconds tick{30'000};
    std::string readyFile;
    /// Several daemons serve the same data (docs/SCALING.md): the data directory's lock is taken shared, and a
    /// start does not end the Web Connector sessions left open (another daemon may be serving them).
    bool shared = false;
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

/// The system-wide properties file: /etc/settlebridge/settlebridge.properties (the Linux package installs it);
/// on Windows settlebridge.properties in %ProgramData%\Settlebridge.
std::filesystem::path systemConfigFile();

/// Where the data lives when nothing names it: /var/lib/settlebridge as root, else $XDG_DATA_HOME/settlebridge or
/// ~/.local/share/settlebridge (Unix); %ProgramData%\Settlebridge (Windows).
std::filesystem::path platformDataDir();

/// The data directory of a command given no --data-dir (docs/DAEMON.md): $SETTLEBRIDGE_DATA_DIR when it is set and
/// not empty; else settlebridge.data_dir of `configFile` when that file exists and sets it (a relative path is taken
/// from the working directory, as `serve` does); else platformDataDir(). A file that exists but cannot be read, or an
/// empty settlebridge.data_dir, throws SettingsError. defaultDataDir() (service.hpp) is this with systemConfigFile().
std::filesystem::path defaultDataDirFrom(const std::filesystem::path& configFile);

/// The data directory of every command (the one place that resolves it; docs/CLI.md): --data-dir DIR; else, when
/// --config FILE is given, its settlebridge.data_dir (FILE must be readable), else $SETTLEBRIDGE_DATA_DIR, else
/// platformDataDir(); without --config, defaultDataDirFrom(systemConfigFile()). An empty --data-dir or --config, a
/// FILE that cannot be read or an empty settlebridge.data_dir throws SettingsError.
std::filesystem::path dataDirOf(const Arguments& arguments);

/// The database of a command (docs/CLI.md): --database URI; else settlebridge.database of --config FILE when given;
/// else (without --config, --data-dir and $SETTLEBRIDGE_DATA_DIR) settlebridge.database of the system properties file
/// when it exists; else "" (the SQLite file in the data directory). A value that is not a postgresql:// or
/// postgres:// URI throws SettingsError naming where it came from (the password, if any, shown as ***).
std::string databaseOf(const Arguments& arguments);

/// fatal, critical, error, warning, notice, information, debug, trace (and none); else SettingsError naming `where`.
void checkLogLevel(const std::string& level, const std::string& where);

}  // namespace settlebridge::app
