#pragma once
// Ads profile → Sellercloud company mappings (schema version 4), their remap history and the manual
// "send the last N days" requests. Each profile maps to exactly one company of one Sellercloud connection.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/records.hpp"

namespace settlebridge::store {

class Database;

struct SellercloudMapping {
    std::int64_t id = 0;
    std::int64_t profileRow = 0;       // ads_profiles.id
    std::int64_t connectionId = 0;
    std::int64_t scCompanyId = 0;      // Sellercloud's CompanyDto.ID
    std::string scCompanyName;
    /// Which ad products are sent: "SP", "SD", "SB" (allocated), "WALMART".
    std::vector<std::string> adProducts{"SP", "SD", "SB", "WALMART"};
    /// Which channels are sent: "amazon" (SP, SD, SB), "walmart" (WALMART).
    std::vector<std::string> channels{"amazon", "walmart"};
    bool enabled = true;
    std::string lastSentDate;          // YYYY-MM-DD, the last day a send covered ("" = never sent)
    int requestedDays = 0;             // a manual "send the last N days" not yet done (0 = none)
    Timestamp requestedAt = 0;
    Timestamp createdAt = 0;
    Timestamp updatedAt = 0;

    /// The ad products to read from the store: adProducts whose channel is chosen.
    std::vector<std::string> effectiveAdProducts() const;
};

struct SellercloudRemap {
    std::int64_t id = 0;
    std::int64_t profileRow = 0;
    std::int64_t connectionId = 0;
    std::int64_t fromCompanyId = 0;
    std::string fromCompanyName;
    std::int64_t toCompanyId = 0;
    std::string toCompanyName;
    int clearedProducts = 0;
    Timestamp at = 0;
};

class SellercloudMappings {
public:
    explicit SellercloudMappings(Database& db) noexcept : db_(db) {}

    /// Inserts or replaces the mapping of `mapping.profileRow` (company, ad products, channels, enabled).
    /// last_sent_date is kept when the company stays the same and reset when it changes. Throws StoreError for
    /// an unknown ad product or channel.
    SellercloudMapping save(const SellercloudMapping& mapping, Timestamp now);
    std::optional<SellercloudMapping> find(std::int64_t id);
    std::optional<SellercloudMapping> findByProfile(std::int64_t profileRow);
    /// Every mapping (of one connection when given), by id.
    std::vector<SellercloudMapping> list(std::optional<std::int64_t> connectionId = std::nullopt);
    /// The mappings of one Sellercloud company of a connection.
    std::vector<SellercloudMapping> forCompany(std::int64_t connectionId, std::int64_t scCompanyId);
    bool remove(std::int64_t profileRow);

    void setLastSentDate(std::int64_t mappingId, std::string_view date, Timestamp now);
    /// "Send the last N days" (1..95); 0 clears the request (done).
    void requestDays(std::int64_t mappingId, int days, Timestamp now);

    void addRemap(const SellercloudRemap& remap);
    std::vector<SellercloudRemap> remaps(std::optional<std::int64_t> profileRow = std::nullopt);

private:
    Database& db_;
};

}  // namespace settlebridge::store
