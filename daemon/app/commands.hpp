#pragma once
// The commands that work on a data directory: companies, import, approve, retry, status, qwc, serve.
// Each returns an exit code (see cli.hpp) and throws UsageError / BadInput / ServiceError for the dispatcher.

#include <iosfwd>
#include <string>
#include <vector>

namespace settlebridge::app {

int companyCommand(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);
int importCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int approveCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int retryCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int taxReportCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int statusCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int qwcCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int serveCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
/// `unmapped --company NAME [--format text|json]`: the kinds of rows no rule maps, across every settlement;
/// `unmapped map --company NAME --transaction-type T --amount-type A --description D --category KEY` maps one.
int unmappedCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace settlebridge::app
