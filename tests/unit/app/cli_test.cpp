// The command line as a user meets it (issue 17 part 3): every command's --help (and `help COMMAND`) names every
// option the command accepts, both from the one command table; options not in the table are refused; the global
// options work before and after the command and resolve the data directory in one place; the bash completion
// generated from the table completes every command, subcommand and option (run through bash itself).
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "daemon/app/arguments.hpp"
#include "daemon/app/cli.hpp"
#include "daemon/app/command_table.hpp"
#include "daemon/app/settings.hpp"
#include "tests/unit/app/scratch_dir.hpp"

namespace settlebridge::app {
namespace {

namespace fs = std::filesystem;

struct CliRun {
    int code;
    std::string out;
    std::string err;
};

CliRun cli(const std::vector<std::string>& args) {
    std::ostringstream out;
    std::ostringstream err;
    const int code = runCommand(args, out, err);
    return {code, out.str(), err.str()};
}

std::vector<std::string> wordsOf(std::string_view path) {
    std::vector<std::string> words;
    std::istringstream in{std::string(path)};
    for (std::string w; in >> w;) words.push_back(w);
    return words;
}

class EnvGuard {
public:
    EnvGuard(const char* name, std::optional<std::string> value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value) ::setenv(name, value->c_str(), 1); else ::unsetenv(name);
    }
    ~EnvGuard() {
        if (old_) ::setenv(name_, old_->c_str(), 1); else ::unsetenv(name_);
    }
    EnvGuard(const EnvGuard&) = delete;
    EnvGuard& operator=(const EnvGuard&) = delete;

private:
    const char* name_;
    std::optional<std::string> old_;
};

TEST(CommandTable, EveryHelpNamesEveryOptionTheCommandAccepts) {
    ASSERT_GE(commandTable().size(), 35U);
    std::set<std::string> paths;
    for (const CommandSpec& spec : commandTable()) {
        SCOPED_TRACE(std::string(spec.path));
        EXPECT_TRUE(paths.insert(std::string(spec.path)).second) << "listed twice";
        EXPECT_FALSE(spec.summary.empty());
        ASSERT_FALSE(spec.examples.empty()) << "every command has an example";
        for (const auto example : spec.examples) {
            EXPECT_NE(example.find("settlebridge " + std::string(spec.path)), std::string_view::npos) << example;
        }

        std::vector<std::string> args = wordsOf(spec.path);
        args.push_back("--help");
        const CliRun help = cli(args);
        EXPECT_EQ(help.code, kExitOk) << help.err;
        EXPECT_EQ(help.err, "");
        EXPECT_EQ(help.out.rfind("usage: settlebridge " + std::string(spec.path), 0), 0U) << help.out;
        EXPECT_NE(help.out.find("example"), std::string::npos);
        std::set<std::string> names;
        for (const OptionSpec& option : spec.options) {
            EXPECT_TRUE(names.insert(std::string(option.name)).second) << "--" << option.name << " twice";
            EXPECT_NE(help.out.find("  --" + std::string(option.name) + (option.flag() ? "" : " ")), std::string::npos)
                << "the help lacks --" << option.name;
            EXPECT_FALSE(option.help.empty()) << "--" << option.name;
        }
        for (const OptionSpec& option : globalOptions()) {
            EXPECT_NE(help.out.find("  --" + std::string(option.name) + " "), std::string::npos);
        }
        // `help COMMAND [SUBCOMMAND]` and -h say the same.
        std::vector<std::string> asked{"help"};
        for (const auto& w : wordsOf(spec.path)) asked.push_back(w);
        EXPECT_EQ(cli(asked).out, help.out);
        args.back() = "-h";
        EXPECT_EQ(cli(args).out, help.out);

        // What the help lists is what the parser takes, and nothing else.
        std::vector<std::string> parsed = wordsOf(spec.path);
        const std::size_t first = parsed.size();
        for (const OptionSpec& option : spec.options) {
            parsed.push_back("--" + std::string(option.name));
            if (!option.flag()) parsed.push_back("x");
        }
        const Arguments arguments(parsed, first, spec);
        for (const OptionSpec& option : spec.options) EXPECT_TRUE(arguments.has(std::string(option.name)));
        EXPECT_TRUE(arguments.positional().empty());
        std::vector<std::string> unknown = wordsOf(spec.path);
        unknown.push_back("--no-such-option");
        const CliRun refused = cli(unknown);
        EXPECT_EQ(refused.code, kExitBadInput);
        EXPECT_EQ(refused.err.rfind("settlebridge: unknown option --no-such-option\n\nusage: settlebridge " +
                                        std::string(spec.path), 0),
                  0U)
            << refused.err;
    }
}

TEST(CommandTable, HelpForCommandsAndGroups) {
    // The report of issue 17: company add --help was "unknown option --help".
    CliRun r = cli({"company", "add", "--help"});
    EXPECT_EQ(r.code, kExitOk);
    EXPECT_NE(r.out.find("--auto-live-days N"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("printf '%s\\n' \"$PASSWORD\" | settlebridge company add"), std::string::npos) << r.out;
    // --help after other options and operands; a value that happens to be "--help" is a value.
    EXPECT_EQ(cli({"company", "add", "acme", "--mode", "live", "--help"}).code, kExitOk);
    EXPECT_EQ(cli({"summarize", "--customer", "--help", "--data-dir", "/nonexistent"}).code, kExitBadInput);
    for (const std::vector<std::string>& group :
         {std::vector<std::string>{"company", "--help"}, {"help", "company"}, {"ads", "help"}, {"sellercloud", "help"},
          {"sellercloud", "--help"}, {"amazon", "-h"}, {"ads", "profile", "--help"}}) {
        r = cli(group);
        EXPECT_EQ(r.code, kExitOk) << group.front();
        EXPECT_NE(r.out.find("subcommands:"), std::string::npos) << r.out;
    }
    r = cli({"help"});
    EXPECT_EQ(r.code, kExitOk);
    for (const CommandSpec& spec : commandTable()) EXPECT_NE(r.out.find("  " + std::string(spec.path)), std::string::npos);
    EXPECT_EQ(cli({"--help"}).out, r.out);
    r = cli({"help", "company", "nope"});
    EXPECT_EQ(r.code, kExitBadInput);
    EXPECT_NE(r.err.find("no command \"company nope\""), std::string::npos) << r.err;
    r = cli({"company"});
    EXPECT_EQ(r.code, kExitBadInput);
    EXPECT_NE(r.err.find("company needs a subcommand"), std::string::npos);
    EXPECT_NE(r.err.find("subcommands:"), std::string::npos);
    r = cli({"company", "rename", "x"});
    EXPECT_EQ(r.code, kExitBadInput);
    EXPECT_NE(r.err.find("unknown company subcommand \"rename\""), std::string::npos) << r.err;
    r = cli({"frobnicate"});
    EXPECT_EQ(r.code, kExitBadInput);
    EXPECT_NE(r.err.find("unknown command \"frobnicate\""), std::string::npos);
}

TEST(GlobalOptions, BeforeOrAfterTheCommand) {
    const testing::ScratchDir scratch("sb-cli-global");
    const EnvGuard noEnv("SETTLEBRIDGE_DATA_DIR", std::nullopt);
    const EnvGuard password("SETTLEBRIDGE_PASSWORD", "password123");
    const std::string dir = (scratch.path() / "data").string();

    // The report of issue 17: --data-dir before the command was "unknown command".
    CliRun r = cli({"--data-dir", dir, "company", "add", "acme"});
    ASSERT_EQ(r.code, kExitOk) << r.err;
    EXPECT_TRUE(fs::exists(fs::path(dir) / "settlebridge.db"));
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"company", "list", "--data-dir", dir}, {"--data-dir=" + dir, "company", "list"},
          {"company", "--data-dir", dir, "list"}, {"--log-level", "error", "company", "list", "--data-dir=" + dir},
          {"company", "list", "--data-dir", dir, "--log-level=warning"}}) {
        SCOPED_TRACE(args.front() + " " + args[1]);
        r = cli(args);
        EXPECT_EQ(r.code, kExitOk) << r.err;
        EXPECT_EQ(r.out.rfind("acme\t", 0), 0U) << r.out;
    }
    // Before the command only the global options go.
    r = cli({"--format", "json", "status"});
    EXPECT_EQ(r.code, kExitBadInput);
    EXPECT_NE(r.err.find("unknown option --format before the command"), std::string::npos) << r.err;
    r = cli({"--data-dir"});
    EXPECT_EQ(r.code, kExitBadInput);
    EXPECT_NE(r.err.find("--data-dir needs a value"), std::string::npos) << r.err;
    r = cli({"--data-dir", dir});
    EXPECT_EQ(r.code, kExitBadInput);
    EXPECT_NE(r.err.find("usage: settlebridge"), std::string::npos);
    r = cli({"--log-level", "loud", "status", "--data-dir", dir});
    EXPECT_EQ(r.code, kExitBadInput);
    EXPECT_NE(r.err.find("--log-level must be one of"), std::string::npos) << r.err;
    // Commands that use no data take them too (the demo passes --data-dir to everything).
    r = cli({"--data-dir", dir, "version"});
    EXPECT_EQ(r.code, kExitOk);
    EXPECT_EQ(r.out.rfind("settlebridge ", 0), 0U);
    // And the help of a command given global options before it.
    r = cli({"--data-dir", dir, "status", "--help"});
    EXPECT_EQ(r.code, kExitOk);
    EXPECT_EQ(r.out.rfind("usage: settlebridge status", 0), 0U);
}

