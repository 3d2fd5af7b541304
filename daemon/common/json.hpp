#pragma once
// A small JSON reader that keeps every number as the text it was written as, so money read from an outside
// service (an Ads report's "cost": 14.55, a Sellercloud product's AverageCost) is turned into cents exactly
// (decimal.hpp), never through a double. Used by the ads and sellercloud areas; Poco::JSON is still used to
// write request bodies (no money in them).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace settlebridge::common {

/// Malformed JSON: the message names the byte offset.
class JsonError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Json {
public:
    enum class Kind { Null, Bool, Number, String, Array, Object };

    Json() = default;
    static Json parse(std::string_view text);

    Kind kind() const noexcept { return kind_; }
    bool isNull() const noexcept { return kind_ == Kind::Null; }
    bool isObject() const noexcept { return kind_ == Kind::Object; }
    bool isArray() const noexcept { return kind_ == Kind::Array; }
    bool isString() const noexcept { return kind_ == Kind::String; }
    bool isNumber() const noexcept { return kind_ == Kind::Number; }

    /// String contents, number text ("14.50", "1e3"), "true"/"false", "" for null/array/object.
    const std::string& text() const noexcept { return text_; }
    bool boolean() const noexcept { return kind_ == Kind::Bool && text_ == "true"; }

    /// Array elements / object members (in document order).
    const std::vector<Json>& items() const noexcept { return items_; }
    const std::vector<std::pair<std::string, Json>>& members() const noexcept { return members_; }
    /// The member `key` of an object (the first one), nullptr when absent or not an object.
    const Json* find(std::string_view key) const noexcept;
    /// text() of member `key` when it is a string or number, else `fallback`.
    std::string get(std::string_view key, std::string_view fallback = {}) const;

private:
    friend class JsonParser;
    Kind kind_ = Kind::Null;
    std::string text_;
    std::vector<Json> items_;
    std::vector<std::pair<std::string, Json>> members_;
};

/// JSON string literal (quotes and escapes) for building small bodies by hand.
std::string jsonQuote(std::string_view text);

}  // namespace settlebridge::common
