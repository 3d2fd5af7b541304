#pragma once
// Command-line argument handling shared by the commands: options, positionals, and the two error kinds.

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "daemon/app/command_table.hpp"

namespace settlebridge::app {

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

    /// The options of `spec` (command_table.hpp), the global ones, and --help: the one table decides what a
    /// command accepts.
    Arguments(const std::vector<std::string>& args, std::size_t first, const CommandSpec& spec)
        : Arguments(args, first, namesOf(spec, true), namesOf(spec, false)) {}

    bool has(const std::string& name) const { return values_.count(name) != 0; }
    std::string get(const std::string& name, const std::string& fallback = "") const {
        const auto it = values_.find(name);
        return it == values_.end() ? fallback : it->second;
    }
    const std::vector<std::string>& positional() const { return positional_; }

private:
    static std::vector<std::string> namesOf(const CommandSpec& spec, bool flags) {
        std::vector<std::string> names;
        if (flags) names.emplace_back("help");
        for (const auto* list : {&spec.options, &globalOptions()}) {
            for (const OptionSpec& option : *list) {
                if (option.flag() == flags) names.emplace_back(option.name);
            }
        }
        return names;
    }

    std::map<std::string, std::string> values_;
    std::vector<std::string> positional_;
};

}  // namespace settlebridge::app
