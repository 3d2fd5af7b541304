#pragma once
// What the Sellercloud push knows about products (schema version 4): the cache of advertised SKU → Sellercloud
// product links (per connection and Sellercloud company), and which products it wrote custom-column values on,
// so a remap can clear them and a product no mapped profile advertises any more gets its values cleared.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/records.hpp"

namespace settlebridge::store {

class Database;

struct SellercloudLink {
    std::string sku;                 // the advertised SKU
    std::string productId;           // Sellercloud's product ID
    std::string rule;                // the linking rule that matched ("sku", "upc", ...; "manual")
    std::optional<common::Cents> itemCost;   // AverageCost when Sellercloud reported one
    Timestamp linkedAt = 0;
};

struct SellercloudWritten {
    std::string productId;
    std::vector<std::string> columns;  // the column names written
    std::int64_t sendId = 0;
    Timestamp writtenAt = 0;
};

/// A link made by hand (rule "manual"), with the Sellercloud company it is for.
struct SellercloudManualLink {
    std::int64_t scCompanyId = 0;
    SellercloudLink link;
};

class SellercloudProducts {
public:
    explicit SellercloudProducts(Database& db) noexcept : db_(db) {}

    std::optional<SellercloudLink> link(std::int64_t connectionId, std::int64_t scCompanyId, std::string_view sku);
    std::vector<SellercloudLink> links(std::int64_t connectionId, std::int64_t scCompanyId);
    void saveLink(std::int64_t connectionId, std::int64_t scCompanyId, const SellercloudLink& link);
    /// The links made by hand of a connection, by company and SKU.
    std::vector<SellercloudManualLink> manualLinks(std::int64_t connectionId);
    /// Drops one link (the product disappeared) or every link of a connection (the rules changed; "manual"
    /// links are kept then). Returns how many were dropped.
    int dropLink(std::int64_t connectionId, std::int64_t scCompanyId, std::string_view sku);
    int dropLinks(std::int64_t connectionId, bool keepManual = true);

    std::vector<SellercloudWritten> written(std::int64_t connectionId, std::int64_t scCompanyId);
    void markWritten(std::int64_t connectionId, std::int64_t scCompanyId, const SellercloudWritten& written);
    void forgetWritten(std::int64_t connectionId, std::int64_t scCompanyId, std::string_view productId);

private:
    Database& db_;
};

}  // namespace settlebridge::store
