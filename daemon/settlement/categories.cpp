#include "daemon/settlement/triple_key.hpp"
#include "daemon/settlement/categories.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>

#include "daemon/settlement/mapping.hpp"
#include "daemon/common/text.hpp"

namespace settlebridge::settlement {

namespace {

using AK = AccountKind;

// The built-in categories, in the order their lines appear on a document: what the buyer paid first, then
// Amazon's fees, then account-level money, then "unmapped".
constexpr std::array<CategoryInfo, 37> kCategories{{
    // key                        label                                                     default item                      account kind               default account               gross
    {"product",                  "Product sales",                                          "Amazon Sales",                   AK::Income,                "Amazon Sales",               true},
    {"product-tax",              "Sales tax collected on products",                        "Amazon Sales Tax",               AK::OtherCurrentLiability, "Amazon Sales Tax Payable",   true},
    {"shipping",                 "Shipping charged to buyers",                             "Amazon Shipping",                AK::Income,                "Amazon Shipping Income",     true},
    {"shipping-tax",             "Sales tax collected on shipping",                        "Amazon Shipping Tax",            AK::OtherCurrentLiability, "Amazon Sales Tax Payable",   true},
    {"gift-wrap",                "Gift wrap charged to buyers",                            "Amazon Gift Wrap",               AK::Income,                "Amazon Gift Wrap Income",    true},
    {"gift-wrap-tax",            "Sales tax collected on gift wrap",                       "Amazon Gift Wrap Tax",           AK::OtherCurrentLiability, "Amazon Sales Tax Payable",   true},
    {"other-item-price",         "Other buyer charges (restocking etc.)",
                                                                                           "Amazon Other Buyer Charges",     AK::Income,                "Amazon Other Sales Income",  true},
    {"promotions",               "Promotions and discounts",                               "Amazon Promotions",              AK::Income,                "Amazon Promotions",          true},
    {"marketplace-tax-withheld", "Tax withheld by Amazon (facilitator)", "Amazon MF Tax Withheld",         AK::OtherCurrentLiability, "Amazon Sales Tax Payable",   true},
    {"tax-withheld-at-source",   "Tax withheld at source (TCS, TDS)", "Amazon Tax Withheld at Source", AK::OtherCurrentAsset,     "Amazon Tax Withheld",        true},
    {"commission",               "Referral fees (commission)",                             "Amazon Referral Fees",           AK::Expense,               "Amazon Selling Fees",        false},
    {"refund-commission",        "Refund administration fees",                             "Amazon Refund Admin Fees",       AK::Expense,               "Amazon Selling Fees",        false},
    {"closing-fees",             "Closing fees",                                           "Amazon Closing Fees",            AK::Expense,               "Amazon Selling Fees",        false},
    {"digital-services-fee",     "Digital services fees",                                  "Amazon Digital Services Fee",    AK::Expense,               "Amazon Selling Fees",        false},
    {"other-selling-fees",       "Other selling fees",                                     "Amazon Other Selling Fees",      AK::Expense,               "Amazon Selling Fees",        false},
    {"fba-fulfilment",           "FBA fulfilment fees",                                    "Amazon FBA Fulfilment Fees",     AK::Expense,               "Amazon FBA Fees",            false},
    {"shipping-chargeback",      "Shipping and gift wrap chargebacks",       "Amazon Shipping Chargebacks",    AK::Expense,               "Amazon FBA Fees",            false},
    {"storage",                  "FBA storage fees",                                       "Amazon Storage Fees",            AK::Expense,               "Amazon FBA Fees",            false},
    {"inbound",                  "FBA inbound and placement fees",  "Amazon Inbound Fees",            AK::Expense,               "Amazon FBA Fees",            false},
    {"removal-disposal",         "FBA removal and disposal fees",                          "Amazon Removal Fees",            AK::Expense,               "Amazon FBA Fees",            false},
    {"postage",                  "Shipping labels bought through Amazon",                  "Amazon Postage",                 AK::Expense,               "Postage and Delivery",       false},
    {"advertising",              "Advertising (Cost of Advertising)",                      "Amazon Advertising",             AK::Expense,               "Advertising and Promotion",  false},
    {"coupons-deals",            "Coupon, deal and Vine fees",           "Amazon Coupons and Deals",       AK::Expense,               "Advertising and Promotion",  false},
    {"subscription",             "Seller subscription",                                    "Amazon Subscription",            AK::Expense,               "Amazon Selling Fees",        false},
    {"fee-tax",                  "Tax on Amazon fees (GST/HST, IGST)",        "Amazon Tax on Fees",             AK::Expense,               "Amazon Tax on Fees",         false},
    // The same tax for a seller registered for GST/HST or VAT (SummarizeOptions::taxRegistered): an input tax credit.
    {"fee-tax-recoverable",      "Recoverable tax on Amazon fees (input tax credit)",
                                                                                           "Amazon Tax on Fees Recoverable", AK::OtherCurrentAsset,     "Tax Recoverable on Amazon Fees", false},
    {"account-fees",             "Other account fees and adjustments",                     "Amazon Account Adjustments",     AK::Expense,               "Amazon Selling Fees",        false},
    {"reimbursements",           "FBA inventory reimbursements",                           "Amazon Reimbursements",          AK::Income,                "Amazon Reimbursements",      false},
    {"liquidations",             "FBA liquidation proceeds",                               "Amazon Liquidations",            AK::Income,                "Amazon Liquidations",        false},
    {"reserve",                  "Reserve held or released",             "Amazon Reserve",                 AK::OtherCurrentAsset,     "Amazon Reserved Balances",   false},
    {"payable-to-amazon",        "Payable to Amazon, debt recovered",
                                                                                           "Amazon Payable Balance",         AK::OtherCurrentAsset,     "Amazon Reserved Balances",   false},
    {"card-charge",              "Card charged by Amazon",             "Amazon Card Charges",            AK::OtherCurrentAsset,     "Amazon Reserved Balances",   false},
    {"micro-deposit",            "Bank account verification deposits",                     "Amazon Micro Deposits",          AK::OtherCurrentAsset,     "Amazon Reserved Balances",   false},
    {"carried-balance",          "Balance carried between settlements",                    "Amazon Carried Balance",         AK::OtherCurrentAsset,     "Amazon Reserved Balances",   false},
    {"failed-disbursement",      "Payout returned by the bank (failed disbursement)",      "Amazon Failed Disbursements",    AK::OtherCurrentAsset,     "Amazon Reserved Balances",   false},
    {"lending",                  "Amazon Lending repayments",                              "Amazon Loan Repayment",          AK::OtherCurrentLiability, "Amazon Lending Loan",        false},
    {"unmapped",                 "Unmapped (needs a mapping rule)",                        "Amazon Unmapped",                AK::OtherCurrentAsset,     "Amazon Suspense",            true},
}};

// The built-in table. Among equally specific patterns the earlier one wins, so the tax-suffix globs come before
// the other globs ("MFNPostagePurchaseCompleteIGST" is tax on a fee, not postage).
constexpr CategoryRule kRules[] = {
    // What the buyer paid (ItemPrice), per component.
    {"*", "ItemPrice", "Principal", "product"},
    {"*", "ItemPrice", "Tax", "product-tax"},
    {"*", "ItemPrice", "Shipping", "shipping"},
    {"*", "ItemPrice", "ShippingTax", "shipping-tax"},
    {"*", "ItemPrice", "GiftWrap", "gift-wrap"},
    {"*", "ItemPrice", "GiftWrapTax", "gift-wrap-tax"},
    {"*", "ItemPrice", "*Tax", "product-tax"},
    {"*", "ItemPrice", "*", "other-item-price"},
    // Promotions of every kind (price discounts, free shipping).
    {"*", "Promotion", "*", "promotions"},
    // Tax Amazon withholds: marketplace facilitator / VAT / low-value goods (nets the tax lines to zero) and
    // tax collected or deducted at source (India TCS/TDS, Mexico income tax).
    {"*", "*", "MarketplaceFacilitatorTax-*", "marketplace-tax-withheld"},
    {"*", "*", "MarketplaceFacilitatorVAT-*", "marketplace-tax-withheld"},
    {"*", "*", "LowValueGoodsTax-*", "marketplace-tax-withheld"},
    {"*", "ItemWithheldTax", "TCS-*", "tax-withheld-at-source"},
    {"*", "ItemWithheldTax", "TDS*", "tax-withheld-at-source"},
    {"*", "ItemWithheldTax", "*", "marketplace-tax-withheld"},
    {"Income Tax Charged", "*", "*", "tax-withheld-at-source"},
    // Tax charged on Amazon's own fees and services.
    {"*", "*", "TaxAmount", "fee-tax"},
    {"*", "*", "MFNPostagePurchaseCompleteIGST", "fee-tax"},
    {"*", "*", "*IGST", "fee-tax"},
    {"*", "*", "*CGST", "fee-tax"},
    {"*", "*", "*SGST", "fee-tax"},
    {"*", "*", "*UTGST", "fee-tax"},
    // Reimbursement reasons (before the storage/inbound/removal globs: "REMOVAL_ORDER_LOST" is a reimbursement).
    {"*", "*", "WAREHOUSE_*", "reimbursements"},
    {"*", "*", "REMOVAL_ORDER_*", "reimbursements"},
    {"*", "*", "MULTICHANNEL_ORDER_*", "reimbursements"},
    {"*", "*", "INCORRECT_FEES_*", "reimbursements"},
    {"*", "*", "*Reimbursement*", "reimbursements"},
    // Selling fees.
    {"*", "*", "Commission", "commission"},
    {"*", "*", "RefundCommission", "refund-commission"},
    {"*", "*", "Refund commission", "refund-commission"},
    {"*", "*", "Refund Administration Fee", "refund-commission"},
    {"*", "*", "VariableClosingFee", "closing-fees"},
    {"*", "*", "FixedClosingFee", "closing-fees"},
    {"*", "*", "Fixed closing fee", "closing-fees"},
    {"*", "*", "Variable closing fee", "closing-fees"},
    {"*", "*", "DigitalServicesFee", "digital-services-fee"},
    {"*", "*", "DigitalServicesFeeFBA", "digital-services-fee"},
    {"*", "*", "Digital Services Fee", "digital-services-fee"},
    {"*", "*", "SalesTaxServiceFee", "other-selling-fees"},
    {"*", "*", "Technology Fee", "other-selling-fees"},
    {"*", "*", "HighVolumeListingFee", "other-selling-fees"},
    {"Fee Adjustment", "*", "*", "other-selling-fees"},
    {"*", "Item Fee Adjustment", "*", "other-selling-fees"},
    // FBA fulfilment (per unit, per order, weight, transport on the order, customer returns, multi-channel).
    {"*", "*", "FBAPerUnitFulfillmentFee", "fba-fulfilment"},
    {"*", "*", "FBAPerOrderFulfillmentFee", "fba-fulfilment"},
    {"*", "*", "FBAWeightBasedFee", "fba-fulfilment"},
    {"*", "*", "FBA Pick & Pack Fee", "fba-fulfilment"},
    {"*", "*", "FBA Weight Handling Fee", "fba-fulfilment"},
    {"*", "*", "FBA transportation fee", "fba-fulfilment"},
    {"*", "*", "FBACustomerReturnPerUnitFee", "fba-fulfilment"},
    {"*", "*", "FBACustomerReturnPerOrderFee", "fba-fulfilment"},
    {"*", "*", "FBACustomerReturnWeightBasedFee", "fba-fulfilment"},
    {"*", "*", "Multi-Channel Fulfillment*", "fba-fulfilment"},
    {"FBAFees", "*", "*", "fba-fulfilment"},
    // Shipping / gift-wrap credits Amazon takes back on FBA orders.
    {"*", "*", "ShippingChargeback", "shipping-chargeback"},
    {"*", "*", "GiftwrapChargeback", "shipping-chargeback"},
    {"*", "*", "ShippingHB", "shipping-chargeback"},
    // FBA inventory: storage, inbound, removal and disposal.
    {"*", "*", "*Storage*", "storage"},
    {"*", "*", "Inbound Transportation Fee", "inbound"},
    {"*", "*", "FBAInboundTransportationFee", "inbound"},
    {"*", "*", "Inbound Transportation Program Fee", "inbound"},
    {"*", "*", "FBAInboundConvenienceFee", "inbound"},
    {"*", "*", "FBAInboundDefectFee", "inbound"},
    {"*", "Inbound Defect Fee", "*", "inbound"},
    {"*", "*", "*Inbound*", "inbound"},
    {"*", "*", "RemovalComplete", "removal-disposal"},
    {"*", "*", "DisposalComplete", "removal-disposal"},
    {"*", "*", "*Removal*", "removal-disposal"},
    {"*", "*", "*Disposal*", "removal-disposal"},
    // Postage bought on Amazon for merchant-fulfilled orders.
    {"*", "*", "Shipping label*", "postage"},
    {"*", "*", "ShippingServices", "postage"},
    {"*", "*", "ShippingServicesRefund", "postage"},
    {"*", "*", "Amazon Easy Ship Charges", "postage"},
    {"*", "*", "*Postage*", "postage"},
    {"*", "*", "*Easy Ship*", "postage"},
    // Advertising paid from the proceeds, and the programmes around it.
    {"*", "Cost of Advertising", "*", "advertising"},
    {"*", "Refund for Advertiser", "*", "advertising"},
    {"ServiceFee", "*", "Cost of Advertising", "advertising"},
    {"*", "CouponRedemptionFee", "*", "coupons-deals"},
    {"CouponRedemptionFee", "*", "*", "coupons-deals"},
    {"*", "*", "Coupon*", "coupons-deals"},
    {"*", "LightningDealFee", "*", "coupons-deals"},
    {"Lightning Deal Fee", "*", "*", "coupons-deals"},
    {"*", "*", "*Deal Fee", "coupons-deals"},
    {"*", "Vine Enrollment Fee", "*", "coupons-deals"},
    {"Vine Enrollment Fee", "*", "*", "coupons-deals"},
    {"*", "*", "Vine*", "coupons-deals"},
    {"*", "Review Enrollment Fee", "*", "coupons-deals"},
    {"SellerReviewEnrollmentPayment", "*", "*", "coupons-deals"},
    // Subscription and other account-level fees.
    {"*", "*", "Subscription Fee", "subscription"},
    {"*", "*", "SubscriptionFee", "subscription"},
    {"*", "*", "Subscription", "subscription"},
    {"*", "*", "NonSubscriptionFeeAdj", "account-fees"},
    {"*", "*", "BalanceAdjustment", "account-fees"},
    {"*", "*", "Manual Processing Fee", "account-fees"},
    {"*", "*", "Label fee", "account-fees"},
    {"*", "*", "Taping Fee", "account-fees"},
    {"*", "*", "Polybagging Fee", "account-fees"},
    {"*", "*", "Bubblewrap Fee", "account-fees"},
    {"*", "*", "Unplanned Service Fee*", "account-fees"},
    {"*", "*", "Reversal", "account-fees"},
    {"Commingling VAT", "*", "*", "account-fees"},
    {"Grade and Resell Fees", "*", "*", "account-fees"},
    {"*", "Grade and Resell Charge", "*", "account-fees"},
    // FBA inventory reimbursements and claims (positive; a reversal takes one back).
    {"*", "FBA Inventory Reimbursement", "*", "reimbursements"},
    {"*", "*", "WAREHOUSE_DAMAGE", "reimbursements"},
    {"*", "*", "WAREHOUSE_LOST", "reimbursements"},
    {"*", "*", "WAREHOUSE_DAMAGE_EXCEPTION", "reimbursements"},
    {"*", "*", "MISSING_FROM_INBOUND", "reimbursements"},
    {"*", "*", "REVERSAL_REIMBURSEMENT", "reimbursements"},
    {"*", "*", "REMOVAL_ORDER_DAMAGED", "reimbursements"},
    {"*", "*", "REMOVAL_ORDER_LOST", "reimbursements"},
    {"*", "*", "MULTICHANNEL_ORDER_LOST", "reimbursements"},
    {"*", "*", "MULTICHANNEL_ORDER_LATE", "reimbursements"},
    {"*", "*", "MULTICHANNEL_ORDER_DAMAGED", "reimbursements"},
    {"*", "*", "INCORRECT_FEES_NON_ITEMIZED", "reimbursements"},
    {"*", "*", "INCORRECT_FEES_ITEMIZED", "reimbursements"},
    {"*", "*", "CS_ERROR_ITEMS", "reimbursements"},
    {"*", "*", "CUSTOMER_RETURN", "reimbursements"},
    {"*", "*", "CUSTOMER_SERVICE_ISSUE", "reimbursements"},
    {"*", "*", "FREE_REPLACEMENT_REFUND_ITEMS", "reimbursements"},
    {"*", "*", "SAFE-T Reimbursement", "reimbursements"},
    {"*", "*", "SAFETReimbursement", "reimbursements"},
    {"Liquidations", "*", "*", "liquidations"},
    {"Liquidations Adjustments", "*", "*", "liquidations"},
    // Balance-sheet money: reserves, the previous negative balance, card charges, bank checks, lending.
    {"*", "*", "Current Reserve Amount", "reserve"},
    {"*", "*", "Previous Reserve Amount Balance", "reserve"},
    // Balances Amazon carries from one settlement to another, and a payout the bank returned (docs/ACCOUNTING.md
    // section 14; labels from a real-file transaction list, shared/research/settlement.md section a.5 "BC").
    {"*", "*", "Carryover", "carried-balance"},
    {"*", "*", "Previous statements unavailable balance", "carried-balance"},
    {"*", "*", "Failed disbursement", "failed-disbursement"},
    {"*", "*", "*Reserve*", "reserve"},
    {"*", "*", "Payable to Amazon", "payable-to-amazon"},
    {"Debt Adjustment", "*", "*", "payable-to-amazon"},
    {"*", "Debt Adjustment", "*", "payable-to-amazon"},
    {"*", "*", "Debt adjustment*", "payable-to-amazon"},
    {"*", "*", "Successful charge", "card-charge"},
    {"*", "*", "Micro Deposit", "micro-deposit"},
    {"*", "*", "MicroDeposit", "micro-deposit"},
    {"*", "*", "Amazon Capital Services", "lending"},
    {"*", "*", "Loan Repayment", "lending"},
    {"*", "*", "Loan Advance", "lending"},
    {"*", "*", "*Lending*", "lending"},
    {"*", "*", "*Loan*", "lending"},
    // Retro-charges are tax adjustments after the fact.
    {"Order_Retrocharge", "*", "*", "product-tax"},
    {"Refund_Retrocharge", "*", "*", "product-tax"},
    // Labels from published lists that quote Amazon's exact strings (none is in a file we hold yet).
    // Amazon MWS "Fee Types" (FeeType values of financial events; settlement V2 writes the same names):
    // https://docs.developer.amazonservices.com/en_CA/finances/Finances_FeeTypes.html
    {"*", "*", "ReferralFee", "commission"},
    {"*", "*", "SalesTaxCollectionFee", "other-selling-fees"},
    {"*", "*", "ImagingServicesFee", "other-selling-fees"},
    {"*", "*", "AmazonUpstreamProcessingFee", "inbound"},
    // My Real Profit, "Amazon Fees Glossary" (Amazon API names):
    // https://intercom.help/myrealprofit/en/articles/14116503-amazon-fees-glossary-every-fee-type-explained
    {"*", "*", "CommissionCorrection", "commission"},
    {"*", "*", "DealParticipationFee", "coupons-deals"},
    {"*", "*", "DealPerformanceFee", "coupons-deals"},
    {"*", "*", "CustomerReturnHRRUnitFee", "fba-fulfilment"},
    {"*", "*", "COMPENSATED_CLAWBACK", "reimbursements"},
    {"*", "*", "CRETURN_WRONG_ITEM", "reimbursements"},
    {"*", "*", "CS_ERROR_NON_ITEMIZED", "reimbursements"},
    // New fees Amazon adds under known amount types land in that family rather than "unmapped".
    {"*", "ItemFees", "*", "other-selling-fees"},
    {"*", "ShipmentFees", "*", "other-selling-fees"},
    {"*", "OrderFees", "*", "other-selling-fees"},
    {"*", "MiscFees", "*", "other-selling-fees"},
};

int fieldScore(std::string_view pattern) noexcept {
    if (pattern == "*") return 0;
    return pattern.find('*') == std::string_view::npos ? 2 : 1;
}

/// Glob match, '*' = any run; iterative with one backtrack point (linear in practice).
bool globMatches(std::string_view pattern, std::string_view text) noexcept {
    std::size_t p = 0;
    std::size_t t = 0;
    std::size_t star = std::string_view::npos;
    std::size_t mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = t;
        } else if (p < pattern.size() && common::asciiLower(pattern[p]) == common::asciiLower(text[t])) {
            ++p;
            ++t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}


/// Distinct triples cached at most; past this, triples are matched against the rules each time (still correct).
constexpr std::size_t kMaxCachedTriples = 1u << 16;

}  // namespace

std::string_view accountKindName(AccountKind kind) noexcept {
    switch (kind) {
    case AccountKind::Income: return "Income";
    case AccountKind::Expense: return "Expense";
    case AccountKind::OtherCurrentLiability: return "OtherCurrentLiability";
    case AccountKind::OtherCurrentAsset: return "OtherCurrentAsset";
    case AccountKind::Bank: return "Bank";
    }
    return "Expense";
}

std::span<const CategoryInfo> builtinCategories() noexcept { return kCategories; }

std::span<const std::string_view> carriedBalanceCategories() noexcept {
    static constexpr std::string_view kCarried[] = {"payable-to-amazon", "card-charge", "carried-balance",
                                                    "failed-disbursement", "micro-deposit"};
    return kCarried;
}

bool isCarriedBalanceCategory(std::string_view key) noexcept {
    for (const std::string_view carried : carriedBalanceCategories())
        if (carried == key) return true;
    return false;
}

std::span<const CategoryRule> carriedBalanceSamples() noexcept {
    // Triples as real files write them (V1 rows already turned into the V2 shape, section 5 of docs/ACCOUNTING.md).
    static constexpr CategoryRule kSamples[] = {
        {"other-transaction", "other-transaction", "Payable to Amazon", "payable-to-amazon"},
        {"Debt Adjustment", "Debt Adjustment",
         "Debt adjustment against Electronic Transaction (Credit Card/Net Banking/GC) Accounts", "payable-to-amazon"},
        {"other-transaction", "other-transaction", "Successful charge", "card-charge"},
        {"other-transaction", "other-transaction", "Carryover", "carried-balance"},
        {"other-transaction", "other-transaction", "Previous statements unavailable balance", "carried-balance"},
        {"other-transaction", "other-transaction", "Failed disbursement", "failed-disbursement"},
        {"other-transaction", "other-transaction", "Micro Deposit", "micro-deposit"},
    };
    return kSamples;
}
std::span<const CategoryRule> builtinCategoryRules() noexcept { return kRules; }

const CategoryInfo* findBuiltinCategory(std::string_view key) noexcept {
    for (const auto& category : kCategories)
        if (category.key == key) return &category;
    return nullptr;
}

bool isRefundTransactionType(std::string_view transactionType) noexcept {
    if (common::equalsIgnoreCaseAscii(transactionType, "Refund")) return true;
    // "Refund_" and " Refund" alone are not refund types: something must come after or before them.
    if (transactionType.size() > 7 && common::startsWithIgnoreCaseAscii(transactionType, "Refund_")) return true;
    return transactionType.size() > 7 && common::endsWithIgnoreCaseAscii(transactionType, " Refund");
}

bool patternMatches(std::string_view pattern, std::string_view text) noexcept {
    if (pattern == "*") return true;
    if (pattern.find('*') == std::string_view::npos) return common::equalsIgnoreCaseAscii(pattern, text);
    return globMatches(pattern, text);
}

int patternSpecificity(std::string_view transactionType, std::string_view amountType,
                       std::string_view amountDescription) noexcept {
    return 9 * fieldScore(amountDescription) + 3 * fieldScore(amountType) + fieldScore(transactionType);
}

struct CategoryTable::Impl {
    /// A small direct-mapped cache in front of the hash map, indexed by a cheap fingerprint (lengths and the
    /// description's first and last bytes), so the common case costs three short compares and no full hash.
    struct FrontEntry {
        std::string transactionType;
        std::string amountType;
        std::string amountDescription;
        Classification result;
        bool used = false;
    };
    static constexpr std::size_t kFrontBits = 8;

