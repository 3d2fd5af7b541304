#include "daemon/settlement/text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace settlebridge::settlement {
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

}  // namespace
}  // namespace settlebridge::settlement
