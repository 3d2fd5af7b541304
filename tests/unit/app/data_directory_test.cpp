// daemon/app/data_directory: a data directory the program makes is private (0700 on Unix); one that exists keeps its
// mode; the service layer makes its directory that way. (The Windows DACL is checked under wine by
// tools/smoke-test-windows.sh.)
#include "daemon/app/data_directory.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "daemon/app/service.hpp"
#include "tests/unit/app/scratch_dir.hpp"

namespace settlebridge::app {
namespace {

namespace fs = std::filesystem;

class DataDirectoryTest : public ::testing::Test {
protected:
    void SetUp() override { oldMask_ = ::umask(022); }  // the usual umask: a plain new folder would be 0755
    void TearDown() override { ::umask(oldMask_); }

    static unsigned mode(const fs::path& path) {
        struct stat info {};
        EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
        return static_cast<unsigned>(info.st_mode & 07777);
    }

    testing::ScratchDir scratch_{"settlebridge-datadir"};
    const fs::path root_ = scratch_.path();
    mode_t oldMask_ = 022;
};

TEST_F(DataDirectoryTest, ANewDirectoryIsPrivateAndItsParentsAreMade) {
    const fs::path dir = root_ / "share" / "settlebridge";
    std::error_code error;
    createDataDirectory(dir, error);
    ASSERT_FALSE(error) << error.message();
    EXPECT_TRUE(fs::is_directory(dir));
    EXPECT_EQ(mode(dir), 0700u);
    EXPECT_EQ(mode(root_ / "share"), 0755u);  // only the data directory itself is the program's
}

TEST_F(DataDirectoryTest, AnExistingDirectoryKeepsItsMode) {
    const fs::path dir = root_ / "existing";
    fs::create_directories(dir);
    fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
    std::error_code error;
    createDataDirectory(dir, error);
    ASSERT_FALSE(error) << error.message();
    EXPECT_EQ(mode(dir), 0750u);
    protectDataDirectory(dir, error);  // nothing to do on Unix
    ASSERT_FALSE(error) << error.message();
    EXPECT_EQ(mode(dir), 0750u);
}

TEST_F(DataDirectoryTest, FailuresAreReported) {
    const fs::path file = root_ / "a-file";
    std::ofstream(file) << "not a folder";
    std::error_code error;
    createDataDirectory(file / "data", error);
    EXPECT_TRUE(error);
    createDataDirectory(fs::path(), error);
    EXPECT_EQ(error, std::make_error_code(std::errc::invalid_argument));
}

TEST_F(DataDirectoryTest, TheServiceLayerMakesItsDataDirectoryPrivate) {
    const fs::path dir = root_ / "service-data";
    {
        Service service(dir);
        EXPECT_TRUE(service.companies().empty());
    }
    EXPECT_EQ(mode(dir), 0700u);
    EXPECT_TRUE(fs::exists(dir / "settlebridge.db"));
    std::ofstream(root_ / "a-file") << "not a folder";
    EXPECT_THROW(Service(root_ / "a-file" / "data"), ServiceError);
}

}  // namespace
}  // namespace settlebridge::app
