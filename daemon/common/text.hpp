#pragma once
// Text helpers for settlement files: UTF-8 validation, Windows-1252 -> UTF-8, BOM, blank trimming, and the
// ASCII case helpers every layer uses.
// Amazon serves report documents as Windows-1252 (S3 `charset=Cp1252`) or with no charset at all, and files
// saved by hand are often UTF-8: a field is taken as UTF-8 when it is valid UTF-8, else as Windows-1252.
//
// Case helpers are ASCII only and locale-independent: only 'A'..'Z' and 'a'..'z' change case; every other byte
// (digits, punctuation, control characters, and every byte >= 0x80, so UTF-8 and Windows-1252 text) is left
// exactly as it is. Keys, header names, currency codes, status words and file names compare this way.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace settlebridge::common {

/// The UTF-8 byte order mark.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

/// True when every byte is < 0x80.
bool isAscii(std::string_view bytes) noexcept;

/// True when `bytes` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
bool isValidUtf8(std::string_view bytes) noexcept;

/// Decodes the UTF-8 sequence at `bytes[i]` (strict RFC 3629, as isValidUtf8) and advances `i` past it; nullopt,
/// advancing `i` by one byte, when no valid sequence starts there. `i` must be < bytes.size().
std::optional<char32_t> decodeUtf8(std::string_view bytes, std::size_t& i) noexcept;

/// Appends one Unicode code point to `out` as UTF-8. Surrogates and values above U+10FFFF become U+FFFD.
void appendUtf8(std::string& out, char32_t cp);

/// Appends `bytes`, read as Windows-1252, to `out` as UTF-8. The five bytes Windows-1252 leaves undefined
/// (0x81, 0x8D, 0x8F, 0x90, 0x9D) become U+FFFD.
void appendWindows1252AsUtf8(std::string_view bytes, std::string& out);

/// `bytes` itself when it is valid UTF-8; otherwise its Windows-1252 reading, converted into `scratch`
/// (overwritten) and returned as a view of it. Only the conversion allocates (and only when `scratch` grows).
std::string_view asUtf8(std::string_view bytes, std::string& scratch);

/// `bytes` without a leading UTF-8 BOM.
std::string_view stripUtf8Bom(std::string_view bytes) noexcept;

/// `text` without leading and trailing blanks (space, tab, CR, LF, vertical tab, form feed).
std::string_view trimBlanks(std::string_view text) noexcept;

/// `c` in lower case when it is an ASCII capital 'A'..'Z'; any other byte unchanged.
constexpr char asciiLower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

/// `c` in upper case when it is an ASCII small letter 'a'..'z'; any other byte unchanged.
constexpr char asciiUpper(char c) noexcept { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

/// `text` with 'A'..'Z' lowered; every other byte unchanged (same length).
std::string asciiLower(std::string_view text);

/// `text` with 'a'..'z' raised; every other byte unchanged (same length).
std::string asciiUpper(std::string_view text);

/// True when `a` and `b` have the same length and differ at most in the case of ASCII letters.
bool equalsIgnoreCaseAscii(std::string_view a, std::string_view b) noexcept;

/// True when `text` begins with `prefix`, ignoring the case of ASCII letters (an empty prefix always matches).
bool startsWithIgnoreCaseAscii(std::string_view text, std::string_view prefix) noexcept;

/// True when `text` ends with `suffix`, ignoring the case of ASCII letters (an empty suffix always matches).
bool endsWithIgnoreCaseAscii(std::string_view text, std::string_view suffix) noexcept;

/// "1 document", "3 documents": the count and the word for it.
std::string plural(long long n, std::string_view one, std::string_view many);

}  // namespace settlebridge::common