    /// The bytes of a string shorter than 8, packed into a number with fixed-size loads (overlapping windows
    /// cover every byte, so two strings of the same length are equal exactly when their packings are).
    static std::uint64_t packShort(const char* p, std::size_t n) noexcept {
        if (n >= 4) {
            std::uint32_t low = 0;
            std::uint32_t high = 0;
            std::memcpy(&low, p, 4);
            std::memcpy(&high, p + n - 4, 4);
            return (std::uint64_t{high} << 32) | low;
        }
        if (n == 0) return 0;
        return std::uint64_t{static_cast<unsigned char>(p[0])} |
               (std::uint64_t{static_cast<unsigned char>(p[n / 2])} << 8) |
               (std::uint64_t{static_cast<unsigned char>(p[n - 1])} << 16);
    }
    /// 8 bytes at the start of `text` (all of it, packed, when shorter). Fixed-size loads only: a variable-length
    /// memcpy into a local stalls on store forwarding.
    static std::uint64_t head8(std::string_view text) noexcept {
        if (text.size() < 8) return packShort(text.data(), text.size());
        std::uint64_t value = 0;
        std::memcpy(&value, text.data(), 8);
        return value;
    }
    static std::uint64_t tail8(std::string_view text) noexcept {
        if (text.size() < 8) return 0;  // head8 already holds all of it
        std::uint64_t value = 0;
        std::memcpy(&value, text.data() + text.size() - 8, 8);
        return value;
    }
    static std::size_t frontIndex(const TripleView& t) noexcept {
        std::uint64_t h = (t.transactionType.size() * 1024 + t.amountType.size()) * 1024 + t.amountDescription.size();
        h ^= head8(t.amountDescription) * 0xff51afd7ed558ccdULL;
        h ^= tail8(t.amountDescription) * 0xc4ceb9fe1a85ec53ULL;
        h ^= head8(t.transactionType) * 0x9e3779b97f4a7c15ULL;
        h ^= (h >> 29);
        return static_cast<std::size_t>((h * 0x9e3779b97f4a7c15ULL) >> (64 - kFrontBits));
    }
    std::array<FrontEntry, std::size_t{1} << kFrontBits> front;

