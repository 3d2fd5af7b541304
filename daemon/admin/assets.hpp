#pragma once
// The page's static files (daemon/admin/assets/: HTML, CSS, JavaScript), embedded in the binary at build time by
// embed_assets.cmake, so the daemon needs no files beside it and the page needs no internet.

#include <span>
#include <string_view>

namespace settlebridge::admin {

struct Asset {
    std::string_view name;         // file name, e.g. "app.js"
    std::string_view contentType;  // e.g. "text/javascript; charset=utf-8"
    std::string_view body;
};

/// Every embedded file (generated code).
std::span<const Asset> embeddedAssets() noexcept;

/// The embedded file with this name, or nullptr.
const Asset* findAsset(std::string_view name) noexcept;

}  // namespace settlebridge::admin
