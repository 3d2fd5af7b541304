#pragma once
// Text as QuickBooks Desktop can store it.
//
// qbXML travels as UTF-8, but QuickBooks Desktop (US/CA/UK editions) keeps text in the Windows "ANSI" code page,
// Windows-1252. A character outside that repertoire is mangled or makes QuickBooks refuse the request. So every
// text Settlebridge renders goes through toQuickBooksText() first:
//   - characters Windows-1252 has (ASCII, Latin-1 U+00A0..U+00FF, and the 27 extras such as € ‘ ’ “ ” – — ™ Š Ž Œ)
//     are kept as they are (written as UTF-8; QuickBooks converts them);
//   - Latin letters with diacritics Windows-1252 lacks lose the diacritic (ą→a, ł→l, ő→o, Ș→S, ấ→a), ligatures
//     are spelled out (Ĳ→IJ); combining marks are dropped (a decomposed "é" keeps its "e");
//   - typographic look-alikes become their ASCII form (‐ ‑ ‒ ― − → "-", the many Unicode spaces → " ",
//     ′ ″ → ' ", fullwidth ＡＢＣ → ABC, № → "No"); invisible characters (zero-width spaces, BOM, soft hyphen)
//     are dropped; tab, CR and LF become a space (every field Settlebridge writes is one line); other control
//     characters are dropped (XML 1.0 forbids them);
//   - anything else (CJK, Cyrillic, Greek, emoji...) becomes "?";
//   - a byte sequence that is not UTF-8 becomes "?" per byte.
// The result is valid UTF-8, legal in XML 1.0 and representable in Windows-1252. Lengths that QuickBooks limits
// (names 31, RefNumber 11, Memo 4095...) are counted in characters of this result.

#include <cstddef>
#include <string>
#include <string_view>

namespace settlebridge::qbxml {

/// `utf8` reduced to what QuickBooks Desktop can store (see the file comment). Idempotent.
std::string toQuickBooksText(std::string_view utf8);

/// Number of characters (code points) in valid UTF-8 text; an invalid byte counts as one character.
std::size_t characterCount(std::string_view utf8) noexcept;

/// The first `maxChars` characters of `utf8`; when it is longer, the last kept character is replaced by "…"
/// (U+2026, which Windows-1252 has) so a reader sees the text was cut. Never splits a UTF-8 sequence.
std::string truncateCharacters(std::string_view utf8, std::size_t maxChars);

/// True when `bytes` is well-formed UTF-8.
bool isUtf8(std::string_view bytes) noexcept;

/// `bytes` read as Windows-1252, as UTF-8 (the five bytes Windows-1252 leaves undefined become U+FFFD).
std::string windows1252ToUtf8(std::string_view bytes);

}  // namespace settlebridge::qbxml
