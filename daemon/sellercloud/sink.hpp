#pragma once
// Where the push writes: a sink takes one product's figures (recomputed from the store at every send, so a
// resend after Amazon restates a day replaces the values, never adds to them) and writes them to Sellercloud.
// Sellercloud's public REST API has no per-day ad-cost endpoint (../shared/research/ads_sellercloud.md §c.6), so
// the one sink today is product custom columns (PUT /api/Products/CustomColumns); a per-day ad-cost sink can be
// added behind the same interface the day such an endpoint is known (it would use ProductFigures::days).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/sellercloud/client.hpp"
#include "daemon/store/sellercloud_connections.hpp"

namespace settlebridge::sellercloud {

struct DayFigure {
    std::string date;  // YYYY-MM-DD
    common::Cents cost = 0;
    common::Cents sales = 0;
};

/// One product's figures as of `asOfDate` (the last day of the send), summed over every advertised SKU linked to
/// it and every profile mapped to the company.
struct ProductFigures {
    std::string productId;
    std::string asOfDate;
    std::string currency;
    common::Cents spendDay = 0;   // on asOfDate
    common::Cents spend7d = 0;    // asOfDate-6 .. asOfDate
    common::Cents spend30d = 0;   // asOfDate-29 .. asOfDate
    common::Cents sales30d = 0;   // attributed sales, asOfDate-29 .. asOfDate
    std::vector<DayFigure> days;  // every day of the send (filled only for sinks that want days)
};

/// ACoS (spend / attributed sales) in percent with two decimals, rounded half up: "23.45". nullopt without sales.
std::optional<std::string> acosPercent(common::Cents spend, common::Cents sales);

using WrittenValues = std::vector<std::pair<std::string, std::string>>;  // column → value as sent

class PushSink {
public:
    virtual ~PushSink() = default;
    /// "custom_columns".
    virtual std::string_view name() const = 0;
    /// Whether write() needs ProductFigures::days.
    virtual bool wantsDays() const { return false; }
    /// Writes the product's figures, replacing what was written before. Returns what was written. Throws
    /// SellercloudError.
    virtual WrittenValues write(const ProductFigures& figures) = 0;
    /// Removes what this sink wrote on the product (a remap, a product no longer advertised).
    virtual void clear(const std::string& productId) = 0;
    /// The names of what write() sets (remembered per product in the store).
    virtual std::vector<std::string> fields() const = 0;
};

/// Writes the figures into the product's custom columns (a column configured with an empty name is skipped).
/// Money as a decimal number in the profile's currency; ACoS as a percentage; null clears a value.
class CustomColumnsSink final : public PushSink {
public:
    CustomColumnsSink(Client& client, store::SellercloudColumns columns);
    std::string_view name() const override { return "custom_columns"; }
    WrittenValues write(const ProductFigures& figures) override;
    void clear(const std::string& productId) override;
    std::vector<std::string> fields() const override;

private:
    Client& client_;
    store::SellercloudColumns columns_;
};

}  // namespace settlebridge::sellercloud
