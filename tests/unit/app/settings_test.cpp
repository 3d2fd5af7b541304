// daemon/app/settings: where a command finds its data directory when it is given no --data-dir
// (--data-dir > $SETTLEBRIDGE_DATA_DIR > settlebridge.data_dir of the system properties file > the platform's
// default), and the properties file's data_dir as `serve` reads it.
#include "daemon/app/settings.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <unistd.h>

#include "daemon/app/arguments.hpp"
#include "daemon/app/cli.hpp"
#include "daemon/app/service.hpp"
#include "tests/unit/app/scratch_dir.hpp"

namespace settlebridge::app {
namespace {

namespace fs = std::filesystem;

/// Sets (or unsets) an environment variable for one test and puts the old value back.
class ScopedEnv {
public:
    ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value) {
            ::setenv(name, value->c_str(), 1);
        } else {
            ::unsetenv(name);
        }
    }
    ~ScopedEnv() {
        if (old_) {
            ::setenv(name_, old_->c_str(), 1);
        } else {
            ::unsetenv(name_);
        }
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* name_;
    std::optional<std::string> old_;
};

class DataDirTest : public ::testing::Test {
protected:
    fs::path writeConfig(const std::string& text) const {
        const fs::path file = root_ / "settlebridge.properties";
        std::ofstream(file) << text;
        return file;
    }

