// The product's rule table (qbxml/rules.hpp) says what tools/quickbooks_sim/rules.json says: the file the simulated
// QuickBooks and the planner's unit-test fake read. One table, checked here, so none of the three can drift.
#include "qbxml/rules.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "daemon/common/json.hpp"
#include "tests/support/test_paths.hpp"

namespace settlebridge::qbxml {
namespace {

common::Json rulesFile() {
    const std::string path = std::string(SETTLEBRIDGE_SOURCE_DIR) + "/tools/quickbooks_sim/rules.json";
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in.good()) << path;
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return common::Json::parse(text);
}

std::vector<std::string> texts(const common::Json& array) {
    std::vector<std::string> out;
    for (const auto& item : array.items()) out.push_back(item.text());
    return out;
}

std::vector<std::string> texts(std::span<const std::string_view> list) { return {list.begin(), list.end()}; }

TEST(Rules, SalesLineItemTypesAreTheSimulatorsOnes) {
    const auto json = rulesFile();
    EXPECT_EQ(texts(salesLineItemTypes()), texts(*json.find("sales_line_item_types")->find("types")));
    for (const auto& type : texts(*json.find("item_types"))) {
        const bool allowed = isSalesLineItemType(type);
        EXPECT_EQ(allowed, type == "ItemService" || type == "ItemNonInventory" || type == "ItemOtherCharge" ||
                               type == "ItemInventory" || type == "ItemInventoryAssembly")
            << type;
        EXPECT_NE(itemTypeLabel(type), type) << "every type has a label";
    }
    EXPECT_EQ(itemTypeLabel("ItemGroup"), "Group");
    EXPECT_EQ(itemTypeLabel("ItemSomethingNew"), "ItemSomethingNew");
}

TEST(Rules, AccountTypesPerReferenceAreTheSimulatorsOnes) {
    const auto json = rulesFile();
    const auto* roles = json.find("account_roles");
    ASSERT_NE(roles, nullptr);
    ASSERT_EQ(roles->members().size(), 5U);
    for (const auto role : {AccountRole::Deposit, AccountRole::Refund, AccountRole::Transfer, AccountRole::Item,
                            AccountRole::DepositLine}) {
        const auto* spec = roles->find(roleKey(role));
        ASSERT_NE(spec, nullptr) << roleKey(role);
        EXPECT_EQ(texts(allowedAccountTypes(role)), texts(*spec->find("types"))) << roleKey(role);
        EXPECT_FALSE(spec->get("source").empty()) << "every rule says where it comes from";
    }
    for (const char* never : {"AccountsReceivable", "AccountsPayable", "NonPosting"}) {
        for (const auto role : {AccountRole::Deposit, AccountRole::Refund, AccountRole::Transfer, AccountRole::Item,
                            AccountRole::DepositLine}) {
            EXPECT_FALSE(accountTypeAllowed(role, never)) << never;
        }
    }
}

TEST(Rules, ProblemsNameTheAccountItsTypeAndWhatFits) {
    EXPECT_EQ(accountTypeProblem(AccountRole::Deposit, "Amazon Clearing", "Bank"), "");
    EXPECT_EQ(accountTypeProblem(AccountRole::Deposit, "Sales", "Income"),
              "the account \"Sales\" is an Income account in QuickBooks; a sales receipt deposits into a Bank or "
              "Other Current Asset account");
    EXPECT_EQ(accountTypeProblem(AccountRole::Refund, "Amazon Card", "CreditCard"),
              "the account \"Amazon Card\" is a Credit Card account in QuickBooks; a refund is paid from a Bank or "
              "Other Current Asset account");
    EXPECT_EQ(accountTypeProblem(AccountRole::Item, "Accounts Payable", "AccountsPayable"),
              "the account \"Accounts Payable\" is an Accounts Payable account in QuickBooks; an item's account is "
              "any account but Accounts Receivable, Accounts Payable and non-posting ones");
    EXPECT_NE(accountTypeProblem(AccountRole::Transfer, "Fees", "Expense").find("balance-sheet"), std::string::npos);
    EXPECT_EQ(accountTypeLabel("CostOfGoodsSold"), "Cost of Goods Sold");
    EXPECT_EQ(accountTypeLabel("OtherCurrentLiability"), "Other Current Liability");
}

}  // namespace
}  // namespace settlebridge::qbxml
