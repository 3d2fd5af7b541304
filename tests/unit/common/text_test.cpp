#include "daemon/common/text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace settlebridge::common {
namespace {

TEST(Utf8, ValidInputs) {
    EXPECT_TRUE(isValidUtf8(""));
    EXPECT_TRUE(isValidUtf8("plain ascii SKU-123"));
    EXPECT_TRUE(
        isValidUtf8("Gr\xC3\xB6\xC3\x9F"
                    "e"));                         // Größe
    EXPECT_TRUE(isValidUtf8("\xE2\x82\xAC"));      // €
    EXPECT_TRUE(isValidUtf8("\xF0\x9F\x98\x80"));  // U+1F600
    EXPECT_TRUE(isValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
    EXPECT_TRUE(isValidUtf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
    EXPECT_TRUE(isValidUtf8(std::string_view("a\0b", 3)));
}

TEST(Utf8, InvalidInputs) {
    EXPECT_FALSE(isValidUtf8("\xE9"));  // Windows-1252 é
    EXPECT_FALSE(isValidUtf8("caf\xE9 cr\xE8me"));
    EXPECT_FALSE(isValidUtf8("\x80"));              // lone continuation byte
    EXPECT_FALSE(isValidUtf8("\xC0\x80"));          // overlong NUL
    EXPECT_FALSE(isValidUtf8("\xC1\xBF"));          // overlong
    EXPECT_FALSE(isValidUtf8("\xE0\x80\xAF"));      // overlong 3-byte
    EXPECT_FALSE(isValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
    EXPECT_FALSE(isValidUtf8("\xF0\x80\x80\xAF"));  // overlong 4-byte
    EXPECT_FALSE(isValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
    EXPECT_FALSE(isValidUtf8("\xF5\x80\x80\x80"));
    EXPECT_FALSE(isValidUtf8("\xFF"));
    EXPECT_FALSE(isValidUtf8("\xC3"));      // truncated
    EXPECT_FALSE(isValidUtf8("\xE2\x82"));  // truncated
    EXPECT_FALSE(isValidUtf8("\xC3\x28"));  // bad continuation
    EXPECT_FALSE(isValidUtf8("\xE2\x28\xA1"));
}

TEST(Utf8, DecodesOneSequenceAndSkipsOneByteOfABadOne) {
    const std::string text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";  // a é € U+1F600
    std::size_t i = 0;
    EXPECT_EQ(decodeUtf8(text, i), char32_t{'a'});
    EXPECT_EQ(i, 1u);
    EXPECT_EQ(decodeUtf8(text, i), char32_t{0xE9});
    EXPECT_EQ(i, 3u);
    EXPECT_EQ(decodeUtf8(text, i), char32_t{0x20AC});
    EXPECT_EQ(i, 6u);
    EXPECT_EQ(decodeUtf8(text, i), char32_t{0x1F600});
    EXPECT_EQ(i, 10u);
    // Refused as isValidUtf8 refuses them; each advances one byte.
    for (const std::string bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xC3", "\xC3\x28", "\x80", "\xFF"}) {
        std::size_t j = 0;
        EXPECT_EQ(decodeUtf8(bad, j), std::nullopt) << bad;
        EXPECT_EQ(j, 1u) << bad;
        EXPECT_FALSE(isValidUtf8(bad)) << bad;
    }
    // A walk that decodes everything agrees with isValidUtf8.
    const std::string mixed = "ok \xC3\xA9 \xE2\x82 cut";
    bool allDecoded = true;
    for (std::size_t k = 0; k < mixed.size();) allDecoded = decodeUtf8(mixed, k).has_value() && allDecoded;
    EXPECT_EQ(allDecoded, isValidUtf8(mixed));
    EXPECT_FALSE(allDecoded);
}

TEST(Windows1252, ConvertsEveryRange) {
    std::string out;
    appendWindows1252AsUtf8("abc", out);
    EXPECT_EQ(out, "abc");
    out.clear();
    appendWindows1252AsUtf8("CAF\xC9-CR\xC8ME", out);
    EXPECT_EQ(out, "CAF\xC3\x89-CR\xC3\x88ME");  // CAFÉ-CRÈME
    out.clear();
    appendWindows1252AsUtf8("\x80\x96\x99\x9F", out);
    EXPECT_EQ(out, "\xE2\x82\xAC\xE2\x80\x93\xE2\x84\xA2\xC5\xB8");  // € – ™ Ÿ
    out.clear();
    appendWindows1252AsUtf8("\x81\x8D\x8F\x90\x9D", out);
    EXPECT_EQ(out,
              std::string(5 * 3, ' ').replace(0, 15, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"));
    out.clear();
    appendWindows1252AsUtf8("\xA0\xFF", out);
    EXPECT_EQ(out, "\xC2\xA0\xC3\xBF");
    // Every byte converts to valid UTF-8.
    std::string all;
    for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
    out.clear();
    appendWindows1252AsUtf8(all, out);
    EXPECT_TRUE(isValidUtf8(out));
}

TEST(AsUtf8, KeepsValidUtf8AndConvertsTheRest) {
    std::string scratch = "untouched";
    const std::string_view valid =
        "Gr\xC3\xB6\xC3\x9F"
        "e";
    const std::string_view same = asUtf8(valid, scratch);
    EXPECT_EQ(same.data(), valid.data());  // no copy
    EXPECT_EQ(scratch, "untouched");
    const std::string_view converted = asUtf8(
        "Gr\xF6\xDF"
        "e",
        scratch);
    EXPECT_EQ(converted, valid);
    EXPECT_EQ(converted.data(), scratch.data());
}

TEST(Text, BomAsciiAndTrim) {
    EXPECT_EQ(stripUtf8Bom("\xEF\xBB\xBFsettlement-id"), "settlement-id");
    EXPECT_EQ(stripUtf8Bom("settlement-id"), "settlement-id");
    EXPECT_EQ(stripUtf8Bom("\xEF\xBB"), "\xEF\xBB");
    EXPECT_TRUE(isAscii(""));
    EXPECT_TRUE(isAscii("0123456789abcdefghijklmnop"));
    for (std::size_t at = 0; at < 20; ++at) {
        std::string s(20, 'a');
        s[at] = '\xC3';
        EXPECT_FALSE(isAscii(s)) << at;
    }
    EXPECT_EQ(trimBlanks("  32.09    "), "32.09");
    EXPECT_EQ(trimBlanks("\t x \r\n"), "x");
    EXPECT_EQ(trimBlanks("   "), "");
    EXPECT_EQ(trimBlanks("a b"), "a b");
}

TEST(AsciiCase, CharactersChangeOnlyForAsciiLetters) {
    static_assert(asciiLower('A') == 'a' && asciiLower('Z') == 'z' && asciiLower('a') == 'a');
    static_assert(asciiUpper('a') == 'A' && asciiUpper('z') == 'Z' && asciiUpper('A') == 'A');
    // The neighbours of the letter ranges stay: '@' 0x40, '[' 0x5B, '`' 0x60, '{' 0x7B.
    static_assert(asciiLower('@') == '@' && asciiLower('[') == '[' && asciiUpper('`') == '`' && asciiUpper('{') == '{');
    for (int b = 0; b < 256; ++b) {
        const char c = static_cast<char>(b);
        const bool upper = b >= 'A' && b <= 'Z';
        const bool lower = b >= 'a' && b <= 'z';
        EXPECT_EQ(asciiLower(c), upper ? static_cast<char>(b + 32) : c) << "byte " << b;
        EXPECT_EQ(asciiUpper(c), lower ? static_cast<char>(b - 32) : c) << "byte " << b;
    }
}

TEST(AsciiCase, StringsKeepNonAsciiBytes) {
    EXPECT_EQ(asciiLower(""), "");
    EXPECT_EQ(asciiLower("SKU-12 Amazon.DE"), "sku-12 amazon.de");
    EXPECT_EQ(asciiUpper("sku-12 amazon.de"), "SKU-12 AMAZON.DE");
    // UTF-8 "ÉCOLE Größe" keeps É and ß byte for byte; only the ASCII letters change.
    EXPECT_EQ(asciiLower("\xC3\x89"
                         "COLE Gr\xC3\xB6\xC3\x9F"
                         "E"),
              "\xC3\x89"
              "cole gr\xC3\xB6\xC3\x9F"
              "e");
    EXPECT_EQ(asciiUpper("\xC3\xA9t\xC3\xA9"), "\xC3\xA9T\xC3\xA9");
    // Windows-1252 / Latin-1 bytes (É = 0xC9, é = 0xE9) are not letters to these helpers.
    EXPECT_EQ(asciiLower("\xC9T\xC9"), "\xC9t\xC9");
    EXPECT_EQ(asciiUpper("\xE9t\xE9"), "\xE9T\xE9");
    // Embedded NUL and control bytes pass through; the length never changes.
    const std::string withNul("A\0B\x01\xFF", 5);
    EXPECT_EQ(asciiLower(withNul), std::string("a\0b\x01\xFF", 5));
    EXPECT_EQ(asciiUpper(std::string("a\0b", 3)), std::string("A\0B", 3));
}

TEST(AsciiCase, EqualsIgnoreCase) {
    EXPECT_TRUE(equalsIgnoreCaseAscii("", ""));
    EXPECT_TRUE(equalsIgnoreCaseAscii("Content-Type", "content-TYPE"));
    EXPECT_TRUE(equalsIgnoreCaseAscii("utc", "UTC"));
    EXPECT_FALSE(equalsIgnoreCaseAscii("UTC", "UTC "));
    EXPECT_FALSE(equalsIgnoreCaseAscii("Refund", "Refunds"));
    EXPECT_FALSE(equalsIgnoreCaseAscii("a", ""));
    EXPECT_FALSE(equalsIgnoreCaseAscii("Info", "Inf0"));
    // '@' and '`' differ from 'A'/'a' by 0x20 and '[' from '{' likewise: they must not compare equal.
    EXPECT_FALSE(equalsIgnoreCaseAscii("@", "`"));
    EXPECT_FALSE(equalsIgnoreCaseAscii("[", "{"));
    // Non-ASCII letters are compared byte for byte: É (UTF-8 C3 89) is not é (C3 A9), Latin-1 É 0xC9 not é 0xE9.
    EXPECT_TRUE(equalsIgnoreCaseAscii("Caf\xC3\xA9", "CAF\xC3\xA9"));
    EXPECT_FALSE(equalsIgnoreCaseAscii("\xC3\x89", "\xC3\xA9"));
    EXPECT_FALSE(equalsIgnoreCaseAscii("\xC9", "\xE9"));
    EXPECT_TRUE(equalsIgnoreCaseAscii(std::string_view("a\0B", 3), std::string_view("A\0b", 3)));
    EXPECT_FALSE(equalsIgnoreCaseAscii(std::string_view("a\0", 2), std::string_view("a\x01", 2)));
}

TEST(AsciiCase, PrefixAndSuffix) {
    EXPECT_TRUE(startsWithIgnoreCaseAscii("WWW.Amazon.com", "www."));
    EXPECT_TRUE(startsWithIgnoreCaseAscii("refund_retrocharge", "Refund_"));
    EXPECT_TRUE(startsWithIgnoreCaseAscii("abc", ""));
    EXPECT_TRUE(startsWithIgnoreCaseAscii("", ""));
    EXPECT_TRUE(startsWithIgnoreCaseAscii("Www.", "www."));  // the whole text may be the prefix
    EXPECT_FALSE(startsWithIgnoreCaseAscii("ww", "www."));
    EXPECT_FALSE(startsWithIgnoreCaseAscii("xwww.", "www."));
    EXPECT_FALSE(startsWithIgnoreCaseAscii("\xC3\x89t\xC3\xA9", "\xC3\xA9"));

    EXPECT_TRUE(endsWithIgnoreCaseAscii("https://x.example/REST", "/rest"));
    EXPECT_TRUE(endsWithIgnoreCaseAscii("Chargeback Refund", " refund"));
    EXPECT_TRUE(endsWithIgnoreCaseAscii("abc", ""));
    EXPECT_TRUE(endsWithIgnoreCaseAscii("/Api", "/api"));
    EXPECT_FALSE(endsWithIgnoreCaseAscii("api", "/api"));
    EXPECT_FALSE(endsWithIgnoreCaseAscii("/api/", "/api"));
    EXPECT_FALSE(endsWithIgnoreCaseAscii("caf\xC3\x89", "caf\xC3\xA9"));
}

}  // namespace
}  // namespace settlebridge::common

namespace settlebridge::common {
namespace {

TEST(Plural, CountAndTheWordForIt) {
    EXPECT_EQ(plural(0, "document", "documents"), "0 documents");
    EXPECT_EQ(plural(1, "document", "documents"), "1 document");
    EXPECT_EQ(plural(2, "SKU written", "SKUs written"), "2 SKUs written");
    EXPECT_EQ(plural(-1, "day", "days"), "-1 days");
}

}  // namespace
}  // namespace settlebridge::common
