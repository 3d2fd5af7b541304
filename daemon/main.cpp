// settlebridge: the one binary. Everything lives in the area libraries; this file only hands over.
#include "daemon/app/cli.hpp"

#ifdef _WIN32
// Windows only (installer/README.md): the arguments arrive as UTF-16 (wmain, linked with -municode) and become
// UTF-8; Poco is linked statically, so the network is started here (no automatic WSAStartup); and the same .exe is
// the Windows service. Poco registers the service as the bare .exe (no `serve`), so a start without arguments and
// without a console is the service control manager's: it runs the daemon, logging to <data dir>\settlebridge.log
// unless the properties file names another log. Poco's service options (/registerService [/displayName=]
// [/description=] [/startup=], /unregisterService) go to Poco's ServerApplication, with Settlebridge's name,
// description and automatic start as defaults. OpenSSL on Windows does not read the Windows certificate store: the
// MSI installs a CA bundle beside the .exe (ssl\cert.pem), which HTTPS calls trust unless SSL_CERT_FILE names
// another file.
#include <Poco/Net/Net.h>
#include <Poco/UnicodeConverter.h>
#include <windows.h>

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "daemon/app/arguments.hpp"
#include "daemon/app/daemon.hpp"
#include "daemon/app/settings.hpp"

namespace {

bool hasConsole() {
    const HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    return out != nullptr && out != INVALID_HANDLE_VALUE;
}

void useBundledCertificates() {
    if (_wgetenv(L"SSL_CERT_FILE") != nullptr) return;
    std::wstring exe(32768, L'\0');
    const DWORD length = GetModuleFileNameW(nullptr, exe.data(), static_cast<DWORD>(exe.size()));
    if (length == 0 || length >= exe.size()) return;
    exe.resize(length);
    const std::filesystem::path bundle = std::filesystem::path(exe).parent_path() / "ssl" / "cert.pem";
    std::error_code error;
    if (std::filesystem::is_regular_file(bundle, error)) _wputenv_s(L"SSL_CERT_FILE", bundle.c_str());
}

bool startsWith(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

bool isServiceOption(const std::string& arg) {
    for (const char* option : {"/registerService", "/unregisterService", "/displayName=", "/description=", "/startup="}) {
        if (startsWith(arg, option)) return true;
    }
    return false;
}

int runWindowsService(const std::vector<std::string>& serviceOptions) {
    using namespace settlebridge::app;
    Settings settings;
    try {
        settings = loadSettings(Arguments({"serve"}, 1, {}, {}));
    } catch (const SettingsError& e) {
        std::cerr << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    }
    if (serviceOptions.empty() && settings.logFile.empty()) {
        std::error_code error;
        std::filesystem::create_directories(settings.dataDir, error);
        settings.logFile = (settings.dataDir / "settlebridge.log").string();
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
            options.emplace_back("/description=Amazon settlements to QuickBooks Desktop: the Web Connector endpoint, "
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

}  // namespace

int wmain(int argc, wchar_t** wargv) {
    Poco::Net::initializeNetwork();
    useBundledCertificates();
    std::vector<std::string> args;
    for (int i = 0; i < argc; ++i) {
        std::string arg;
        Poco::UnicodeConverter::toUTF8(wargv[i], arg);
        args.push_back(std::move(arg));
    }
    if (args.size() == 1 && !hasConsole()) return runWindowsService({});
    if (args.size() > 1 && isServiceOption(args[1])) return serviceCommand({args.begin() + 1, args.end()});
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    return settlebridge::app::runCli(argc, argv.data());
}

#else

int main(int argc, char** argv) { return settlebridge::app::runCli(argc, argv); }

#endif
