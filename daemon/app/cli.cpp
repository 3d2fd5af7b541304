#include "daemon/app/cli.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "daemon/amazon/accounts.hpp"
#include "daemon/amazon/errors.hpp"
#include "daemon/app/amazon_commands.hpp"
#include "daemon/app/arguments.hpp"
#include "daemon/app/command_table.hpp"
#include "daemon/app/commands.hpp"
#include "daemon/store/unmapped_types.hpp"
#include "daemon/app/ads_commands.hpp"
#include "daemon/app/admin_commands.hpp"
#include "daemon/app/sellercloud_commands.hpp"
#include "soap/qwc.hpp"
#include "daemon/app/service.hpp"
#include "daemon/app/settings.hpp"
#include "daemon/app/summary_output.hpp"
#include "daemon/settlement/mapping.hpp"
#include "daemon/settlement/model.hpp"
#include "daemon/settlement/summarizer.hpp"
#include "daemon/settlement/timezone.hpp"
#include "qbxml/render.hpp"

#ifndef _WIN32
#include <sys/stat.h>
#endif

namespace settlebridge::app {

namespace {

constexpr const char* kVersion = "0.1.0";

int summarize(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    const Arguments arguments(args, 1, commandSpec("summarize"));
    if (arguments.positional().size() != 1) throw UsageError("summarize needs exactly one FILE");
    const std::string& file = arguments.positional().front();
    if (std::FILE* probe = std::fopen(file.c_str(), "rb")) {
        std::fclose(probe);
    } else {
        throw BadInput("cannot open " + file + ": " + std::strerror(errno));
    }
    const std::string format = arguments.get("format", "text");
    if (format != "text" && format != "json" && format != "qbxml") {
        throw UsageError("--format must be text, json or qbxml (got \"" + format + "\")");
    }

    std::optional<settlement::Mapping> mapping;
    if (arguments.has("map")) mapping = settlement::Mapping::loadFile(arguments.get("map"));

    settlement::SummarizeOptions options;
    options.splitMonths = arguments.has("split-months");
    options.grossMode = arguments.has("gross");
    options.taxRegistered = arguments.has("tax-registered");
    options.timeZone = arguments.get("time-zone");
    if (arguments.has("customer")) options.customerName = arguments.get("customer");
    if (mapping) options.mapping = &*mapping;

    const settlement::Summary summary = settlement::summarizeFile(file, options);

    if (format == "json") {
        writeSummaryJson(out, summary);
    } else if (format == "qbxml") {
        out << qbxml::renderPreview(summary, qbxml::RenderContext{});
    } else {
        writeSummaryText(out, summary);
    }
    if (!summary.reconciled) {
        err << "settlebridge: settlement " << summary.header.settlementId << " is not reconciled: "
            << (summary.grossMode ? "gross mode leaves fees out; " : "")
            << "difference " << common::formatCents(summary.difference) << " " << summary.header.currency << "\n";
        return kExitUnreconciled;
    }
    return kExitOk;
}

/// Where the command words end and what they name: the table entry, or a group ("company") without one.
struct Invocation {
    std::vector<std::string> args;  // the command words first, every global option moved after them
    std::string path;               // "company add", "company", or "" when the first word is no command
    std::size_t words = 0;          // how many of args are command words
    const CommandSpec* spec = nullptr;
};

bool isGlobalOption(const std::string& name) {
    for (const auto& option : globalOptions()) {
        if (option.name == name) return true;
    }
    return false;
}

/// Global options may come before the command, or between a group and its subcommand: they are moved after the
/// command words (as --name=value), where every command's Arguments accepts them.
Invocation parseInvocation(const std::vector<std::string>& args) {
    Invocation call;
    std::vector<std::string> words;
    std::vector<std::string> globals;
    std::size_t i = 0;
    while (i < args.size()) {
        const std::string& arg = args[i];
        if (arg.rfind("--", 0) == 0 && arg != "--help" && arg != "--version") {
            if (findCommand(call.path) != nullptr) break;  // a whole command: the rest is its own
            std::string name = arg.substr(2);
            const auto eq = name.find('=');
            if (eq != std::string::npos) name.resize(eq);
            if (!isGlobalOption(name)) {
                if (!call.path.empty()) break;  // the group's handler says what is missing
                throw UsageError("unknown option " + arg + " before the command (only --data-dir, --config, --database and "
                                 "--log-level go there)");
            }
            if (eq != std::string::npos) {
                globals.push_back(arg);
            } else if (i + 1 < args.size()) {
                globals.push_back("--" + name + "=" + args[++i]);
            } else {
                throw UsageError("option --" + name + " needs a value");
            }
            ++i;
            continue;
        }
        const std::string candidate = call.path.empty() ? arg : call.path + " " + arg;
        if (findCommand(candidate) == nullptr && !isGroup(candidate)) break;
        call.path = candidate;
        words.push_back(arg);
        ++i;
    }
    call.words = words.size();
    call.spec = findCommand(call.path);
    call.args = words;
    call.args.insert(call.args.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
    if (call.args.empty()) return call;  // only global options: no command
    call.args.insert(call.args.end(), globals.begin(), globals.end());
    return call;
}

/// True when the command line asks for help: --help or -h (not as an option's value), or `GROUP help`.
bool wantsHelp(const Invocation& call) {
    if (call.spec != nullptr) {
        const Arguments arguments(call.args, call.words, *call.spec);  // refuses unknown options first
        const auto& positional = arguments.positional();
        return arguments.has("help") || std::find(positional.begin(), positional.end(), "-h") != positional.end();
    }
    for (std::size_t i = call.words; i < call.args.size(); ++i) {
        if (call.args[i] == "--help" || call.args[i] == "-h" || (i == call.words && call.args[i] == "help")) return true;
    }
    return false;
}

std::string helpFor(const std::string& path) {
    if (const CommandSpec* spec = findCommand(path)) return commandHelp(*spec);
    if (isGroup(path)) return groupHelp(path);
    return overviewHelp();
}

/// `settlebridge help [COMMAND [SUBCOMMAND]]`.
int helpCommand(const std::vector<std::string>& args, std::ostream& out) {
    const std::vector<std::string> words(args.begin() + 1, args.end());
    std::vector<std::string> asked;
    for (const auto& word : words) {
        if (word.rfind("--", 0) != 0) asked.push_back(word);
    }
    std::size_t used = 0;
    const std::string path = matchPath(asked, used);
    if (used != asked.size()) {
        std::string name;
        for (const auto& word : asked) name += (name.empty() ? "" : " ") + word;
        throw UsageError("no command \"" + name + "\"");
    }
    out << helpFor(path);
    return kExitOk;
}

/// --log-level for the commands other than serve: their log messages (syncs, sends) go to standard error from that
/// level up.
void applyLogLevel(const Arguments& arguments) {
    if (!arguments.has("log-level")) return;
    const std::string level = arguments.get("log-level");
    checkLogLevel(level, "--log-level");
    Poco::AutoPtr<Poco::PatternFormatter> formatter(new Poco::PatternFormatter("%p %s: %t"));
    Poco::AutoPtr<Poco::ConsoleChannel> console(new Poco::ConsoleChannel(std::cerr));
    Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(formatter, console));
    Poco::Logger::root().setChannel(channel);
    Poco::Logger::setChannel("", channel);
    Poco::Logger::setLevel("", level == "none" ? 0 : Poco::Logger::parseLevel(level));
}

}  // namespace

int runCommand(const std::vector<std::string>& rawArgs, std::ostream& out, std::ostream& err) {
    Invocation call;
    try {
        call = parseInvocation(rawArgs);
    } catch (const UsageError& e) {
        err << "settlebridge: " << e.what() << "\n\n" << overviewHelp();
        return kExitBadInput;
    }
    const std::vector<std::string>& args = call.args;
    if (args.empty()) {
        err << overviewHelp();
        return kExitBadInput;
    }
    const std::string& command = args.front();
    try {
        if (wantsHelp(call)) {
            out << helpFor(call.path);
            return kExitOk;
        }
        if (command == "help") return helpCommand(args, out);
        if (call.spec != nullptr && call.path != "serve") applyLogLevel(Arguments(args, call.words, *call.spec));
        if (command == "completion") {
            const Arguments arguments(args, 1, commandSpec("completion"));
            if (arguments.positional() != std::vector<std::string>{"bash"}) throw UsageError("completion needs the shell: bash");
            if (!arguments.has("out")) {
                out << bashCompletion();
                return kExitOk;
            }
            std::ofstream file(arguments.get("out"), std::ios::binary | std::ios::trunc);
            if (!(file << bashCompletion()) || !file.flush()) throw BadInput("cannot write " + arguments.get("out"));
            return kExitOk;
        }
        if (command == "summarize") return summarize(args, out, err);
        if (command == "company") return companyCommand(args, std::cin, out, err);
        if (command == "import") return importCommand(args, out, err);
        if (command == "approve") return approveCommand(args, out, err);
        if (command == "retry") return retryCommand(args, out, err);
        if (command == "status") return statusCommand(args, out, err);
        if (command == "unmapped") return unmappedCommand(args, out, err);
        if (command == "tax-report") return taxReportCommand(args, out, err);
        if (command == "qwc") return qwcCommand(args, out, err);
        if (command == "serve") return serveCommand(args, out, err);
        if (command == "amazon") return amazonCommand(args, std::cin, out, err);
        if (command == "ads") return adsCommand(args, std::cin, out, err);
        if (command == "sellercloud") return sellercloudCommand(args, std::cin, out, err);
        if (command == "admin") return adminCommand(args, std::cin, out, err);
        if (command == "version" || command == "--version") {
            (void)Arguments(args, 1, commandSpec("version"));
            out << "settlebridge " << kVersion << "\n";
            return kExitOk;
        }
        throw UsageError("unknown command \"" + command + "\"");
    } catch (const UsageError& e) {
        err << "settlebridge: " << e.what() << "\n\n" << helpFor(call.path);
        return kExitBadInput;
    } catch (const ServiceError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const SettingsError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const posting::QueueError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const soap::QwcError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const BadInput& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const settlement::ParseError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const store::UnmappedMappingError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const settlement::MappingError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const settlement::TimeZoneError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const settlement::SummarizeError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const amazon::AccountError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const amazon::AmazonError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitFailure;
    } catch (const std::invalid_argument& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const std::exception& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitFailure;
    }
}

int runCli(int argc, char** argv) {
#ifndef _WIN32
    // Everything Settlebridge creates (the database and its WAL, logs, key files, exports) is its owner's alone.
    ::umask(077);
#endif
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
    return runCommand(args, std::cout, std::cerr);
}

}  // namespace settlebridge::app