TEST(GlobalOptions, ConfigNamesTheDataDirectoryOfEveryCommand) {
    const testing::ScratchDir scratch("sb-cli-config");
    const EnvGuard env("SETTLEBRIDGE_DATA_DIR", (scratch.path() / "from-env").string());
    const fs::path config = scratch.path() / "settlebridge.properties";
    std::ofstream(config) << "settlebridge.data_dir = " << (scratch.path() / "from-config").string() << "\n";
    const fs::path bare = scratch.path() / "bare.properties";
    std::ofstream(bare) << "settlebridge.port = 8081\n";

    auto dirOf = [](std::vector<std::string> args) {
        args.insert(args.begin(), "status");
        return dataDirOf(Arguments(args, 1, commandSpec("status")));
    };
    // --data-dir > --config's data_dir > $SETTLEBRIDGE_DATA_DIR (> the system file > the platform's).
    EXPECT_EQ(dirOf({"--config", config.string(), "--data-dir", "/x"}), fs::path("/x"));
    EXPECT_EQ(dirOf({"--config", config.string()}), scratch.path() / "from-config");
    EXPECT_EQ(dirOf({"--config", bare.string()}), scratch.path() / "from-env");
    EXPECT_EQ(dirOf({}), scratch.path() / "from-env");
    EXPECT_THROW(dirOf({"--config", (scratch.path() / "missing.properties").string()}), SettingsError);
    EXPECT_THROW(dirOf({"--data-dir", ""}), SettingsError);
    // serve resolves it the same way.
    EXPECT_EQ(loadSettings(Arguments({"serve", "--config", config.string()}, 1, commandSpec("serve"))).dataDir,
              scratch.path() / "from-config");
    EXPECT_EQ(loadSettings(Arguments({"serve", "--config", bare.string()}, 1, commandSpec("serve"))).dataDir,
              scratch.path() / "from-env");

    // Through the command line, before and after the command.
    CliRun r = cli({"--config", config.string(), "status"});
    ASSERT_EQ(r.code, kExitOk) << r.err;
    EXPECT_TRUE(fs::exists(scratch.path() / "from-config" / "settlebridge.db"));
    EXPECT_FALSE(fs::exists(scratch.path() / "from-env"));
    r = cli({"status", "--config", (scratch.path() / "missing.properties").string()});
    EXPECT_EQ(r.code, kExitBadInput);
    EXPECT_NE(r.err.find("cannot read the configuration file"), std::string::npos) << r.err;
}