    testing::ScratchDir scratch_{"settlebridge-settings"};
    const fs::path root_ = scratch_.path();
    ScopedEnv noEnvDataDir_{"SETTLEBRIDGE_DATA_DIR", std::nullopt};
};

TEST_F(DataDirTest, TheConfigFilesDataDirIsTheDefaultWhenNoEnvironmentVariableIsSet) {
    const fs::path file = writeConfig("# installed settings\nsettlebridge.data_dir = " + (root_ / "var").string() +
                                      "\nsettlebridge.port = 8080\n");
    EXPECT_EQ(defaultDataDirFrom(file), root_ / "var");
}

TEST_F(DataDirTest, TheEnvironmentVariableWinsOverTheConfigFile) {
    const fs::path file = writeConfig("settlebridge.data_dir = " + (root_ / "var").string() + "\n");
    const ScopedEnv env("SETTLEBRIDGE_DATA_DIR", (root_ / "from-env").string());
    EXPECT_EQ(defaultDataDirFrom(file), root_ / "from-env");
}

TEST_F(DataDirTest, AnEmptyEnvironmentVariableCountsAsUnset) {
    const fs::path file = writeConfig("settlebridge.data_dir = " + (root_ / "var").string() + "\n");
    const ScopedEnv env("SETTLEBRIDGE_DATA_DIR", std::string());
    EXPECT_EQ(defaultDataDirFrom(file), root_ / "var");
}

TEST_F(DataDirTest, WithoutTheFileOrTheKeyItIsThePlatformDefault) {
    EXPECT_EQ(defaultDataDirFrom(root_ / "missing.properties"), platformDataDir());
    EXPECT_EQ(defaultDataDirFrom(writeConfig("settlebridge.port = 8080\n")), platformDataDir());
    EXPECT_EQ(defaultDataDirFrom(fs::path()), platformDataDir());
}

TEST_F(DataDirTest, ARelativeDataDirIsTakenFromTheWorkingDirectory) {
    const fs::path file = writeConfig("settlebridge.data_dir = relative/data\n");
    EXPECT_EQ(defaultDataDirFrom(file), (fs::current_path() / "relative" / "data").lexically_normal());
}

TEST_F(DataDirTest, AnEmptyDataDirOrAnUnreadableFileIsASettingsError) {
    const fs::path empty = writeConfig("settlebridge.data_dir =\n");
    try {
        defaultDataDirFrom(empty);
        FAIL() << "an empty settlebridge.data_dir was accepted";
    } catch (const SettingsError& e) {
        EXPECT_NE(std::string(e.what()).find(empty.string() + ": settlebridge.data_dir is empty"), std::string::npos)
            << e.what();
    }
    const fs::path folder = root_ / "a-folder.properties";  // exists, but cannot be read as a file
    fs::create_directories(folder);
    try {
        defaultDataDirFrom(folder);
        FAIL() << "a folder was read as a properties file";
    } catch (const SettingsError& e) {
        EXPECT_NE(std::string(e.what()).find("cannot read the configuration file " + folder.string()), std::string::npos)
            << e.what();
    }
}

TEST_F(DataDirTest, ThePlatformDefaultFollowsTheUser) {
    if (::geteuid() == 0) {
        EXPECT_EQ(platformDataDir(), fs::path("/var/lib/settlebridge"));
    } else {
        const ScopedEnv xdg("XDG_DATA_HOME", (root_ / "xdg").string());
        EXPECT_EQ(platformDataDir(), root_ / "xdg" / "settlebridge");
        const ScopedEnv noXdg("XDG_DATA_HOME", std::nullopt);
        const ScopedEnv home("HOME", (root_ / "home").string());
        EXPECT_EQ(platformDataDir(), root_ / "home" / ".local" / "share" / "settlebridge");
    }
    EXPECT_EQ(systemConfigFile(), fs::path("/etc/settlebridge/settlebridge.properties"));
}

TEST_F(DataDirTest, ServeReadsDataDirFromItsConfigFile) {
    const fs::path file = writeConfig("settlebridge.data_dir = " + (root_ / "served").string() + "\n");
    const Settings settings = loadSettings(Arguments({"serve", "--config", file.string()}, 1, {}, {"config", "data-dir"}));
    EXPECT_EQ(settings.dataDir, root_ / "served");
    EXPECT_EQ(settings.configFile, file.string());
    // --data-dir wins over the file.
    const Settings overridden = loadSettings(Arguments({"serve", "--config", file.string(), "--data-dir",
                                                        (root_ / "cli").string()},
                                                       1, {}, {"config", "data-dir"}));
    EXPECT_EQ(overridden.dataDir, root_ / "cli");
    // An empty value stops the daemon with the file and the key named.
    const fs::path empty = writeConfig("settlebridge.data_dir = \n");
    EXPECT_THROW(loadSettings(Arguments({"serve", "--config", empty.string()}, 1, {}, {"config"})), SettingsError);
}

// Issue 18: settlebridge.database (the properties file) and --database name a PostgreSQL database; nothing names
// the SQLite file in the data directory.
TEST_F(DataDirTest, TheDatabaseComesFromTheOptionOrTheConfigFile) {
    const std::string uri = "postgresql://sb:s3cret@db.example/settlebridge";
    const fs::path file = writeConfig("settlebridge.database = " + uri + "\n");
    const Settings settings = loadSettings(Arguments({"serve", "--config", file.string()}, 1, {}, {"config", "database"}));
    EXPECT_EQ(settings.database, uri);
    EXPECT_EQ(databaseOf(Arguments({"status", "--config", file.string()}, 1, {}, {"config", "database"})), uri);
    const std::string other = "postgres://other@/sb?host=/run/postgresql";
    EXPECT_EQ(databaseOf(Arguments({"status", "--config", file.string(), "--database", other}, 1, {},
                                   {"config", "database"})),
              other);
    const fs::path none = root_ / "none.properties";
    std::ofstream(none) << "settlebridge.port = 8081\n";
    EXPECT_EQ(databaseOf(Arguments({"status", "--config", none.string()}, 1, {}, {"config", "database"})), "");
    EXPECT_EQ(loadSettings(Arguments({"serve", "--config", none.string()}, 1, {}, {"config"})).database, "");
    // Anything but a PostgreSQL URI is refused, naming where it came from and never the password.
    const fs::path bad = root_ / "bad.properties";
    std::ofstream(bad) << "settlebridge.database = mysql://sb:hunter2@db/sb\n";
    try {
        (void)databaseOf(Arguments({"status", "--config", bad.string()}, 1, {}, {"config", "database"}));
        FAIL() << "a mysql:// database was taken";
    } catch (const SettingsError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find(bad.string() + ": settlebridge.database must be a PostgreSQL connection URI"),
                  std::string::npos)
            << message;
        EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
    }
    EXPECT_THROW((void)databaseOf(Arguments({"status", "--database", ""}, 1, {}, {"database"})), SettingsError);
    EXPECT_THROW((void)databaseOf(Arguments({"status", "--database", (root_ / "x.db").string()}, 1, {}, {"database"})),
                 SettingsError);
}

TEST_F(DataDirTest, TheDataDirOptionWinsOverTheEnvironmentInCommands) {
    const ScopedEnv env("SETTLEBRIDGE_DATA_DIR", (root_ / "from-env").string());
    std::ostringstream out;
    std::ostringstream err;
    ASSERT_EQ(runCommand({"status", "--data-dir", (root_ / "from-option").string()}, out, err), kExitOk) << err.str();
    EXPECT_TRUE(fs::exists(root_ / "from-option" / "settlebridge.db"));
    EXPECT_FALSE(fs::exists(root_ / "from-env"));
    // Without the option the environment variable names it (it outranks any system properties file).
    ASSERT_EQ(runCommand({"status"}, out, err), kExitOk) << err.str();
    EXPECT_TRUE(fs::exists(root_ / "from-env" / "settlebridge.db"));
    EXPECT_EQ(defaultDataDir(), root_ / "from-env");
}

}  // namespace
}  // namespace settlebridge::app
