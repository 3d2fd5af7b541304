#pragma once
// The user's versioned mapping: overrides of the built-in category table, the QuickBooks items and accounts of
// categories, the item of particular SKUs, and the customer per currency or marketplace. Read from a small text
// file (`settlebridge summarize --map FILE`; the store keeps the same text later). Format (docs/ACCOUNTING.md,
// "The mapping file"): one statement per line, fields separated by TAB characters, '#' starts a comment line.
//
//   version   <text>                                         required, once
//   rule      <transaction-type> TAB <amount-type> TAB <amount-description> TAB <category>
//   item      <category> TAB <QuickBooks item full name>
//   account   <category> TAB <QuickBooks account full name>
//   sku       <SKU> TAB <QuickBooks item full name>
//   customer  <currency or marketplace name> TAB <QuickBooks customer name>
//   category  <new key> TAB <label> [TAB <account kind> [TAB gross]]
//
// The keyword is separated from the first field by blanks. In rule patterns "*" means any value and a '*' inside
// a pattern matches any run of characters; matching ignores ASCII case.

#include <cstddef>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/settlement/categories.hpp"

namespace settlebridge::settlement {

/// A mapping file that cannot be used: names the file and the 1-based line (0 when about the whole file).
class MappingError : public std::runtime_error {
public:
    MappingError(std::string file, std::size_t line, const std::string& message);
    const std::string& file() const noexcept { return file_; }
    std::size_t line() const noexcept { return line_; }
    const std::string& detail() const noexcept { return detail_; }

private:
    std::string file_;
    std::size_t line_;
    std::string detail_;
};

struct MappingRule {
    std::string transactionType;
    std::string amountType;
    std::string amountDescription;
    std::string category;
    std::size_t line = 0;
};

/// A category the mapping adds to the built-in ones.
struct MappingCategory {
    std::string key;
    std::string label;
    AccountKind accountKind = AccountKind::Expense;
    bool gross = false;  // kept on the documents in gross mode
    std::size_t line = 0;
};

class Mapping {
public:
    /// An empty mapping (no overrides). Its version is empty.
    Mapping() = default;

    /// Reads and checks a mapping file. Throws MappingError (with file and line) on any problem, including a file
    /// that cannot be read.
    static Mapping loadFile(const std::string& path);

    /// Parses mapping text; `fileName` labels errors.
    static Mapping parse(std::string_view text, const std::string& fileName);

    const std::string& fileName() const noexcept { return fileName_; }
    const std::string& version() const noexcept { return version_; }
    const std::vector<MappingRule>& rules() const noexcept { return rules_; }
    const std::vector<MappingCategory>& categories() const noexcept { return categories_; }

    /// Overrides, or nullptr when the mapping does not set one.
    const std::string* itemFor(std::string_view category) const;
    const std::string* accountFor(std::string_view category) const;
    const std::string* skuItemFor(std::string_view sku) const;
    /// The `account` lines, in category order: the account each names and the line it is on.
    struct AccountLine {
        std::string category;
        std::string account;
        std::size_t line = 0;
    };
    std::vector<AccountLine> accountLines() const;
    /// The customer for a settlement: a rule naming the marketplace wins over one naming the currency (both
    /// compared without regard to ASCII case); nullptr when neither is set.
    const std::string* customerFor(std::string_view currency, std::string_view marketplaceName) const;

    /// The account of the carried-balance categories (carriedBalanceCategories()), and so of a negative settlement's
    /// documents: their common `account` line, else "Amazon Reserved Balances". parse() refuses a mapping where they
    /// differ, or a rule that takes one of their rows to another category.
    std::string carriedBalanceAccount() const;

private:
    void checkCarriedBalances() const;

    struct CaseInsensitiveLess {
        using is_transparent = void;
        bool operator()(std::string_view a, std::string_view b) const noexcept;
    };
    using Table = std::map<std::string, std::pair<std::string, std::size_t>, CaseInsensitiveLess>;
    using ExactTable = std::map<std::string, std::pair<std::string, std::size_t>, std::less<>>;

    std::string fileName_;
    std::string version_;
    std::vector<MappingRule> rules_;
    std::vector<MappingCategory> categories_;
    ExactTable items_;     // category key -> item
    ExactTable accounts_;  // category key -> account
    ExactTable skuItems_;  // SKU (exact) -> item
    Table customers_;  // currency or marketplace -> customer
};

/// QuickBooks customer names: each ':'-separated segment 1-41 characters, no control characters.
bool isValidCustomerName(std::string_view name) noexcept;

}  // namespace settlebridge::settlement