    /// Byte equality without a library call for the short strings settlement labels are.
    static bool sameBytes(const std::string& a, std::string_view b) noexcept {
        const std::size_t n = a.size();
        if (n != b.size()) return false;
        if (n >= 8) {
            std::uint64_t x = 0;
            std::uint64_t y = 0;
            std::memcpy(&x, a.data(), 8);
            std::memcpy(&y, b.data(), 8);
            if (x != y) return false;
            std::memcpy(&x, a.data() + n - 8, 8);
            std::memcpy(&y, b.data() + n - 8, 8);
            if (x != y) return false;
            return n <= 16 || std::memcmp(a.data() + 8, b.data() + 8, n - 16) == 0;
        }
        return packShort(a.data(), n) == packShort(b.data(), n);
    }

    struct Compiled {
        std::string_view transactionType;
        std::string_view amountType;
        std::string_view amountDescription;
        std::uint32_t category;
        int score;
    };

    std::vector<Category> categories;
    std::vector<Compiled> userRules;     // most specific first
    std::vector<Compiled> builtinRules;  // most specific first
    std::unordered_map<TripleKey, Classification, TripleHash, TripleEqual> cache;
    std::uint32_t product = 0;
    std::uint32_t unmapped = 0;
    std::string version;

    int indexOf(std::string_view key) const noexcept {
        for (std::size_t i = 0; i < categories.size(); ++i)
            if (categories[i].key == key) return static_cast<int>(i);
        return -1;
    }

