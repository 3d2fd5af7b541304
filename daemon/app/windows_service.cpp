#include "daemon/app/windows_service.hpp"

#ifdef _WIN32

#include <windows.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "daemon/app/arguments.hpp"
#include "daemon/app/cli.hpp"
#include "daemon/app/daemon.hpp"
#include "daemon/app/data_directory.hpp"
#include "daemon/app/settings.hpp"

namespace settlebridge::app {

namespace {

/// A warning from before the daemon sets up its logging, in the log file's format (daemon.cpp).
void logEarlyWarning(const std::string& logFile, const std::string& message) {
    std::ofstream log(logFile, std::ios::app);
    const std::time_t now = std::time(nullptr);
    char stamp[32] = "";
    if (const std::tm* local = std::localtime(&now)) std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", local);
    log << stamp << " Warning settlebridge: " << message << "\n";
}

bool startsWith(const std::string& text, const char* prefix) {
    return text.rfind(prefix, 0) == 0;
}

}  // namespace

bool hasConsole() {
    const HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    return out != nullptr && out != INVALID_HANDLE_VALUE;
}

std::filesystem::path exeDirectory() {
    std::wstring exe(32768, L'\0');
    const DWORD length = GetModuleFileNameW(nullptr, exe.data(), static_cast<DWORD>(exe.size()));
    if (length == 0 || length >= exe.size()) return {};
    exe.resize(length);
    return std::filesystem::path(exe).parent_path();
}

bool isServiceOption(const std::string& arg) {
    for (const char* option :
         {"/registerService", "/unregisterService", "/displayName=", "/description=", "/startup="}) {
        if (startsWith(arg, option)) return true;
    }
    return false;
}

int runWindowsService(const std::vector<std::string>& serviceOptions) {
    Settings settings;
    try {
        settings = loadSettings(Arguments({"serve"}, 1, {}, {}));
    } catch (const SettingsError& e) {
        std::cerr << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    }
    if (serviceOptions.empty()) {  // started by the service control manager
        // The data directory may only be opened by SYSTEM and Administrators; set at every start, so a directory
        // made by an older version (with C:\ProgramData's inherited ACL) is closed as well.
        std::error_code error;
        std::string problem;
        createDataDirectory(settings.dataDir, error);
        if (!error) protectDataDirectory(settings.dataDir, error);
        if (error) {
            problem = "could not restrict the data directory " + settings.dataDir.string() +
                      " to SYSTEM and Administrators: " + error.message();
        }
        if (settings.logFile.empty()) settings.logFile = (settings.dataDir / "settlebridge.log").string();
        if (!problem.empty()) logEarlyWarning(settings.logFile, problem);
    }
    return runDaemon(settings, "settlebridge", serviceOptions);
}

int serviceCommand(std::vector<std::string> options) {
    bool registering = false;
    bool named = false;
    bool described = false;
    bool started = false;
    for (const auto& option : options) {
        registering = registering || option == "/registerService";
        named = named || startsWith(option, "/displayName=");
        described = described || startsWith(option, "/description=");
        started = started || startsWith(option, "/startup=");
    }
    if (registering) {
        if (!named) options.emplace_back("/displayName=Settlebridge");
        if (!described) {
            options.emplace_back(
                "/description=Amazon settlements to QuickBooks Desktop: the Web Connector endpoint, "
                "the admin page (http://localhost:8080/) and the scheduled syncs.");
        }
        if (!started) options.emplace_back("/startup=auto");
    }
    const int rc = runWindowsService(options);
    if (rc == 0) {
        std::cout << "settlebridge: the Windows service \"settlebridge\" was "
                  << (registering ? "registered (start it with: net start settlebridge)" : "unregistered") << "\n";
    } else {
        std::cerr << "settlebridge: the service could not be " << (registering ? "registered" : "unregistered")
                  << " (exit code " << rc << "; run it from an administrator's command prompt)\n";
    }
    return rc;
}

}  // namespace settlebridge::app

#endif
