#pragma once
// SP-API regions: the endpoint each one is served from, the Seller Central site its sellers log in to (for
// "Connect with Amazon"), and which region each marketplace id belongs to
// (../shared/research/settlement.md §b.3).

#include <optional>
#include <string>
#include <string_view>

namespace settlebridge::amazon {

enum class Region { NA, EU, FE };

/// "NA", "EU", "FE".
std::string_view regionName(Region region) noexcept;
/// Case-insensitive "NA"/"EU"/"FE" (also "na", "north-america", "europe", "far-east"); nullopt otherwise.
std::optional<Region> parseRegion(std::string_view text) noexcept;

/// `https://sellingpartnerapi-na.amazon.com` and friends (production).
std::string spApiEndpoint(Region region);
/// `https://sellercentral.amazon.com` (NA), `https://sellercentral-europe.amazon.com` (EU),
/// `https://sellercentral.amazon.co.jp` (FE) — where a seller of that region authorizes an app.
std::string sellerCentralUrl(Region region);
/// The region a marketplace id belongs to (US ATVPDKIKX0DER → NA, DE A1PA6795UKMFR9 → EU, ...).
std::optional<Region> regionOfMarketplace(std::string_view marketplaceId) noexcept;

/// The Login with Amazon token endpoint SP-API uses for every region.
inline constexpr std::string_view kLwaTokenUrl = "https://api.amazon.com/auth/o2/token";

}  // namespace settlebridge::amazon