    static void sortBySpecificity(std::vector<Compiled>& rules) {
        std::stable_sort(rules.begin(), rules.end(),
                         [](const Compiled& a, const Compiled& b) { return a.score > b.score; });
    }

    static const Compiled* firstMatch(const std::vector<Compiled>& rules, const TripleView& triple) noexcept {
        for (const auto& rule : rules) {
            if (patternMatches(rule.amountDescription, triple.amountDescription) &&
                patternMatches(rule.amountType, triple.amountType) &&
                patternMatches(rule.transactionType, triple.transactionType)) {
                return &rule;
            }
        }
        return nullptr;
    }

    Classification match(const TripleView& triple) const noexcept {
        const Compiled* rule = firstMatch(userRules, triple);
        if (rule == nullptr) rule = firstMatch(builtinRules, triple);
        return Classification{rule != nullptr ? rule->category : unmapped,
                              isRefundTransactionType(triple.transactionType)};
    }
};

CategoryTable::CategoryTable(const Mapping* mapping) : impl_(std::make_unique<Impl>()) {
    Impl& impl = *impl_;
    for (const auto& info : kCategories) {
        Category category;
        category.key = std::string(info.key);
        category.label = std::string(info.label);
        category.item = std::string(info.defaultItem);
        category.account = std::string(info.defaultAccount);
        category.accountKind = info.accountKind;
        category.gross = info.gross;
        category.builtin = true;
        impl.categories.push_back(std::move(category));
    }
    if (mapping != nullptr) {
        for (const auto& declared : mapping->categories()) {
            Category category;
            category.key = declared.key;
            category.label = declared.label;
            category.item = declared.label;
            category.accountKind = declared.accountKind;
            switch (declared.accountKind) {
            case AccountKind::Income: category.account = "Amazon Other Income"; break;
            case AccountKind::Expense: category.account = "Amazon Other Fees"; break;
            case AccountKind::OtherCurrentLiability: category.account = "Amazon Other Liabilities"; break;
            case AccountKind::OtherCurrentAsset: category.account = "Amazon Reserved Balances"; break;
            case AccountKind::Bank: category.account = "Amazon Clearing"; break;
            }
            category.gross = declared.gross;
            category.builtin = false;
            impl.categories.push_back(std::move(category));
        }
        for (auto& category : impl.categories) {
            if (const std::string* item = mapping->itemFor(category.key)) category.item = *item;
            if (const std::string* account = mapping->accountFor(category.key)) category.account = *account;
        }
    }
    impl.product = static_cast<std::uint32_t>(impl.indexOf(kProductCategory));
    impl.unmapped = static_cast<std::uint32_t>(impl.indexOf(kUnmappedCategory));

    for (const auto& rule : kRules) {
        const int index = impl.indexOf(rule.category);
        impl.builtinRules.push_back(Impl::Compiled{rule.transactionType, rule.amountType, rule.amountDescription,
                                                   static_cast<std::uint32_t>(index < 0 ? impl.unmapped : index),
                                                   patternSpecificity(rule.transactionType, rule.amountType,
                                                                      rule.amountDescription)});
    }
    Impl::sortBySpecificity(impl.builtinRules);

    impl.version = std::string(kBuiltinMappingVersion);
    if (mapping != nullptr) {
        for (const auto& rule : mapping->rules()) {
            const int index = impl.indexOf(rule.category);
            impl.userRules.push_back(Impl::Compiled{rule.transactionType, rule.amountType, rule.amountDescription,
                                                    static_cast<std::uint32_t>(index < 0 ? impl.unmapped : index),
                                                    patternSpecificity(rule.transactionType, rule.amountType,
                                                                       rule.amountDescription)});
        }
        Impl::sortBySpecificity(impl.userRules);
        if (!mapping->version().empty()) impl.version += "+" + mapping->version();
    }
    impl.cache.reserve(256);
}

CategoryTable::~CategoryTable() = default;
CategoryTable::CategoryTable(CategoryTable&&) noexcept = default;
CategoryTable& CategoryTable::operator=(CategoryTable&&) noexcept = default;

Classification CategoryTable::classify(std::string_view transactionType, std::string_view amountType,
                                       std::string_view amountDescription) {
    Impl& impl = *impl_;
    const TripleView triple{transactionType, amountType, amountDescription};
    Impl::FrontEntry& front = impl.front[Impl::frontIndex(triple)];
    if (front.used && Impl::sameBytes(front.amountDescription, amountDescription) &&
        Impl::sameBytes(front.amountType, amountType) && Impl::sameBytes(front.transactionType, transactionType)) {
        return front.result;
    }
    Classification result;
    if (const auto it = impl.cache.find(triple); it != impl.cache.end()) {
        result = it->second;
    } else {
        result = impl.match(triple);
        if (impl.cache.size() < kMaxCachedTriples) {
            impl.cache.emplace(
                TripleKey(TripleView{transactionType, amountType, amountDescription}), result);
        }
    }
    if (!front.used) {  // first come keeps the slot: no thrashing between two triples that share it
        front.transactionType.assign(transactionType);
        front.amountType.assign(amountType);
        front.amountDescription.assign(amountDescription);
        front.result = result;
        front.used = true;
    }
    return result;
}

const std::vector<Category>& CategoryTable::categories() const noexcept { return impl_->categories; }
std::uint32_t CategoryTable::productIndex() const noexcept { return impl_->product; }
std::uint32_t CategoryTable::unmappedIndex() const noexcept { return impl_->unmapped; }
int CategoryTable::indexOf(std::string_view key) const noexcept { return impl_->indexOf(key); }
const std::string& CategoryTable::version() const noexcept { return impl_->version; }

}  // namespace settlebridge::settlement
