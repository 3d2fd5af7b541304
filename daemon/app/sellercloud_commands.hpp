#pragma once
// `settlebridge sellercloud ...`: connect, test, companies, map, link-rules, columns, link, send, log.
// See docs/SELLERCLOUD.md. Throws UsageError / BadInput / ServiceError for the dispatcher.

#include <iosfwd>
#include <string>
#include <vector>

namespace settlebridge::app {

int sellercloudCommand(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace settlebridge::app
