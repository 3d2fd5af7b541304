#pragma once
// Windows only (installer/README.md): the same .exe is the Windows service. Poco registers the service as the bare
// .exe (no `serve`), so a start without arguments and without a console is the service control manager's: it runs
// the daemon, logging to <data dir>\settlebridge.log unless the properties file names another log, and first
// restricts the data directory to SYSTEM and Administrators (data_directory.hpp). Poco's service options
// (/registerService [/displayName=] [/description=] [/startup=], /unregisterService) go to Poco's
// ServerApplication, with Settlebridge's name, description and automatic start as defaults. daemon/main.cpp's wmain
// decides which of these runs.

#ifdef _WIN32

#include <filesystem>
#include <string>
#include <vector>

namespace settlebridge::app {

/// Whether this process has a console (a start by the service control manager has none).
bool hasConsole();

/// The folder of settlebridge.exe; empty when Windows does not say.
std::filesystem::path exeDirectory();

/// Whether `arg` is one of Poco's service options (/registerService, /unregisterService, /displayName=, ...).
bool isServiceOption(const std::string& arg);

/// Runs the daemon as the Windows service (no options: started by the service control manager) or hands Poco's
/// service options to its ServerApplication; returns the exit code.
int runWindowsService(const std::vector<std::string>& serviceOptions);

/// `settlebridge /registerService ...` or `/unregisterService`: fills in Settlebridge's defaults, runs it and says
/// what happened; returns the exit code.
int serviceCommand(std::vector<std::string> options);

}  // namespace settlebridge::app

#endif