/// Runs bash with the generated completion and a list of command lines; returns what each completes to.
std::vector<std::string> complete(const fs::path& dir, const std::vector<std::vector<std::string>>& lines) {
    const fs::path script = dir / "completion.bash";
    std::ofstream(script) << bashCompletion();
    const fs::path driver = dir / "driver.bash";
    std::ofstream d(driver);
    d << "source " << script << "\n";
    for (const auto& words : lines) {
        d << "COMP_WORDS=(settlebridge";
        for (const auto& w : words) d << " '" << w << "'";
        d << "); COMP_CWORD=" << words.size() << "; COMPREPLY=(); _settlebridge; echo \"${COMPREPLY[*]}\"\n";
    }
    d.close();
    const std::string command = "cd " + dir.string() + " && bash " + driver.string() + " 2>&1";
    std::FILE* pipe = ::popen(command.c_str(), "r");
    std::vector<std::string> answers;
    if (pipe == nullptr) return answers;
    char buffer[4096];
    std::string text;
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) text += buffer;
    ::pclose(pipe);
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) answers.push_back(" " + line + " ");
    return answers;
}

TEST(BashCompletion, KnowsEveryCommandSubcommandAndOption) {
    if (std::system("bash -c true >/dev/null 2>&1") != 0) GTEST_SKIP() << "no bash on this machine";
    const testing::ScratchDir scratch("sb-cli-completion");
    std::vector<std::vector<std::string>> lines;
    std::vector<std::string> expected;
    for (const CommandSpec& spec : commandTable()) {
        const std::vector<std::string> words = wordsOf(spec.path);
        // Each word of the path, typed up to its first letter, completes to itself.
        for (std::size_t i = 0; i < words.size(); ++i) {
            std::vector<std::string> line(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(i));
            line.push_back(words[i].substr(0, 1));
            lines.push_back(line);
            expected.push_back(words[i]);
        }
        // Every option (and the global ones) after the command, after other options and their values.
        for (const OptionSpec& option : spec.options) {
            std::vector<std::string> line = words;
            line.push_back("--data-dir");
            line.push_back("/tmp");
            line.push_back("--" + std::string(option.name).substr(0, 1));
            lines.push_back(line);
            expected.push_back("--" + std::string(option.name));
        }
        for (const OptionSpec& option : globalOptions()) {
            std::vector<std::string> line = words;
            line.push_back("--" + std::string(option.name).substr(0, 3));
            lines.push_back(line);
            expected.push_back("--" + std::string(option.name));
        }
    }
    // Values of options that list their choices, and global options before the command.
    lines.push_back({"status", "--format", ""});
    expected.push_back("json");
    lines.push_back({"company", "add", "acme", "--mode", "l"});
    expected.push_back("live");
    lines.push_back({"--data-dir", "/tmp", "comp"});
    expected.push_back("company");
    lines.push_back({"--log-level=debug", "company", "li"});
    expected.push_back("list");
    const std::vector<std::string> answers = complete(scratch.path(), lines);
    ASSERT_EQ(answers.size(), lines.size()) << (answers.empty() ? "bash gave nothing" : answers.front());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string typed;
        for (const auto& w : lines[i]) typed += " " + w;
        EXPECT_NE(answers[i].find(" " + expected[i] + " "), std::string::npos)
            << "settlebridge" << typed << "<TAB> offered [" << answers[i] << "], not " << expected[i];
    }
    // An option of another command is not offered.
    const auto other = complete(scratch.path(), {{"status", "--aut"}});
    ASSERT_EQ(other.size(), 1U);
    EXPECT_EQ(other.front(), "  ");
}

TEST(BashCompletion, TheCompletionCommandPrintsTheScript) {
    const CliRun r = cli({"completion", "bash"});
    EXPECT_EQ(r.code, kExitOk);
    EXPECT_EQ(r.out, bashCompletion());
    EXPECT_NE(r.out.find("complete -F _settlebridge settlebridge"), std::string::npos);
    EXPECT_EQ(cli({"completion", "zsh"}).code, kExitBadInput);
}

}  // namespace
}  // namespace settlebridge::app
