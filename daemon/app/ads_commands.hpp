#pragma once
// `settlebridge ads ...`: ads accounts, profiles, sync and spend (docs/ADS.md, docs/CLI.md).

#include <iosfwd>
#include <string>
#include <vector>

namespace settlebridge::app {

/// args[0] == "ads". Returns the exit code (cli.hpp).
int adsCommand(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace settlebridge::app
