#pragma once
// Text as QuickBooks Desktop can store it, and qbXML as QuickBooks can read it.
//
// QuickBooks Desktop (US/CA/UK editions) keeps text in Latin-1 and reads a request as ASCII: a raw byte above 0x7F,
// even valid UTF-8, makes it refuse the whole request as unparseable XML, while a numeric character reference for
// U+00A0..U+00FF ("&#233;") is stored as the character; a reference above U+00FF is stored as "?" (peers: the
// consolibyte qbXML FAQ, qbwc/qbxml issue 8; tools/quickbooks_sim/textrules.py). So every text Settlebridge renders
// goes through toQuickBooksText() first, and every rendered document through toXmlAscii() last:
//   - printable ASCII and Latin-1 from U+00A1 (é, ß, ñ, ü, £, ©...) are kept (written as &#NNN; on the wire);
//   - Windows-1252 punctuation becomes ASCII: – — → "-", ‘ ’ → "'", “ ” „ → '"', … → "...", € → "EUR", ™ → "TM",
//     • → "*", ‹ › → "<" ">", † ‡ → "+", ‰ → "o/oo", ˆ → "^", ˜ → "~", ‚ → ","; and its letters Š š Ž ž Œ œ Ÿ ƒ
//     → S s Z z OE oe Y f;
//   - Latin letters with diacritics Latin-1 lacks lose the diacritic (ą→a, ł→l, ő→o, Ș→S, ấ→a), ligatures are
//     spelled out (Ĳ→IJ); combining marks are dropped (a decomposed "é" keeps its "e");
//   - typographic look-alikes become their ASCII form (‐ ‑ ‒ ― − → "-", the no-break and other Unicode spaces →
//     " ", ′ ″ → ' ", fullwidth ＡＢＣ → ABC, № → "No"); invisible characters (zero-width spaces, BOM, soft hyphen)
//     are dropped; tab, CR and LF become a space (every field Settlebridge writes is one line); other control
//     characters are dropped (XML 1.0 forbids them);
//   - the rule for everything else (CJK, Cyrillic, Greek, emoji...): "?", one per character;
//   - a byte sequence that is not UTF-8 becomes "?" per byte.
// The result is valid UTF-8 holding only printable ASCII and U+00A1..U+00FF. Lengths that QuickBooks limits
// (names 31 or 41, RefNumber 11, Memo 4095...) are counted in characters of this result, i.e. after conversion
// (QuickBooks counts a reference as one character).

#include <cstddef>
#include <string>
#include <string_view>

namespace settlebridge::qbxml {

/// `utf8` reduced to what QuickBooks Desktop can store (see the file comment). Idempotent.
std::string toQuickBooksText(std::string_view utf8);

/// Number of characters (code points) in valid UTF-8 text; an invalid byte counts as one character.
std::size_t characterCount(std::string_view utf8) noexcept;

/// The first `maxChars` characters of `utf8`; when it is longer, its last three kept characters are replaced by
/// "..." (when maxChars is at least 3) so a reader sees the text was cut. Never splits a UTF-8 sequence.
std::string truncateCharacters(std::string_view utf8, std::size_t maxChars);

/// `utf8` with every character above U+007F written as a decimal character reference ("é" → "&#233;"); ASCII
/// bytes are copied as they are. For a finished XML document whose text went through toQuickBooksText().
std::string toXmlAscii(std::string_view utf8);

/// toQuickBooksText() folded further to plain ASCII (é → e, ß → ss, © → (c)), for text where a character reference
/// would not be read as one (XML comments).
std::string toAsciiText(std::string_view utf8);

/// True when every byte is printable ASCII, tab, CR or LF.
bool isPrintableAscii(std::string_view text) noexcept;

}  // namespace settlebridge::qbxml
