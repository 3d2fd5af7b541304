// The number-keeping JSON reader (daemon/common/json.hpp): numbers stay text, escapes and bad input.

#include "daemon/common/json.hpp"

#include <gtest/gtest.h>

namespace settlebridge::common {
namespace {

TEST(Json, KeepsNumberTextAndReadsEscapes) {
    const Json j = Json::parse(R"([{"cost":14.50,"campaignId":158410630682987,"n":null,"s":"a\"\u00e9\ud83d\ude00","t":true}])");
    ASSERT_TRUE(j.isArray());
    const Json& row = j.items().at(0);
    EXPECT_EQ(row.get("cost"), "14.50");
    EXPECT_EQ(row.get("campaignId"), "158410630682987");
    EXPECT_TRUE(row.find("n")->isNull());
    EXPECT_EQ(row.get("s"), "a\"\xC3\xA9\xF0\x9F\x98\x80");
    EXPECT_TRUE(row.find("t")->boolean());
    EXPECT_EQ(row.get("missing", "x"), "x");
    for (const char* bad : {"", "[", "{\"a\" 1}", "[1,]", "01x", "\"\\ud800\"", "[1] 2", "{\"a\":tru}"}) {
        EXPECT_THROW(Json::parse(bad), JsonError) << bad;
    }
    EXPECT_EQ(jsonQuote("a\"b\\\n\x01"), "\"a\\\"b\\\\\\n\\u0001\"");
}

}  // namespace
}  // namespace settlebridge::common
