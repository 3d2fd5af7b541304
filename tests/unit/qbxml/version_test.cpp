#include "qbxml/version.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace settlebridge::qbxml {
namespace {

TEST(VersionTest, ParsesVersionTexts) {
    EXPECT_EQ(parseQbxmlVersion("13.0"), (QbxmlVersion{13, 0}));
    EXPECT_EQ(parseQbxmlVersion(" 2.1 "), (QbxmlVersion{2, 1}));
    EXPECT_EQ(parseQbxmlVersion("CA3.0"), (QbxmlVersion{3, 0}));
    EXPECT_EQ(parseQbxmlVersion("UK13.0"), (QbxmlVersion{13, 0}));
    for (const char* bad : {"", "13", "x.y", "13.", ".0", "13.0.1", "CAN3.0", "-1.0"}) {
        EXPECT_FALSE(parseQbxmlVersion(bad).has_value()) << bad;
    }
    EXPECT_EQ(kQbxmlVersion.text(), "13.0");
    EXPECT_LT((QbxmlVersion{12, 9}), kQbxmlVersion);
    EXPECT_LT(kQbxmlVersion, (QbxmlVersion{13, 1}));
}

TEST(VersionTest, AcceptsThirteenAndNewerHostsWithThirteen) {
    for (const auto& [major, minor] : std::vector<std::pair<int, int>>{{13, 0}, {14, 0}, {16, 0}, {13, 1}}) {
        const VersionChoice choice = chooseVersion(major, minor);
        EXPECT_TRUE(choice.accepted) << major << "." << minor;
        EXPECT_EQ(choice.version, kQbxmlVersion);
        EXPECT_EQ(choice.hostLevel, (QbxmlVersion{major, minor}));
        EXPECT_TRUE(choice.message.empty());
    }
}

TEST(VersionTest, RefusesOlderHostsInWordsABookkeeperUnderstands) {
    const VersionChoice qb2013 = chooseVersion(12, 0);
    EXPECT_FALSE(qb2013.accepted);
    EXPECT_NE(qb2013.message.find("QuickBooks 2013 or older"), std::string::npos) << qb2013.message;
    EXPECT_NE(qb2013.message.find("qbXML 12.0 (QuickBooks 2013"), std::string::npos) << qb2013.message;
    EXPECT_NE(qb2013.message.find("QuickBooks Desktop 2014 or newer"), std::string::npos);

    const VersionChoice qb2006 = chooseVersion(5, 0);
    EXPECT_FALSE(qb2006.accepted);
    EXPECT_NE(qb2006.message.find("QuickBooks 2006"), std::string::npos) << qb2006.message;

    const VersionChoice ancient = chooseVersion(2, 1);
    EXPECT_NE(ancient.message.find("older than 2006"), std::string::npos) << ancient.message;

    const VersionChoice unknown = chooseVersion(0, 0);
    EXPECT_FALSE(unknown.accepted);
    EXPECT_NE(unknown.message.find("did not say"), std::string::npos);
}

TEST(VersionTest, TheSupportedListWinsOverTheReportedLevel) {
    const std::vector<std::string> qb2014 = {"1.0", "2.0", "12.0", "13.0"};
    const std::vector<std::string> qb2006 = {"1.0", "1.1", "2.0", "5.0"};
    EXPECT_TRUE(chooseVersion(qb2014).accepted);
    EXPECT_FALSE(chooseVersion(qb2006).accepted);
    EXPECT_EQ(chooseVersion(qb2006).hostLevel, (QbxmlVersion{5, 0}));
    EXPECT_TRUE(chooseVersion(5, 0, qb2014).accepted);
    EXPECT_FALSE(chooseVersion(13, 0, qb2006).accepted);
    // An empty or unreadable list falls back to the Web Connector's numbers.
    EXPECT_TRUE(chooseVersion(13, 0, {}).accepted);
    EXPECT_TRUE(chooseVersion(13, 0, {"garbage"}).accepted);
    EXPECT_FALSE(chooseVersion(std::vector<std::string>{"garbage"}).accepted);
    // A newer host listing versions past 13 still gets 13.0.
    const VersionChoice newer = chooseVersion(std::vector<std::string>{"13.0", "14.0", "15.0", "16.0"});
    EXPECT_TRUE(newer.accepted);
    EXPECT_EQ(newer.version, kQbxmlVersion);
    EXPECT_EQ(newer.hostLevel, (QbxmlVersion{16, 0}));
}

}  // namespace
}  // namespace settlebridge::qbxml
