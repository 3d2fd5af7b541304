#pragma once
// A small streaming JSON writer with stable key order (the CLI's documented output formats).

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace settlebridge::app {

class JsonWriter {
public:
    explicit JsonWriter(std::ostream& out, bool pretty = true) : out_(out), pretty_(pretty) {}

    JsonWriter& beginObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    JsonWriter& key(std::string_view name);
    JsonWriter& value(std::string_view text);
    JsonWriter& value(const char* text) { return value(std::string_view(text)); }
    JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
    JsonWriter& value(std::int64_t number);
    JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
    JsonWriter& value(std::size_t number) { return value(static_cast<std::int64_t>(number)); }
    JsonWriter& value(bool flag);
    JsonWriter& null();

    /// Writes `text` as a JSON string literal (with quotes), escaping as RFC 8259 requires.
    static void writeString(std::ostream& out, std::string_view text);

private:
    void beforeValue();
    void newline();

    std::ostream& out_;
    bool pretty_;
    struct Level { bool isObject; bool empty; };
    std::vector<Level> stack_;
    bool afterKey_ = false;
};

}  // namespace settlebridge::app
