#pragma once
// `settlebridge admin add NAME` and `settlebridge admin reset-password NAME`: the admin page's users, made by
// someone at the machine (the page's own first-run form answers only on this machine's loopback address). The
// password comes from $SETTLEBRIDGE_PASSWORD or the first line of standard input, never the command line.
// Throws UsageError / BadInput / ServiceError for the dispatcher.

#include <iosfwd>
#include <string>
#include <vector>

namespace settlebridge::app {

int adminCommand(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace settlebridge::app
