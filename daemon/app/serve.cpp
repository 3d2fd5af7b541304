// `settlebridge serve`: parses the options into Settings and runs the daemon. What the daemon serves and
// schedules (the Web Connector, the Amazon callback, the admin page, the syncs) is put together in daemon.cpp.
#include <iostream>

#include "daemon/app/arguments.hpp"
#include "daemon/app/cli.hpp"
#include "daemon/app/commands.hpp"
#include "daemon/app/daemon.hpp"
#include "daemon/app/settings.hpp"

namespace settlebridge::app {

int serveCommand(const std::vector<std::string>& args, std::ostream&, std::ostream& err) {
    const Arguments arguments(args, 1, commandSpec("serve"));
    if (!arguments.positional().empty()) throw UsageError("serve takes no positional arguments");
    Settings settings;
    try {
        settings = loadSettings(arguments);
    } catch (const SettingsError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    }
    return runDaemon(settings, "settlebridge");
}

}  // namespace settlebridge::app
