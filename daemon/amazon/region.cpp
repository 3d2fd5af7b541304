#include "daemon/amazon/region.hpp"

#include <array>
#include <utility>

#include "daemon/common/text.hpp"

namespace settlebridge::amazon {

namespace {

struct Marketplace {
    std::string_view id;
    Region region;
};

constexpr std::array kMarketplaces{
    // North America
    Marketplace{"A2EUQ1WTGCTBG2", Region::NA},  // Canada
    Marketplace{"ATVPDKIKX0DER", Region::NA},   // United States
    Marketplace{"A1AM78C64UM0Y8", Region::NA},  // Mexico
    Marketplace{"A2Q3Y263D00KWC", Region::NA},  // Brazil
    // Europe
    Marketplace{"A28R8C7NBKEWEA", Region::EU},  // Ireland
    Marketplace{"A1RKKUPIHCS9HS", Region::EU},  // Spain
    Marketplace{"A1F83G8C2ARO7P", Region::EU},  // United Kingdom
    Marketplace{"A13V1IB3VIYZZH", Region::EU},  // France
    Marketplace{"AMEN7PMS3EDWL", Region::EU},   // Belgium
    Marketplace{"A1805IZSGTT6HS", Region::EU},  // Netherlands
    Marketplace{"A1PA6795UKMFR9", Region::EU},  // Germany
    Marketplace{"APJ6JRA9NG5V4", Region::EU},   // Italy
    Marketplace{"A2NODRKZP88ZB9", Region::EU},  // Sweden
    Marketplace{"AE08WJ6YKNBMC", Region::EU},   // South Africa
    Marketplace{"A1C3SOZRARQ6R3", Region::EU},  // Poland
    Marketplace{"ARBP9OOSHTCHU", Region::EU},   // Egypt
    Marketplace{"A33AVAJ2PDY3EV", Region::EU},  // Turkey
    Marketplace{"A17E79C6D8DWNP", Region::EU},  // Saudi Arabia
    Marketplace{"A2VIGQ35RCS4UG", Region::EU},  // United Arab Emirates
    Marketplace{"A21TJRUUN4KGV", Region::EU},   // India
    // Far East
    Marketplace{"A19VAU5U5O7RUS", Region::FE},  // Singapore
    Marketplace{"A39IBJ37TRP1C6", Region::FE},  // Australia
    Marketplace{"A1VC38T7YXB528", Region::FE},  // Japan
};

}  // namespace

std::string_view regionName(Region region) noexcept {
    switch (region) {
    case Region::NA: return "NA";
    case Region::EU: return "EU";
    case Region::FE: return "FE";
    }
    return "NA";
}

std::optional<Region> parseRegion(std::string_view text) noexcept {
    std::string t;
    try {
        t = common::asciiLower(text);
    } catch (...) {
        return std::nullopt;
    }
    if (t == "na" || t == "north-america" || t == "northamerica") return Region::NA;
    if (t == "eu" || t == "europe") return Region::EU;
    if (t == "fe" || t == "far-east" || t == "fareast") return Region::FE;
    return std::nullopt;
}

std::string spApiEndpoint(Region region) {
    switch (region) {
    case Region::NA: return "https://sellingpartnerapi-na.amazon.com";
    case Region::EU: return "https://sellingpartnerapi-eu.amazon.com";
    case Region::FE: return "https://sellingpartnerapi-fe.amazon.com";
    }
    return "https://sellingpartnerapi-na.amazon.com";
}

std::string sellerCentralUrl(Region region) {
    switch (region) {
    case Region::NA: return "https://sellercentral.amazon.com";
    case Region::EU: return "https://sellercentral-europe.amazon.com";
    case Region::FE: return "https://sellercentral.amazon.co.jp";
    }
    return "https://sellercentral.amazon.com";
}

std::optional<Region> regionOfMarketplace(std::string_view marketplaceId) noexcept {
    for (const auto& m : kMarketplaces) {
        if (m.id == marketplaceId) return m.region;
    }
    return std::nullopt;
}

}  // namespace settlebridge::amazon
