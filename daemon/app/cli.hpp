#pragma once
// The command line: `settlebridge <command> [options]`. One entry point for the CLI and the daemon.

#include <iosfwd>
#include <string>
#include <vector>

namespace settlebridge::app {

/// Exit codes shared by every command.
enum ExitCode : int {
    kExitOk = 0,           // done; for `summarize`: reconciled
    kExitUnreconciled = 1, // `summarize`: the documents do not net to the deposit
    kExitBadInput = 2,     // bad input or usage: message on stderr, nothing changed
    kExitFailure = 3,      // an operation failed (I/O, database, network)
};

/// Runs one command with explicit streams (tests call this directly).
int runCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// main(): argv → runCommand with std::cout / std::cerr.
int runCli(int argc, char** argv);

}  // namespace settlebridge::app
