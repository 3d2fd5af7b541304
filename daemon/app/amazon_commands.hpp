#pragma once
// `settlebridge amazon …`: the operator's SP-API app, seller connections (Connect with Amazon or a pasted
// refresh token), test, list, settings, sync now, and the reports each sync saw.

#include <iosfwd>
#include <string>
#include <vector>

namespace settlebridge::app {

int amazonCommand(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace settlebridge::app
