#include "daemon/settlement/categories.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "daemon/settlement/mapping.hpp"
#include "daemon/settlement/naming.hpp"
#include "tests/support/test_paths.hpp"

namespace settlebridge::settlement {
namespace {

std::string keyOf(CategoryTable& table, std::string_view tt, std::string_view at, std::string_view ad) {
    return table.categories()[table.classify(tt, at, ad).category].key;
}

TEST(Categories, RegistryIsWellFormed) {
    std::set<std::string_view> keys;
    for (const auto& category : builtinCategories()) {
        EXPECT_TRUE(keys.insert(category.key).second) << "duplicate key " << category.key;
        EXPECT_FALSE(category.label.empty()) << category.key;
        EXPECT_TRUE(isValidQuickBooksFullName(category.defaultItem)) << category.key;
        EXPECT_EQ(category.defaultItem.find(':'), std::string_view::npos) << category.key;
        EXPECT_TRUE(isValidQuickBooksFullName(category.defaultAccount)) << category.key;
    }
    EXPECT_NE(findBuiltinCategory("product"), nullptr);
    EXPECT_NE(findBuiltinCategory("unmapped"), nullptr);
    EXPECT_EQ(findBuiltinCategory("nope"), nullptr);
    EXPECT_EQ(findBuiltinCategory("reserve")->defaultAccount, "Amazon Reserved Balances");
    EXPECT_EQ(findBuiltinCategory("reserve")->accountKind, AccountKind::OtherCurrentAsset);
    EXPECT_EQ(findBuiltinCategory("card-charge")->accountKind, AccountKind::OtherCurrentAsset);
    EXPECT_EQ(findBuiltinCategory("payable-to-amazon")->defaultAccount, "Amazon Reserved Balances");
    EXPECT_EQ(findBuiltinCategory("marketplace-tax-withheld")->accountKind, AccountKind::OtherCurrentLiability);
    EXPECT_EQ(accountKindName(AccountKind::OtherCurrentLiability), "OtherCurrentLiability");
    // Every rule names a category that exists, and no two rules have the same pattern.
    std::set<std::string> patterns;
    for (const auto& rule : builtinCategoryRules()) {
        EXPECT_NE(findBuiltinCategory(rule.category), nullptr) << rule.category;
        std::string pattern = std::string(rule.transactionType) + "|" + std::string(rule.amountType) + "|" +
                              std::string(rule.amountDescription);
        for (auto& c : pattern) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        EXPECT_TRUE(patterns.insert(pattern).second) << "duplicate pattern " << pattern;
    }
}

TEST(Categories, EveryCombinationOfTheResearchTable) {
    // settlement.md section a.5, row by row, as the parser hands them over (V1 rows in their V2 shape).
    CategoryTable table;
    struct Case {
        const char* tt;
        const char* at;
        const char* ad;
        const char* key;
    };
    const std::vector<Case> cases = {
        {"Order", "ItemPrice", "Principal", "product"},
        {"Refund", "ItemPrice", "Principal", "product"},
        {"A-to-z Guarantee Refund", "ItemPrice", "Principal", "product"},
        {"Chargeback Refund", "ItemPrice", "Tax", "product-tax"},
        {"Order_Retrocharge", "ItemPrice", "Tax", "product-tax"},
        {"Refund_Retrocharge", "Retrocharge", "Base tax", "product-tax"},
        {"Order", "ItemPrice", "Shipping", "shipping"},
        {"Refund", "ItemPrice", "GiftWrap", "gift-wrap"},
        {"Order", "ItemFees", "ShippingChargeback", "shipping-chargeback"},
        {"Order", "ItemFees", "GiftwrapChargeback", "shipping-chargeback"},
        {"Order", "ItemFees", "ShippingHB", "shipping-chargeback"},
        {"Order", "ItemPrice", "ShippingTax", "shipping-tax"},
        {"Order", "ItemPrice", "GiftWrapTax", "gift-wrap-tax"},
        {"Order", "ItemWithheldTax", "MarketplaceFacilitatorTax-Principal", "marketplace-tax-withheld"},
        {"Refund", "ItemWithheldTax", "MarketplaceFacilitatorTax-Shipping", "marketplace-tax-withheld"},
        {"Order", "ItemPrice", "MarketplaceFacilitatorVAT-Principal", "marketplace-tax-withheld"},
        {"Order", "ItemWithheldTax", "MarketplaceFacilitatorVAT-Shipping", "marketplace-tax-withheld"},
        {"Order", "ItemFees", "SalesTaxServiceFee", "other-selling-fees"},
        {"ServiceFee", "Cost of Advertising", "TaxAmount", "fee-tax"},
        {"Order", "ItemFees", "Fixed closing fee IGST", "fee-tax"},
        {"Refund", "ItemFees", "Refund commission IGST", "fee-tax"},
        {"Order", "ItemWithheldTax", "TCS-IGST", "tax-withheld-at-source"},
        {"Order", "ItemWithheldTax", "TDS (Section 194-O)", "tax-withheld-at-source"},
        {"Order", "Promotion", "Shipping", "promotions"},
        {"Refund", "Promotion", "Principal", "promotions"},
        {"CouponRedemptionFee", "CouponRedemptionFee", "CouponRedemptionFee", "coupons-deals"},
        {"Lightning Deal Fee", "LightningDealFee", "LightningDealFee", "coupons-deals"},
        {"Vine Enrollment Fee", "Vine Enrollment Fee", "Vine Enrollment Fee", "coupons-deals"},
        {"Order", "ItemFees", "Commission", "commission"},
        {"Refund", "ItemFees", "Commission", "commission"},
        {"Refund", "ItemFees", "RefundCommission", "refund-commission"},
        {"Refund", "ItemFees", "Refund commission", "refund-commission"},
        {"Order", "ItemFees", "VariableClosingFee", "closing-fees"},
        {"Order", "ItemFees", "Fixed closing fee", "closing-fees"},
        {"Order", "ItemFees", "DigitalServicesFee", "digital-services-fee"},
        {"Refund", "ItemFees", "DigitalServicesFee", "digital-services-fee"},
        {"Refund", "ItemFees", "Goodwill", "other-selling-fees"},
        {"Refund", "ItemPrice", "RestockingFee", "other-item-price"},
        {"Refund", "ItemPrice", "ReturnShipping", "other-item-price"},
        {"Refund", "ItemPrice", "RegulatoryFee", "other-item-price"},
        {"Order", "ItemFees", "FBAPerUnitFulfillmentFee", "fba-fulfilment"},
        {"Order", "ItemFees", "FBAPerOrderFulfillmentFee", "fba-fulfilment"},
        {"Order", "ItemFees", "FBAWeightBasedFee", "fba-fulfilment"},
        {"Order", "ShipmentFees", "FBA transportation fee", "fba-fulfilment"},
        {"other-transaction", "other-transaction", "FBACustomerReturnPerUnitFee", "fba-fulfilment"},
        {"other-transaction", "other-transaction", "Shipping label purchase", "postage"},
        {"other-transaction", "other-transaction", "ShippingServices", "postage"},
        {"other-transaction", "other-transaction", "ShippingServicesRefund", "postage"},
        {"other-transaction", "other-transaction", "Amazon Easy Ship Charges", "postage"},
        {"other-transaction", "other-transaction", "MFNPostagePurchaseCompleteIGST", "fee-tax"},
        {"other-transaction", "other-transaction", "Multi-Channel Fulfillment Brand-Neutral Box Fee", "fba-fulfilment"},
        {"other-transaction", "other-transaction", "Storage Fee", "storage"},
        {"other-transaction", "other-transaction", "StorageRenewalBilling", "storage"},
        {"other-transaction", "other-transaction", "Inbound Transportation Fee", "inbound"},
        {"other-transaction", "other-transaction", "FBAInboundTransportationFee", "inbound"},
        {"other-transaction", "other-transaction", "Inbound Transportation Program Fee", "inbound"},
        {"FBAFees", "Inbound Defect Fee", "Base fee", "inbound"},
        {"other-transaction", "other-transaction", "RemovalComplete", "removal-disposal"},
        {"other-transaction", "other-transaction", "DisposalComplete", "removal-disposal"},
        {"ServiceFee", "Cost of Advertising", "TransactionTotalAmount", "advertising"},
        {"ServiceFee", "Refund for Advertiser", "TransactionTotalAmount", "advertising"},
        {"other-transaction", "other-transaction", "Subscription Fee", "subscription"},
        {"other-transaction", "other-transaction", "NonSubscriptionFeeAdj", "account-fees"},
        {"other-transaction", "other-transaction", "BalanceAdjustment", "account-fees"},
        {"other-transaction", "other-transaction", "Manual Processing Fee", "account-fees"},
        {"other-transaction", "other-transaction", "Label fee", "account-fees"},
        {"other-transaction", "other-transaction", "Taping Fee", "account-fees"},
        {"other-transaction", "other-transaction", "Unplanned Service Fee - Barcode label missing", "account-fees"},
        {"Liquidations", "other-transaction", "Liquidations", "liquidations"},
        {"Grade and Resell Fees", "Grade and Resell Charge", "Grade and Resell Charge", "account-fees"},
        {"Fee Adjustment", "Item Fee Adjustment", "FBAPerUnitFulfillmentFee", "fba-fulfilment"},
        {"Commingling VAT", "other-transaction", "Commingling VAT", "account-fees"},
        {"Income Tax Charged", "other-transaction", "Income Tax Charged", "tax-withheld-at-source"},
        {"SellerReviewEnrollmentPayment", "Review Enrollment Fee", "Review Enrollment Fee", "coupons-deals"},
        {"other-transaction", "FBA Inventory Reimbursement", "WAREHOUSE_DAMAGE", "reimbursements"},
        {"other-transaction", "other-transaction", "WAREHOUSE_DAMAGE", "reimbursements"},
        {"other-transaction", "other-transaction", "WAREHOUSE_LOST", "reimbursements"},
        {"other-transaction", "other-transaction", "MISSING_FROM_INBOUND", "reimbursements"},
        {"other-transaction", "other-transaction", "REVERSAL_REIMBURSEMENT", "reimbursements"},
        {"other-transaction", "other-transaction", "REMOVAL_ORDER_DAMAGED", "reimbursements"},
        {"other-transaction", "other-transaction", "REMOVAL_ORDER_SOMETHING_NEW", "reimbursements"},
        {"other-transaction", "FBA Inventory Reimbursement", "Customer Return", "reimbursements"},
        {"other-transaction", "other-transaction", "SAFE-T Reimbursement", "reimbursements"},
        {"other-transaction", "other-transaction", "Current Reserve Amount", "reserve"},
        {"other-transaction", "other-transaction", "Previous Reserve Amount Balance", "reserve"},
        {"other-transaction", "other-transaction", "Failed disbursement", "failed-disbursement"},
        {"other-transaction", "other-transaction", "Carryover", "carried-balance"},
        {"other-transaction", "other-transaction", "Previous statements unavailable balance", "carried-balance"},
        {"other-transaction", "other-transaction", "Payable to Amazon", "payable-to-amazon"},
        {"other-transaction", "other-transaction", "Successful charge", "card-charge"},
        {"other-transaction", "other-transaction", "Micro Deposit", "micro-deposit"},
        {"Debt Adjustment", "Debt Adjustment",
         "Debt adjustment against Electronic Transaction (Credit Card/Net Banking/GC) Accounts", "payable-to-amazon"},
        {"other-transaction", "other-transaction", "Amazon Capital Services", "lending"},
        {"other-transaction", "other-transaction", "Loan Repayment", "lending"},
        {"other-transaction", "other-transaction", "Reversal", "account-fees"},
        // New names under known families fall back to the family; unknown account-level rows are unmapped.
        {"Order", "ItemFees", "SomeBrandNewFee", "other-selling-fees"},
        {"Order", "ItemPrice", "SomeNewComponent", "other-item-price"},
        {"Order", "ItemPrice", "SomeNewTax", "product-tax"},
        {"other-transaction", "other-transaction", "Mystery Charge", "unmapped"},
        {"NewEventType", "NewAmountType", "NewDescription", "unmapped"},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(keyOf(table, c.tt, c.at, c.ad), c.key) << c.tt << " / " << c.at << " / " << c.ad;
    }
}

TEST(Categories, LabelsFromPublishedFeeListsAsAccountRowsAndItemFees) {
    // Each label quoted by a published list (cited in categories.cpp) goes to its family, not to "unmapped" (as an
    // account-level row) nor to "other selling fees" (as an item fee).
    CategoryTable table;
    const std::pair<const char*, const char*> cases[] = {
        {"ReferralFee", "commission"},          {"SalesTaxCollectionFee", "other-selling-fees"},
        {"ImagingServicesFee", "other-selling-fees"}, {"AmazonUpstreamProcessingFee", "inbound"},
        {"CommissionCorrection", "commission"}, {"DealParticipationFee", "coupons-deals"},
        {"DealPerformanceFee", "coupons-deals"}, {"CustomerReturnHRRUnitFee", "fba-fulfilment"},
        {"COMPENSATED_CLAWBACK", "reimbursements"}, {"CRETURN_WRONG_ITEM", "reimbursements"},
        {"CS_ERROR_NON_ITEMIZED", "reimbursements"},
    };
    for (const auto& [label, key] : cases) {
        for (const auto& [tt, at] : {std::pair{"other-transaction", "other-transaction"}, std::pair{"Order", "ItemFees"}}) {
            SCOPED_TRACE(std::string(tt) + " / " + at + " / " + label);
            EXPECT_EQ(table.categories()[table.classify(tt, at, label).category].key, key);
        }
    }
}

TEST(Categories, CaseInsensitiveAndRefundSide) {
    CategoryTable table;
    EXPECT_EQ(keyOf(table, "order", "itemprice", "principal"), "product");
    EXPECT_EQ(keyOf(table, "other-transaction", "other-transaction", "STORAGE FEE"), "storage");
    EXPECT_FALSE(table.classify("Order", "ItemPrice", "Principal").refund);
    EXPECT_TRUE(table.classify("Refund", "ItemPrice", "Principal").refund);
    EXPECT_TRUE(isRefundTransactionType("Refund"));
    EXPECT_TRUE(isRefundTransactionType("refund"));
    EXPECT_TRUE(isRefundTransactionType("A-to-z Guarantee Refund"));
    EXPECT_TRUE(isRefundTransactionType("Chargeback Refund"));
    EXPECT_TRUE(isRefundTransactionType("Refund_Retrocharge"));
    EXPECT_FALSE(isRefundTransactionType("Order"));
    EXPECT_FALSE(isRefundTransactionType("Order_Retrocharge"));
    EXPECT_FALSE(isRefundTransactionType("other-transaction"));
    EXPECT_FALSE(isRefundTransactionType("ShippingServicesRefund"));
}

TEST(Categories, PatternsAndSpecificity) {
    EXPECT_TRUE(patternMatches("*", ""));
    EXPECT_TRUE(patternMatches("*IGST", "Fixed closing fee IGST"));
    EXPECT_FALSE(patternMatches("*IGST", "IGST fee"));
    EXPECT_TRUE(patternMatches("a*b*c", "axxbyyc"));
    EXPECT_FALSE(patternMatches("a*b*c", "axxbyy"));
    EXPECT_TRUE(patternMatches("Storage Fee", "storage fee"));
    EXPECT_GT(patternSpecificity("*", "*", "Storage Fee"), patternSpecificity("Order", "ItemFees", "*"));
    EXPECT_GT(patternSpecificity("*", "ItemFees", "Commission"), patternSpecificity("*", "*", "Commission"));
    EXPECT_GT(patternSpecificity("*", "*", "Commission"), patternSpecificity("*", "*", "*mission"));
    EXPECT_EQ(patternSpecificity("*", "*", "*"), 0);
    EXPECT_EQ(patternSpecificity("Order", "ItemPrice", "Principal"), 26);
}

TEST(Categories, MappingRulesComeFirstAndOverrideItems) {
    const Mapping mapping = Mapping::parse(
        "version 7\n"
        "rule\t*\t*\tStorage Fee\taccount-fees\n"
        "rule\tOrder\tItemFees\t*\tmy-fees\n"
        "rule\tOrder\tItemFees\tCommission\tcommission\n"
        "category\tmy-fees\tMy Amazon Fees\tExpense\n"
        "item\tcommission\tFees:Referral\n"
        "account\tstorage\tWarehouse Costs\n",
        "test.map");
    CategoryTable table(&mapping);
    EXPECT_EQ(table.version(), "builtin-2+7");
    // The user's catch-all wins over the built-in exact rule...
    EXPECT_EQ(keyOf(table, "other-transaction", "other-transaction", "Storage Fee"), "account-fees");
    // ...and among the user's rules the most specific wins.
    EXPECT_EQ(keyOf(table, "Order", "ItemFees", "Commission"), "commission");
    EXPECT_EQ(keyOf(table, "Order", "ItemFees", "FBAPerUnitFulfillmentFee"), "my-fees");
    EXPECT_EQ(keyOf(table, "Refund", "ItemFees", "FBAPerUnitFulfillmentFee"), "fba-fulfilment");
    const int custom = table.indexOf("my-fees");
    ASSERT_GE(custom, 0);
    EXPECT_EQ(static_cast<std::size_t>(custom), builtinCategories().size());  // after the built-in ones
    const Category& mine = table.categories()[static_cast<std::size_t>(custom)];
    EXPECT_EQ(mine.item, "My Amazon Fees");
    EXPECT_FALSE(mine.gross);
    EXPECT_FALSE(mine.builtin);
    EXPECT_EQ(table.categories()[static_cast<std::size_t>(table.indexOf("commission"))].item, "Fees:Referral");
    EXPECT_EQ(table.categories()[static_cast<std::size_t>(table.indexOf("storage"))].account, "Warehouse Costs");
    EXPECT_EQ(table.categories()[static_cast<std::size_t>(table.indexOf("storage"))].item, "Amazon Storage Fees");
}

TEST(Categories, BuiltinVersionWithoutMapping) {
    CategoryTable table;
    EXPECT_EQ(table.version(), kBuiltinMappingVersion);
    EXPECT_EQ(table.categories()[table.productIndex()].key, "product");
    EXPECT_EQ(table.categories()[table.unmappedIndex()].key, "unmapped");
    EXPECT_EQ(table.indexOf("no-such"), -1);
}

TEST(Categories, CachedLookupsAreFast) {
    // ~900k rows over a handful of distinct triples: the cache makes each lookup a hash probe.
    CategoryTable table;
    const std::vector<std::vector<std::string>> triples = {
        {"Order", "ItemPrice", "Principal"},      {"Order", "ItemFees", "Commission"},
        {"Order", "ItemFees", "FBAPerUnitFulfillmentFee"}, {"Order", "ItemPrice", "Tax"},
        {"Order", "ItemWithheldTax", "MarketplaceFacilitatorTax-Principal"}, {"Refund", "ItemPrice", "Principal"}};
    std::uint64_t sum = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 900000; ++i) {
        const auto& t = triples[static_cast<std::size_t>(i) % triples.size()];
        sum += table.classify(t[0], t[1], t[2]).category;
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_GT(sum, 0u);
    // Generous bound (sanitizer and debug builds, a busy machine); a release build takes ~20 ms.
    EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 1500);
}


TEST(Categories, DocumentationListsTheWholeTable) {
    // docs/ACCOUNTING.md shows the categories and the built-in table as a bookkeeper reads them; keep them in step.
    std::ifstream in(std::string(SETTLEBRIDGE_SOURCE_DIR) + "/docs/ACCOUNTING.md");
    ASSERT_TRUE(in.good());
    const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    int number = 1;
    for (const auto& c : builtinCategories()) {
        const std::string row = "| " + std::to_string(number++) + " | `" + std::string(c.key) + "` | " +
                                std::string(c.label) + " | " + std::string(c.defaultItem) + " | " +
                                std::string(accountKindName(c.accountKind)) + " | " + std::string(c.defaultAccount) +
                                " | " + (c.gross ? "kept" : "left out") + " |";
        EXPECT_NE(doc.find(row), std::string::npos) << "missing in docs/ACCOUNTING.md: " << row;
    }
    std::size_t previous = 0;
    for (const auto& r : builtinCategoryRules()) {
        const std::string row = "| `" + std::string(r.transactionType) + "` | `" + std::string(r.amountType) + "` | `" +
                                std::string(r.amountDescription) + "` | `" + std::string(r.category) + "` |";
        const std::size_t at = doc.find(row);
        EXPECT_NE(at, std::string::npos) << "missing in docs/ACCOUNTING.md: " << row;
        if (at != std::string::npos) {
            EXPECT_GT(at, previous) << "out of order in docs/ACCOUNTING.md: " << row;
            previous = at;
        }
    }
}


TEST(Categories, CacheNeverConfusesLookAlikeTriples) {
    // Same lengths, same first and last bytes, different middles: the caches must still tell them apart.
    const Mapping mapping = Mapping::parse("version 1\n"
                                           "rule\t*\t*\tAAAAAAAAxAAAAAAAAA\tstorage\n"
                                           "rule\t*\t*\tAAAAAAAAyAAAAAAAAA\tinbound\n"
                                           "rule\t*\t*\tabXde\tpostage\n"
                                           "rule\t*\t*\tabYde\tsubscription\n"
                                           "rule\t*\t*\taXc\tlending\n"
                                           "rule\t*\t*\taYc\treserve\n",
                                           "lookalike.map");
    CategoryTable table(&mapping);
    for (int round = 0; round < 3; ++round) {
        EXPECT_EQ(keyOf(table, "x", "y", "AAAAAAAAxAAAAAAAAA"), "storage");
        EXPECT_EQ(keyOf(table, "x", "y", "AAAAAAAAyAAAAAAAAA"), "inbound");
        EXPECT_EQ(keyOf(table, "x", "y", "abXde"), "postage");
        EXPECT_EQ(keyOf(table, "x", "y", "abYde"), "subscription");
        EXPECT_EQ(keyOf(table, "x", "y", "aXc"), "lending");
        EXPECT_EQ(keyOf(table, "x", "y", "aYc"), "reserve");
        EXPECT_EQ(keyOf(table, "x", "y", "aZc"), "unmapped");
        EXPECT_EQ(keyOf(table, "Refund", "y", "aXc"), "lending");
        EXPECT_TRUE(table.classify("Refund", "y", "aXc").refund);
        EXPECT_FALSE(table.classify("Refunc", "y", "aXc").refund);
    }
    // Many distinct triples (more than the front cache holds) keep their own answers.
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < 1000; ++i) {
            const std::string description = "Mystery " + std::to_string(i);
            EXPECT_EQ(keyOf(table, "other-transaction", "other-transaction", description), "unmapped");
            EXPECT_EQ(keyOf(table, "other-transaction", "other-transaction", "Storage Fee " + std::to_string(i)), "storage");
        }
    }
}

}  // namespace
}  // namespace settlebridge::settlement
