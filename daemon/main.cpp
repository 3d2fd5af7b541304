// settlebridge: the one binary. Everything lives in the area libraries; this file only hands over.
#include "daemon/app/cli.hpp"

#ifdef _WIN32
// Windows only (installer/README.md): the arguments arrive as UTF-16 (wmain, linked with -municode) and become
// UTF-8; Poco is linked statically, so the network is started here (no automatic WSAStartup); and the same .exe is
// the Windows service (windows_service.hpp). HTTPS calls trust the CA bundle the MSI installs beside the .exe
// (ssl\cert.pem) and the Windows ROOT store (windows_trust.hpp).
#include <Poco/Net/Net.h>
#include <Poco/UnicodeConverter.h>

#include <string>
#include <utility>
#include <vector>

#include "daemon/app/windows_service.hpp"
#include "daemon/app/windows_trust.hpp"

int wmain(int argc, wchar_t** wargv) {
    using namespace settlebridge::app;
    Poco::Net::initializeNetwork();
    setUpWindowsTrust(exeDirectory());
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
    return runCli(argc, argv.data());
}

#else

int main(int argc, char** argv) { return settlebridge::app::runCli(argc, argv); }

#endif
