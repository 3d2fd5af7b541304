#pragma once
// `settlebridge serve`: the daemon. A Poco ServerApplication (so `--daemon --pidfile` on Unix and the service
// mode on Windows come from Poco) that holds no state the database does not: the HTTP(S) front (the Web
// Connector at /qbwc, the Amazon consent callback, the admin page), and the scheduler running the syncs.
//
// Start-up: logging, data directory + database (migrated), secrets key, the servers, the schedules.
// Shutdown on SIGTERM/SIGINT (or ServerApplication::terminate()): the HTTP server first (requests in flight get
// their answer), then the scheduler (waits and syncs are interrupted through their stop_token), then the
// database.

#include <vector>
#include <string>

#include "daemon/app/settings.hpp"

namespace settlebridge::app {

/// Runs the daemon until it is told to stop; returns the process exit code. `argv0` names the program (Poco
/// needs it for --daemon and the Windows service registration).
int runDaemon(const Settings& settings, const std::string& argv0, const std::vector<std::string>& platformArgs = {});

}  // namespace settlebridge::app
