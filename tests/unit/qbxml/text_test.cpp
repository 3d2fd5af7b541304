#include "qbxml/text.hpp"

#include <gtest/gtest.h>

#include <string>

#include "daemon/common/text.hpp"

namespace settlebridge::qbxml {
namespace {

TEST(TextTest, KeepsAsciiAndLatin1) {
    const std::string kept = "Plain ASCII ~ & < > \" ' Café Crème Größe ÆØÅ æøå ñ ç ü ß ÿ";
    EXPECT_EQ(toQuickBooksText(kept), kept);
    EXPECT_EQ(toQuickBooksText("¡¿©®°±µ¶·×÷£¥"), "¡¿©®°±µ¶·×÷£¥");
}

TEST(TextTest, MapsWindows1252PunctuationToAscii) {
    EXPECT_EQ(toQuickBooksText("a – b — c"), "a - b - c");
    EXPECT_EQ(toQuickBooksText("‘single’ “double” „low“ ‚x"), "'single' \"double\" \"low\" ,x");
    EXPECT_EQ(toQuickBooksText("wait… 5 € Brand™"), "wait... 5 EUR BrandTM");
    EXPECT_EQ(toQuickBooksText("• † ‡ ‰ ‹ › ˆ ˜"), "* + + o/oo < > ^ ~");
    EXPECT_EQ(toQuickBooksText("Š š Ž ž Œ œ Ÿ ƒ"), "S s Z z OE oe Y f");
    // every character of Windows-1252's 0x80..0x9F range leaves nothing above U+00FF
    for (unsigned b = 0x80; b <= 0x9F; ++b) {
        std::string utf8;
        common::appendWindows1252AsUtf8(std::string(1, static_cast<char>(b)), utf8);
        const std::string text = toQuickBooksText(utf8);
        EXPECT_TRUE(isPrintableAscii(text)) << b << " -> " << text;
    }
}

TEST(TextTest, WritesLatin1AsReferencesSoTheDocumentIsAscii) {
    EXPECT_EQ(toXmlAscii("<Name>Café Ÿ</Name>"), "<Name>Caf&#233; &#376;</Name>");
    EXPECT_EQ(toXmlAscii("plain &amp; text\n"), "plain &amp; text\n");
    EXPECT_EQ(toXmlAscii("bad \xFF"), "bad &#65533;");
    EXPECT_TRUE(isPrintableAscii(toXmlAscii(toQuickBooksText("Łódź “x” 東京 🙂 Café"))));
    EXPECT_FALSE(isPrintableAscii("caf\xC3\xA9"));
    EXPECT_FALSE(isPrintableAscii(std::string(1, '\x01')));
}

TEST(TextTest, FoldsToPlainAsciiForComments) {
    EXPECT_EQ(toAsciiText("Café Größe Æsir © – € 東"), "Cafe Grosse AEsir (c) - EUR ?");
    EXPECT_TRUE(isPrintableAscii(toAsciiText("¡¿©®°±µ¶·×÷ÀÿÞþ")));
}

TEST(TextTest, TransliteratesLatinLettersLatin1Lacks) {
    EXPECT_EQ(toQuickBooksText("Łódź Kraków"), "Lódz Kraków");  // ó is Latin-1: kept
    EXPECT_EQ(toQuickBooksText("Ąą Ćć Ęę Ńń Śś Źź Żż"), "Aa Cc Ee Nn Ss Zz Zz");
    EXPECT_EQ(toQuickBooksText("Ğğ İı Şş Țț Ő ő Ű ű Č č Ř ř Ě ě Ů ů Đ đ Ħ ħ"),
              "Gg Ii Ss Tt O o U u C c R r E e U u D d H h");
    EXPECT_EQ(toQuickBooksText("Ĳssel ĳs"), "IJssel ijs");
    EXPECT_EQ(toQuickBooksText("Tiếng Việt"), "Tieng Viet");
    // A decomposed "é" (e + combining acute) keeps its base letter.
    EXPECT_EQ(toQuickBooksText("Cafe\xCC\x81"), "Cafe");
}

TEST(TextTest, MapsLookAlikesDropsInvisiblesAndReplacesTheRest) {
    EXPECT_EQ(toQuickBooksText("a\xE2\x80\x90" "b\xE2\x88\x92" "c"), "a-b-c");          // hyphen, minus sign
    EXPECT_EQ(toQuickBooksText("a\xC2\xA0" "b\xE2\x80\x83" "c\xE3\x80\x80" "d"), "a b c d");  // nbsp, em space
    EXPECT_EQ(toQuickBooksText("zero\xE2\x80\x8Bwidth\xEF\xBB\xBF soft\xC2\xADhyphen"), "zerowidth softhyphen");
    EXPECT_EQ(toQuickBooksText("ＡＢＣ１２３"), "ABC123");
    EXPECT_EQ(toQuickBooksText("№ 5 ″ ′"), "No 5 \" '");
    EXPECT_EQ(toQuickBooksText("東京 Москва Αθήνα 🙂"), "?? ?????? ????? ?");
    EXPECT_EQ(toQuickBooksText("tab\there\nline\r\nend"), "tab here line  end");
    EXPECT_EQ(toQuickBooksText(std::string("nul\0bell\x07" "del\x7F", 13)), "nulbelldel");
}

TEST(TextTest, InvalidUtf8BecomesQuestionMarks) {
    EXPECT_EQ(toQuickBooksText("bad \xFF\xFE end"), "bad ?? end");
    EXPECT_EQ(toQuickBooksText("cut \xC3"), "cut ?");
    EXPECT_EQ(toQuickBooksText("overlong \xC0\xAF"), "overlong ??");
    EXPECT_EQ(toQuickBooksText("surrogate \xED\xA0\x80"), "surrogate ???");
    EXPECT_TRUE(common::isValidUtf8(toQuickBooksText("bad \xFF\xFE end Łódź 🙂")));
}

TEST(TextTest, IsIdempotent) {
    const std::string once = toQuickBooksText("Łódź “x” \xFF 東 Café\t–\xE2\x80\x8B");
    EXPECT_EQ(toQuickBooksText(once), once);
}

TEST(TextTest, CountsAndCutsCharactersNotBytes) {
    EXPECT_EQ(characterCount(""), 0u);
    EXPECT_EQ(characterCount("Café"), 4u);
    EXPECT_EQ(characterCount("€€€"), 3u);
    EXPECT_EQ(truncateCharacters("Café", 4), "Café");
    EXPECT_EQ(truncateCharacters("Cafés", 4), "C...");
    EXPECT_EQ(truncateCharacters("ééééé", 4), "é...");
    EXPECT_EQ(truncateCharacters("ééééé", 2), "éé");  // no room for the marker
    EXPECT_EQ(characterCount(truncateCharacters(std::string(5000, 'x'), 4095)), 4095u);
    EXPECT_EQ(truncateCharacters("abc", 0), "");
}

}  // namespace
}  // namespace settlebridge::qbxml
