#pragma once
// QuickBooks names and numbers derived from a settlement: RefNumbers (<= 11 characters) and SKU item names
// (<= 31 characters, no ':'). Everything here is deterministic: the same input always gives the same name, so a
// document or item can be found again in QuickBooks after a crash or a re-run. The rules are documented in
// docs/ACCOUNTING.md ("Names and numbers").

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace settlebridge::settlement {

/// A settlement id or SKU that cannot be turned into a name (empty, not digits, ...).
class NamingError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The document a RefNumber names; the letter is the last character of the RefNumber.
enum class RefKind : char {
    SalesReceipt = 'R',
    CreditMemo = 'C',
    RefundPayment = 'P',  // the refund that pays a credit memo out of the clearing account
};

/// QuickBooks' limits.
inline constexpr std::size_t kMaxRefNumberLength = 11;
inline constexpr std::size_t kMaxItemNameLength = 31;   // per name segment, in characters
/// Parts a settlement can have (one character 0-9A-Z).
inline constexpr int kMaxParts = 36;

/// Settlement ids below this (every id of up to 14 digits, some of 15) get an exact, collision-free RefNumber stem.
inline constexpr std::uint64_t kRefNumberExactLimit = 101'559'956'668'416ULL;  // 36^9

/// Uppercase base 36 (digits 0-9 then A-Z) without leading zeros ("0" for 0).
std::string toBase36(std::uint64_t value);

/// FNV-1a 64-bit hash of the bytes (the fold used for long ids and long SKUs; stable across platforms).
std::uint64_t fnv1a64(std::string_view bytes) noexcept;

/// True when the settlement id gets an exact RefNumber stem: digits only, no leading zero, value < 36^9.
bool refNumberIsExact(std::string_view settlementId);

/// The 1-9 character stem shared by all RefNumbers of a settlement:
///   - exact ids (see refNumberIsExact): the id's value in base 36 (e.g. 23874396421 -> "AYU766D");
///   - any other id (36^9 and above, i.e. 15-20 digits, or with a leading zero): '0' followed by FNV-1a-64 of
///     the id's digits modulo 36^8 in base 36, left-padded with '0' to 8 characters (9 in all). An exact stem
///     never starts with '0', so a folded stem never equals an exact one; two folded ids can collide (about 1 in
///     2.8 * 10^12 per pair), which is why the full id is always in the document's Memo and external key.
/// Throws NamingError for an empty id or one with a character other than 0-9.
std::string refNumberStem(std::string_view settlementId);

/// RefNumber = stem + part character (0-9, A-Z) + kind letter: at most 11 characters, always ending in a letter.
/// QuickBooks proposes the next number of a form by adding one to the digits at the end of the last number entered
/// ("1001" -> "1002"); a RefNumber that ends in a letter gives it nothing to add to, so a user's next manual sales
/// receipt or credit memo keeps following the user's own numbers (docs/ACCOUNTING.md "Names and numbers"; checked
/// on a real company file by tools/qb-acceptance).
/// Throws NamingError for a bad id or a part outside 0..35.
std::string makeRefNumber(std::string_view settlementId, RefKind kind, int part);

/// The character for a part index 0..35 ('0'-'9', 'A'-'Z'). Throws NamingError outside that range.
char partCharacter(int part);

/// Number of Unicode characters (code points) in UTF-8 text (bytes that are not continuation bytes).
std::size_t utf8Length(std::string_view text) noexcept;

/// True when `sku` can be a QuickBooks item name as it is: 1-31 characters, each printable ASCII or Latin-1 from
/// U+00A1 (what QuickBooks stores unchanged, qbxml/text.hpp), no ':' (it would make a sub-item), no '~' (reserved
/// for the folded names below), no leading or trailing blank.
bool skuIsItemName(std::string_view sku) noexcept;

/// The QuickBooks item name for a SKU:
///   - the SKU itself when skuIsItemName(sku);
///   - otherwise a sanitised prefix of up to 24 characters (':' -> '-'; every character QuickBooks would not store
///     as it is -- control characters, the no-break space, anything outside ASCII and Latin-1, such as an en dash
///     or an emoji -- -> '_'; blanks at either end dropped), then '~', then 6 base-36 characters of FNV-1a-64 of
///     the whole SKU (zero-padded): at most 31 characters, all of them stored unchanged by QuickBooks, so the
///     length holds after conversion. Two SKUs that share a prefix ("A–1" and "A-1", which QuickBooks would
///     otherwise store alike) get different names unless their hashes collide (about 1 in 2 * 10^9 per pair), and
///     a folded name never equals an unfolded one (unfolded names never contain '~').
/// Throws NamingError for an empty SKU.
std::string skuItemName(std::string_view sku);

/// True when `name` is a valid QuickBooks full name: one or more ':'-separated segments, each 1-31 characters,
/// no control characters, no blank at either end of a segment.
bool isValidQuickBooksFullName(std::string_view name) noexcept;

}  // namespace settlebridge::settlement
