#include "daemon/admin/assets.hpp"

namespace settlebridge::admin {

const Asset* findAsset(std::string_view name) noexcept {
    for (const Asset& asset : embeddedAssets()) {
        if (asset.name == name) return &asset;
    }
    return nullptr;
}

}  // namespace settlebridge::admin
