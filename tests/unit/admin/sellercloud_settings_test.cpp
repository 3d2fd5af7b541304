// The Sellercloud push settings' rules that the admin page and the CLI share (daemon/store/sellercloud_settings):
// their boundaries and the field each refusal names.
#include <gtest/gtest.h>

#include "daemon/store/sellercloud_settings.hpp"

namespace store = settlebridge::store;

namespace {

std::vector<std::string> fields(const std::vector<store::SellercloudSettingProblem>& problems) {
    std::vector<std::string> out;
    for (const auto& p : problems) out.push_back(p.field);
    return out;
}

}  // namespace

TEST(SellercloudSettings, ColumnNames) {
    store::SellercloudColumns columns;
    EXPECT_TRUE(store::checkSellercloudColumns(columns).empty()) << "the defaults are fine";
    columns.spendDay = std::string(store::kMaxSellercloudColumnName, 'x');
    columns.acos30d = "";  // not written
    EXPECT_TRUE(store::checkSellercloudColumns(columns).empty());

    columns.spendDay += "x";
    columns.spend7d = "Ad\tSpend";
    columns.spend30d = "AdSpend30Days ";
    columns.sales30d = "AdSpend7,Days";
    auto problems = store::checkSellercloudColumns(columns);
    EXPECT_EQ(fields(problems), (std::vector<std::string>{"column_day", "column_7d", "column_30d", "column_sales"}));
    EXPECT_NE(problems[0].message.find("at most 100 characters"), std::string::npos) << problems[0].message;
    EXPECT_NE(problems[0].message.find("the last day's ad spend column"), std::string::npos) << "names the column";
    EXPECT_NE(problems[1].message.find("control characters"), std::string::npos) << problems[1].message;
    EXPECT_NE(problems[2].message.find("starts or ends with a space"), std::string::npos) << problems[2].message;
    EXPECT_NE(problems[3].message.find("comma"), std::string::npos) << problems[3].message;

    store::SellercloudColumns twice;
    twice.acos30d = twice.spend7d;
    problems = store::checkSellercloudColumns(twice);
    ASSERT_EQ(fields(problems), std::vector<std::string>{"column_acos"});
    EXPECT_NE(problems[0].message.find("the same name as the 7-day ad spend column"), std::string::npos) << problems[0].message;

    store::SellercloudColumns none{"", "", "", "", ""};
    problems = store::checkSellercloudColumns(none);
    ASSERT_EQ(fields(problems), std::vector<std::string>{"column_day"});
    EXPECT_NE(problems[0].message.find("at least one"), std::string::npos);
}

TEST(SellercloudSettings, SendHourAndManualLinks) {
    EXPECT_FALSE(store::checkSellercloudSendHour(0));
    EXPECT_FALSE(store::checkSellercloudSendHour(23));
    ASSERT_TRUE(store::checkSellercloudSendHour(24));
    EXPECT_EQ(store::checkSellercloudSendHour(-1)->field, "send_hour");
    EXPECT_NE(store::checkSellercloudSendHour(24)->message.find("0 to 23"), std::string::npos);

    EXPECT_TRUE(store::checkSellercloudManualLink("SKU-1", "PROD-1", 1).empty());
    EXPECT_TRUE(store::checkSellercloudManualLink(std::string(200, 's'), "P", store::kMaxSellercloudCompanyId).empty());
    EXPECT_EQ(fields(store::checkSellercloudManualLink("", "", 0)),
              (std::vector<std::string>{"sku", "product_id", "sc_company_id"}));
    EXPECT_EQ(fields(store::checkSellercloudManualLink(std::string(201, 's'), "P\n", store::kMaxSellercloudCompanyId + 1)),
              (std::vector<std::string>{"sku", "product_id", "sc_company_id"}));
    EXPECT_EQ(fields(store::checkSellercloudManualLink("SKU ", "P", 1)), std::vector<std::string>{"sku"});
}
