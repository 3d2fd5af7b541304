#pragma once
// Fixed-width text columns for the command line's tables (the summary, the tax report).

#include <cstddef>
#include <string>

namespace settlebridge::app {

/// Pads or cuts `text` to `width` display columns (counting UTF-8 code points, not bytes).
std::string fitColumn(const std::string& text, std::size_t width);

/// `text` right-aligned in `width` columns; longer text is kept whole.
std::string alignRight(const std::string& text, std::size_t width);

}  // namespace settlebridge::app
