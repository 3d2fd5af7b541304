#include "daemon/app/admin_commands.hpp"

#include <cstdlib>
#include <filesystem>
#include <istream>
#include <ostream>

#include "daemon/admin/auth.hpp"
#include "daemon/app/arguments.hpp"
#include "daemon/app/cli.hpp"
#include "daemon/app/command_table.hpp"
#include "daemon/app/service.hpp"
#include "daemon/app/settings.hpp"
#include "daemon/store/admin_users.hpp"

namespace settlebridge::app {

namespace {

std::string readAdminPassword(std::istream& in) {
    if (const char* env = std::getenv("SETTLEBRIDGE_PASSWORD"); env != nullptr && *env != '\0') return env;
    std::string line;
    if (!std::getline(in, line)) {
        throw BadInput("no password: set SETTLEBRIDGE_PASSWORD or give it on the first line of standard input");
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (const std::string problem = admin::Auth::passwordProblem(line); !problem.empty()) throw BadInput(problem);
    return line;
}

}  // namespace

int adminCommand(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream&) {
    if (args.size() < 2) throw UsageError("admin needs a subcommand: add or reset-password");
    const std::string& sub = args[1];
    if (sub != "add" && sub != "reset-password") throw UsageError("unknown admin subcommand \"" + sub + "\"");
    const Arguments arguments(args, 2, commandSpec("admin " + sub));
    if (arguments.positional().size() != 1) throw UsageError("admin " + sub + " needs exactly one NAME");
    const std::string& name = arguments.positional().front();
    if (name.empty() || name.size() > 64) throw BadInput("the user name needs 1 to 64 characters");
    for (const unsigned char c : name) {
        if (c < 0x20 || c == 0x7f) throw BadInput("the user name cannot contain control characters");
    }
    const std::string password = readAdminPassword(in);
    Service service(dataDirOf(arguments), databaseOf(arguments));
    const store::Timestamp now = nowSeconds();
    if (sub == "add") {
        service.store().write([&](store::Tx& tx) {
            store::AdminUsers users(tx.database());
            if (users.findByName(name)) throw BadInput("the admin user \"" + name + "\" exists already");
            users.create(name, password, now);
            tx.events().add(now, std::nullopt, store::EventLevel::Info,
                            "admin user \"" + name + "\" created from the command line");
        });
        out << "admin user \"" << name << "\" added; log in on the admin page\n";
        return kExitOk;
    }
    const int ended = service.store().write([&](store::Tx& tx) {
        store::AdminUsers users(tx.database());
        const auto user = users.findByName(name);
        if (!user) throw BadInput("no admin user \"" + name + "\"");
        users.setPassword(user->id, password, now);
        const int sessions = store::AdminSessions(tx.database()).removeForUser(user->id);
        tx.events().add(now, std::nullopt, store::EventLevel::Info,
                        "admin user \"" + name + "\": password reset from the command line");
        return sessions;
    });
    out << "admin user \"" << name << "\": password changed; " << ended << " open session(s) ended\n";
    return kExitOk;
}

}  // namespace settlebridge::app
