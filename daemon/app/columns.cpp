#include "daemon/app/columns.hpp"

namespace settlebridge::app {

std::string fitColumn(const std::string& text, std::size_t width) {
    std::string result;
    std::size_t columns = 0;
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        if (columns + 1 > width) break;
        result.append(text, i, length);
        i += length;
        ++columns;
    }
    if (columns < width) result.append(width - columns, ' ');
    return result;
}

std::string alignRight(const std::string& text, std::size_t width) {
    return text.size() >= width ? text : std::string(width - text.size(), ' ') + text;
}

}  // namespace settlebridge::app
