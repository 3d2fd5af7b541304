#include "daemon/settlement/mapping.hpp"
#include "tests/support/test_paths.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace settlebridge::settlement {
namespace {

/// Expects parse(text) to fail on `line` with a message containing `fragment`.
void expectError(const std::string& text, std::size_t line, const std::string& fragment) {
    try {
        Mapping::parse(text, "my.map");
        ADD_FAILURE() << "no error for:\n" << text;
    } catch (const MappingError& e) {
        EXPECT_EQ(e.file(), "my.map");
        EXPECT_EQ(e.line(), line) << e.what();
        EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
        if (line != 0) {
            EXPECT_EQ(std::string(e.what()).rfind("my.map:" + std::to_string(line) + ": ", 0), 0u) << e.what();
        }
    }
}

TEST(Mapping, GoodFile) {
    const std::string text =
        "\xEF\xBB\xBF# Settlebridge mapping for ACME Ltd\r\n"
        "version 2025-10-01 b\r\n"
        "\r\n"
        "   # indented comment\n"
        "rule\tother-transaction\tother-transaction\tMystery Charge\taccount-fees\n"
        "rule   *\t*\tShipping label*\tpostage\n"
        "item\tcommission\tAmazon Fees:Referral\n"
        "account\tcommission\tSelling Fees:Amazon\n"
        "sku\tSALTT15-ALLT\tSalt:Tin 15 All\n"
        "customer\tCAD\tAmazon Canada\n"
        "customer\tAmazon.com\tAmazon USA\n"
        "customer\tUSD\tAmazon US Dollars\n"
        "category\tsample-boxes\tSample boxes\tIncome\tgross\n"
        "rule\t*\t*\tSample*\tsample-boxes\n";
    const Mapping mapping = Mapping::parse(text, "acme.map");
    EXPECT_EQ(mapping.fileName(), "acme.map");
    EXPECT_EQ(mapping.version(), "2025-10-01 b");
    ASSERT_EQ(mapping.rules().size(), 3u);
    EXPECT_EQ(mapping.rules()[0].transactionType, "other-transaction");
    EXPECT_EQ(mapping.rules()[0].amountDescription, "Mystery Charge");
    EXPECT_EQ(mapping.rules()[0].category, "account-fees");
    EXPECT_EQ(mapping.rules()[0].line, 5u);
    EXPECT_EQ(mapping.rules()[1].transactionType, "*");
    EXPECT_EQ(mapping.rules()[1].amountDescription, "Shipping label*");
    ASSERT_NE(mapping.itemFor("commission"), nullptr);
    EXPECT_EQ(*mapping.itemFor("commission"), "Amazon Fees:Referral");
    EXPECT_EQ(*mapping.accountFor("commission"), "Selling Fees:Amazon");
    EXPECT_EQ(mapping.itemFor("storage"), nullptr);
    EXPECT_EQ(*mapping.skuItemFor("SALTT15-ALLT"), "Salt:Tin 15 All");
    EXPECT_EQ(mapping.skuItemFor("saltt15-allt"), nullptr);  // SKUs are exact
    // Marketplace beats currency; both ignore case.
    EXPECT_EQ(*mapping.customerFor("USD", "Amazon.com"), "Amazon USA");
    EXPECT_EQ(*mapping.customerFor("usd", "amazon.COM"), "Amazon USA");
    EXPECT_EQ(*mapping.customerFor("USD", ""), "Amazon US Dollars");
    EXPECT_EQ(*mapping.customerFor("CAD", "Amazon.ca"), "Amazon Canada");
    EXPECT_EQ(mapping.customerFor("EUR", "Amazon.de"), nullptr);
    ASSERT_EQ(mapping.categories().size(), 1u);
    EXPECT_EQ(mapping.categories()[0].key, "sample-boxes");
    EXPECT_EQ(mapping.categories()[0].accountKind, AccountKind::Income);
    EXPECT_TRUE(mapping.categories()[0].gross);
}

TEST(Mapping, LoadFile) {
    const auto path = std::filesystem::temp_directory_path() / "settlebridge-mapping-test.map";
    std::ofstream(path) << "version 3\nitem\tstorage\tFBA Storage\n";
    const Mapping mapping = Mapping::loadFile(path.string());
    EXPECT_EQ(mapping.version(), "3");
    EXPECT_EQ(*mapping.itemFor("storage"), "FBA Storage");
    std::filesystem::remove(path);
    try {
        Mapping::loadFile(path.string());
        FAIL() << "no error";
    } catch (const MappingError& e) {
        EXPECT_EQ(e.line(), 0u);
        EXPECT_NE(std::string(e.what()).find("cannot open"), std::string::npos);
    }
}

TEST(Mapping, BadLinesNameTheirLine) {
    expectError("version 1\nfrobnicate\tx\n", 2, "unknown statement \"frobnicate\"");
    expectError("version 1\nrule\tOrder\tItemFees\tcommission\n", 2, "rule needs");
    expectError("version 1\nrule\tOrder\tItemFees\tCommission\tcommission\textra\n", 2, "got 5 fields");
    expectError("version 1\n\n\nrule\tOrder\t\tCommission\tcommission\n", 4, "field 2 is empty");
    expectError("version 1\nrule\tOrder\tItemFees\tCommission\tno-such-category\n", 2, "unknown category \"no-such-category\"");
    expectError("version 1\nitem\tno-such\tX\n", 2, "unknown category \"no-such\"");
    expectError("version 1\naccount\tcommission\n", 2, "account needs");
    expectError("version 1\nitem\tcommission\t" + std::string(32, 'X') + "\n", 2, "not a valid QuickBooks item name");
    expectError("version 1\nitem\tcommission\tFees::Referral\n", 2, "not a valid QuickBooks item name");
    expectError("version 1\nitem\tcommission\tA\nitem\tcommission\tB\n", 3, "already set on line 2");
    expectError("version 1\nsku\tA\tX\nsku\tA\tY\n", 3, "already set on line 2");
    expectError("version 1\ncustomer\tCAD\t" + std::string(42, 'C') + "\n", 2, "not a valid QuickBooks customer name");
    expectError("version 1\ncustomer\tcad\tA\ncustomer\tCAD\tB\n", 3, "already set on line 2");
    expectError("version 1\nrule\tOrder\tItemFees\tCommission\tcommission\nrule\torder\titemfees\tcommission\tfee-tax\n", 3,
                "already has a rule on line 2");
    expectError("version 1\nversion 2\n", 2, "already set on line 1");
    expectError("version\n", 1, "version needs a text");
    expectError("version " + std::string(65, 'v') + "\n", 1, "at most 64");
    expectError("version 1\ncategory\tBad Key\tLabel\n", 2, "must be 1-40 characters");
    expectError("version 1\ncategory\tcommission\tLabel\n", 2, "is built in");
    expectError("version 1\ncategory\tmine\tMine\ncategory\tmine\tAgain\n", 3, "already declared on line 2");
    expectError("version 1\ncategory\tmine\tMine\tRevenue\n", 2, "account kind \"Revenue\"");
    // A type no item can post to (issue 13): refused with the rule, in the CLI (--map) and the admin page alike.
    expectError("version 1\ncategory\tmine\tMine\tAccountsReceivable\n", 2,
                "a QuickBooks item cannot post to an Accounts Receivable, Accounts Payable or non-posting account");
    expectError("version 1\ncategory\tmine\tMine\taccountspayable\n", 2, "account kind \"accountspayable\": a QuickBooks item");
    expectError("version 1\ncategory\tmine\tMine\tIncome\tnet\n", 2, "can only be \"gross\"");
    expectError("version 1\ncategory\tmine\tA label far too long for a QuickBooks item name\n", 2, "needs an item line");
    expectError("# nothing but comments\nitem\tstorage\tX\n", 0, "no version line");
    expectError("", 0, "no version line");
}

TEST(Mapping, CategoryDeclaredAfterUseIsFine) {
    const Mapping mapping = Mapping::parse(
        "rule\t*\t*\tSample*\tsamples\nitem\tsamples\tSamples Item\ncategory\tsamples\tA label far too long for a QuickBooks item name\nversion 9\n",
        "late.map");
    EXPECT_EQ(mapping.rules().size(), 1u);
    EXPECT_EQ(mapping.version(), "9");
}

TEST(Mapping, CustomerNames) {
    EXPECT_TRUE(isValidCustomerName("Amazon Summary"));
    EXPECT_TRUE(isValidCustomerName("Amazon:Canada"));
    EXPECT_FALSE(isValidCustomerName(""));
    EXPECT_FALSE(isValidCustomerName(std::string(42, 'x')));
    EXPECT_FALSE(isValidCustomerName("tab\tname"));
}


TEST(Mapping, TheDocumentedExampleIsValid) {
    std::ifstream in(std::string(SETTLEBRIDGE_SOURCE_DIR) + "/docs/ACCOUNTING.md");
    ASSERT_TRUE(in.good());
    const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::size_t start = doc.find("```\n# ACME");
    ASSERT_NE(start, std::string::npos);
    const std::size_t end = doc.find("```", start + 3);
    ASSERT_NE(end, std::string::npos);
    const Mapping mapping = Mapping::parse(doc.substr(start + 4, end - start - 4), "ACCOUNTING.md example");
    EXPECT_EQ(mapping.version(), "2025-10-01");
    EXPECT_EQ(mapping.rules().size(), 3u);
    EXPECT_EQ(*mapping.accountFor("storage"), "Amazon FBA Storage Fees");
    EXPECT_EQ(*mapping.customerFor("CAD", "Amazon.ca"), "Amazon Canada");
    EXPECT_EQ(mapping.categories().size(), 1u);
}

// Issue 15 part 1: a debt booked in one account and collected in another never clears, so the carried-balance
// categories must share one account and no rule may take their rows elsewhere (docs/ACCOUNTING.md section 14).
TEST(Mapping, CarriedBalanceCategoriesShareTheirAccount) {
    const Mapping defaults = Mapping::parse("version 1\n", "my.map");
    EXPECT_EQ(defaults.carriedBalanceAccount(), "Amazon Reserved Balances");

    // One of them elsewhere: refused, naming the line and the reason.
    expectError("version 1\naccount\tcard-charge\tVisa 1234\n", 2, "must all post to the same account");
    expectError("version 1\naccount\tcard-charge\tVisa 1234\n", 2, "never returns to zero");
    expectError("version 1\naccount\tcard-charge\tVisa 1234\n", 2, "card-charge to \"Visa 1234\"");
    expectError("version 1\naccount\tpayable-to-amazon\tAmazon Owed\naccount\tcard-charge\tAmazon Owed\n", 3,
                "sends payable-to-amazon, card-charge to \"Amazon Owed\"; carried-balance, failed-disbursement, "
                "micro-deposit to \"Amazon Reserved Balances\"");
    // The same account in other capitals is the same QuickBooks account.
    EXPECT_NO_THROW(Mapping::parse("version 1\naccount\tmicro-deposit\tAMAZON RESERVED BALANCES\n", "my.map"));

    // All five renamed together: accepted, and that is where negative settlements go.
    const Mapping renamed = Mapping::parse(
        "version 1\n"
        "account\tpayable-to-amazon\tAmazon Owed Balance\n"
        "account\tcard-charge\tAmazon Owed Balance\n"
        "account\tcarried-balance\tAmazon Owed Balance\n"
        "account\tfailed-disbursement\tAmazon Owed Balance\n"
        "account\tmicro-deposit\tAmazon Owed Balance\n"
        "item\tcard-charge\tAmazon Card Payments\n",
        "my.map");
    EXPECT_EQ(renamed.carriedBalanceAccount(), "Amazon Owed Balance");

    // Other categories keep their freedom: reserves, fees.
    EXPECT_NO_THROW(Mapping::parse("version 1\naccount\treserve\tAmazon Reserve Held\n", "my.map"));
}

TEST(Mapping, RulesCannotTakeCarriedBalanceRowsElsewhere) {
    expectError("version 1\nrule\t*\t*\tPayable to Amazon\taccount-fees\n", 2,
                "sends Amazon's \"Payable to Amazon\" rows to category account-fees instead of payable-to-amazon");
    expectError("version 1\nrule\t*\t*\tSuccessful*\tother-selling-fees\n", 2, "Successful charge");
    expectError("version 1\nrule\tDebt Adjustment\t*\t*\treserve\n", 2, "Debt adjustment against");
    expectError("version 1\nrule\t*\t*\tMicro*\tbank-fees\ncategory\tbank-fees\tBank fees\n", 2, "Micro Deposit");
    expectError("version 1\nrule\t*\t*\t*\taccount-fees\n", 2, "instead of");
    // Into another carried-balance category, or rules that do not touch those rows: fine.
    EXPECT_NO_THROW(Mapping::parse("version 1\nrule\t*\t*\tSuccessful charge\tpayable-to-amazon\n", "my.map"));
    EXPECT_NO_THROW(Mapping::parse("version 1\nrule\t*\t*\tAmazon Debt Collected\tcard-charge\n", "my.map"));
    EXPECT_NO_THROW(Mapping::parse("version 1\nrule\t*\t*\tPayable*Fee\taccount-fees\n", "my.map"));
}

}  // namespace
}  // namespace settlebridge::settlement
