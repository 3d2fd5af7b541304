#pragma once
// The command table: every command and subcommand of `settlebridge`, its operands, options, help and an example, in
// one place. The argument parser takes a command's options from here (Arguments(args, first, spec)), `--help` and
// `settlebridge help ...` print from here, and the bash completion is generated from here, so the three cannot
// drift: a command or option added to the table is parsed, documented and completed; one missing from it is refused.
//
//     const CommandSpec& spec = commandSpec("company add");
//     const Arguments arguments(args, 2, spec);   // spec's options + the global ones; anything else is refused
//
// Adding a command: a CommandSpec entry in command_table.cpp (path, operands, summary, options, example) and its
// dispatch in cli.cpp; tests/unit/app/cli_test.cpp checks every entry's help and the completion.

#include <string>
#include <string_view>
#include <vector>

namespace settlebridge::app {

/// One option: `--name VALUE` (value names what it takes: "NAME", "text|json" lists the choices) or a flag
/// (value "").
struct OptionSpec {
    std::string_view name;   // without the leading "--"
    std::string_view value;  // "" = a flag
    std::string_view help;
    bool flag() const noexcept { return value.empty(); }
};

struct CommandSpec {
    std::string_view path;      // "company add", "ads profile set"; a group ("company") has no entry of its own
    std::string_view operands;  // "NAME", "FILE", "" for none
    std::string_view summary;   // what it does (may hold several lines)
    std::vector<OptionSpec> options;
    std::vector<std::string_view> examples;
    bool usesDataDir = true;  // false: summarize, version, help (the global options are accepted and ignored)
};

/// Every command, in the order `settlebridge help` lists them.
const std::vector<CommandSpec>& commandTable();

/// --data-dir DIR, --config FILE, --log-level LEVEL: accepted by every command, before or after it (docs/CLI.md).
const std::vector<OptionSpec>& globalOptions();

/// The entry whose path is `path`, or nullptr.
const CommandSpec* findCommand(std::string_view path);
/// The entry whose path is `path`; throws std::logic_error when there is none (a programming error).
const CommandSpec& commandSpec(std::string_view path);

/// The groups (commands that have subcommands: "company", "amazon", "ads", "ads profile", "sellercloud", and
/// "unmapped", which is also a command).
bool isGroup(std::string_view path);

/// The longest command path made of the words at the start of `words` that names an entry or a group ("" when the
/// first word is neither). `used` is set to how many words it took.
std::string matchPath(const std::vector<std::string>& words, std::size_t& used);

/// `settlebridge help`: every command, one line each.
std::string overviewHelp();
/// `settlebridge COMMAND --help`: usage line, what it does, its options, the global options, examples.
std::string commandHelp(const CommandSpec& spec);
/// `settlebridge GROUP --help`: its subcommands, one line each.
std::string groupHelp(std::string_view group);

/// The bash completion script (installer: /usr/share/bash-completion/completions/settlebridge): commands,
/// subcommands, options, and the values of options that list their choices, all from the table.
std::string bashCompletion();

}  // namespace settlebridge::app
