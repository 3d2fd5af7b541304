#include "daemon/app/cli.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "daemon/app/summary_output.hpp"
#include "daemon/settlement/mapping.hpp"
#include "daemon/settlement/model.hpp"
#include "daemon/settlement/summarizer.hpp"
#include "daemon/settlement/timezone.hpp"
#include "qbxml/render.hpp"

namespace settlebridge::app {

namespace {

constexpr const char* kVersion = "0.1.0";

/// A usage problem: reported with the command's help, exit code 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Bad input that is not a usage problem (a file that cannot be opened): message only, exit code 2.
class BadInput : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Options of the form `--name value`, `--name=value` and `--flag`, plus positional arguments.
class Arguments {
public:
    Arguments(const std::vector<std::string>& args, std::size_t first, std::vector<std::string> flags,
              std::vector<std::string> valued) {
        auto known = [](const std::vector<std::string>& list, const std::string& name) {
            for (const auto& item : list)
                if (item == name) return true;
            return false;
        };
        for (std::size_t i = first; i < args.size(); ++i) {
            const std::string& arg = args[i];
            if (arg.rfind("--", 0) != 0 || arg == "--") {
                positional_.push_back(arg);
                continue;
            }
            std::string name = arg.substr(2);
            std::optional<std::string> inlineValue;
            if (const auto eq = name.find('='); eq != std::string::npos) {
                inlineValue = name.substr(eq + 1);
                name.resize(eq);
            }
            if (known(flags, name)) {
                if (inlineValue) throw UsageError("option --" + name + " takes no value");
                values_[name] = "";
            } else if (known(valued, name)) {
                if (inlineValue) {
                    values_[name] = *inlineValue;
                } else if (i + 1 < args.size()) {
                    values_[name] = args[++i];
                } else {
                    throw UsageError("option --" + name + " needs a value");
                }
            } else {
                throw UsageError("unknown option --" + name);
            }
        }
    }

    bool has(const std::string& name) const { return values_.count(name) != 0; }
    std::string get(const std::string& name, const std::string& fallback = "") const {
        const auto it = values_.find(name);
        return it == values_.end() ? fallback : it->second;
    }
    const std::vector<std::string>& positional() const { return positional_; }

private:
    std::map<std::string, std::string> values_;
    std::vector<std::string> positional_;
};

const char* kUsage =
    "usage: settlebridge <command> [options]\n"
    "\n"
    "commands:\n"
    "  summarize FILE [--format text|json|qbxml] [--split-months] [--map MAPFILE]\n"
    "                 [--time-zone ZONE] [--customer NAME] [--gross]\n"
    "      Summarize one Amazon settlement report (Flat File V2 or the legacy flat file) into the\n"
    "      sales receipt and credit memo that would be posted to QuickBooks.\n"
    "      Exit codes: 0 reconciled to the deposit, 1 not reconciled, 2 bad input.\n"
    "  version        Print the version.\n"
    "  help           Print this help.\n";

int summarize(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    const Arguments arguments(args, 1, {"split-months", "gross"}, {"format", "map", "time-zone", "customer"});
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
            << "difference " << settlement::formatCents(summary.difference) << " " << summary.header.currency << "\n";
        return kExitUnreconciled;
    }
    return kExitOk;
}

}  // namespace

int runCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.empty()) {
        err << kUsage;
        return kExitBadInput;
    }
    const std::string& command = args.front();
    try {
        if (command == "summarize") return summarize(args, out, err);
        if (command == "version" || command == "--version") {
            out << "settlebridge " << kVersion << "\n";
            return kExitOk;
        }
        if (command == "help" || command == "--help" || command == "-h") {
            out << kUsage;
            return kExitOk;
        }
        throw UsageError("unknown command \"" + command + "\"");
    } catch (const UsageError& e) {
        err << "settlebridge: " << e.what() << "\n\n" << kUsage;
        return kExitBadInput;
    } catch (const BadInput& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const settlement::ParseError& e) {
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
    } catch (const std::invalid_argument& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const std::exception& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitFailure;
    }
}

int runCli(int argc, char** argv) {
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
    return runCommand(args, std::cout, std::cerr);
}

}  // namespace settlebridge::app
