#include "daemon/settlement/naming.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace settlebridge::settlement {
namespace {

TEST(Naming, Base36) {
    EXPECT_EQ(toBase36(0), "0");
    EXPECT_EQ(toBase36(35), "Z");
    EXPECT_EQ(toBase36(36), "10");
    EXPECT_EQ(toBase36(kRefNumberExactLimit - 1), "ZZZZZZZZZ");
    EXPECT_EQ(toBase36(kRefNumberExactLimit), "1000000000");
}

TEST(Naming, RefNumbersOfRealIds) {
    EXPECT_EQ(makeRefNumber("23874396421", RefKind::SalesReceipt, 0), "AYU766D0R");
    EXPECT_EQ(makeRefNumber("23874396421", RefKind::CreditMemo, 0), "AYU766D0C");
    EXPECT_EQ(makeRefNumber("23874396421", RefKind::RefundPayment, 2), "AYU766D2P");
    EXPECT_EQ(makeRefNumber("23874397121", RefKind::SalesReceipt, 35), "AYU76PTZR");
    EXPECT_EQ(makeRefNumber("99000000001", RefKind::SalesReceipt, 10), "19HA1KW1AR");
}

TEST(Naming, RefNumbersNeverEndInADigit) {
    // QuickBooks proposes the next number by adding one to the digits at the end of the last number entered: a
    // RefNumber ending in a letter never becomes the seed of the user's own numbering (docs/ACCOUNTING.md).
    for (const char* id : {"1", "9", "23874396421", "99999999999999", "12345678901234567890", "0123"}) {
        for (int part = 0; part < kMaxParts; ++part) {
            for (const RefKind kind : {RefKind::SalesReceipt, RefKind::CreditMemo, RefKind::RefundPayment}) {
                const std::string ref = makeRefNumber(id, kind, part);
                EXPECT_EQ(ref.back(), static_cast<char>(kind)) << ref;
                EXPECT_FALSE(ref.back() >= '0' && ref.back() <= '9') << ref;
            }
        }
    }
}

TEST(Naming, ExactBelowThirtySixToTheNinth) {
    EXPECT_TRUE(refNumberIsExact("1"));
    EXPECT_TRUE(refNumberIsExact("23874396421"));
    EXPECT_TRUE(refNumberIsExact("99999999999999"));   // every 14-digit id
    EXPECT_TRUE(refNumberIsExact("101559956668415"));  // 36^9 - 1
    EXPECT_FALSE(refNumberIsExact("101559956668416")); // 36^9
    EXPECT_FALSE(refNumberIsExact("12345678901234567890"));
    EXPECT_FALSE(refNumberIsExact("0123"));  // a leading zero would alias "123"
    EXPECT_EQ(refNumberStem("101559956668415"), "ZZZZZZZZZ");
}

TEST(Naming, LongestRefNumberFitsQuickBooks) {
    const std::string ref = makeRefNumber("101559956668415", RefKind::CreditMemo, 35);
    EXPECT_EQ(ref, "ZZZZZZZZZZC");
    EXPECT_EQ(ref.size(), kMaxRefNumberLength);
    EXPECT_EQ(makeRefNumber("12345678901234567890", RefKind::SalesReceipt, 1).size(), kMaxRefNumberLength);
}

TEST(Naming, ExactStemsAreCollisionFree) {
    // Distinct ids around the edges of every base-36 length give distinct stems, and all parts/kinds differ.
    std::set<std::string> refs;
    std::size_t made = 0;
    std::uint64_t power = 1;
    for (int digits = 1; digits <= 9; ++digits) {
        power *= 36;
        for (const std::uint64_t id : {power - 2, power - 1, power, power + 1}) {
            if (id >= kRefNumberExactLimit) continue;
            for (int part = 0; part < kMaxParts; part += 7) {
                for (const RefKind kind : {RefKind::SalesReceipt, RefKind::CreditMemo, RefKind::RefundPayment}) {
                    const std::string ref = makeRefNumber(std::to_string(id), kind, part);
                    EXPECT_LE(ref.size(), kMaxRefNumberLength);
                    refs.insert(ref);
                    ++made;
                }
            }
        }
    }
    EXPECT_EQ(refs.size(), made);
    // A run of consecutive real-looking ids.
    std::set<std::string> stems;
    for (std::uint64_t id = 23874396400; id < 23874396400 + 5000; ++id) stems.insert(refNumberStem(std::to_string(id)));
    EXPECT_EQ(stems.size(), 5000u);
}

TEST(Naming, LongIdsFoldDeterministicallyAndNeverLikeExactOnes) {
    EXPECT_EQ(refNumberStem("101559956668416"), "0EDNN10J7");
    EXPECT_EQ(refNumberStem("12345678901234567890"), "0TVB5QR3X");
    EXPECT_EQ(refNumberStem("0123"), "0WG3IYZ0X");
    EXPECT_EQ(refNumberStem("12345678901234567890"), refNumberStem("12345678901234567890"));
    EXPECT_NE(refNumberStem("12345678901234567890"), refNumberStem("12345678901234567891"));
    // Exact stems never start with '0'; folded stems always do.
    EXPECT_NE(refNumberStem("123").front(), '0');
    std::set<std::string> folded;
    for (int i = 0; i < 2000; ++i) {
        const std::string stem = refNumberStem("9" + std::string(16, '0') + std::to_string(1000 + i));
        EXPECT_EQ(stem.size(), 9u);
        EXPECT_EQ(stem.front(), '0');
        folded.insert(stem);
    }
    EXPECT_EQ(folded.size(), 2000u);  // no collision among these (not guaranteed in general)
}

TEST(Naming, BadIdsAndParts) {
    EXPECT_THROW(refNumberStem(""), NamingError);
    EXPECT_THROW(refNumberStem("12a4"), NamingError);
    EXPECT_THROW(refNumberStem("-12"), NamingError);
    EXPECT_THROW(makeRefNumber("123", RefKind::SalesReceipt, 36), NamingError);
    EXPECT_THROW(makeRefNumber("123", RefKind::SalesReceipt, -1), NamingError);
    EXPECT_EQ(partCharacter(0), '0');
    EXPECT_EQ(partCharacter(9), '9');
    EXPECT_EQ(partCharacter(10), 'A');
    EXPECT_EQ(partCharacter(35), 'Z');
}

TEST(Naming, ShortSkuIsItsOwnItemName) {
    EXPECT_EQ(skuItemName("SALTT15-ALLT"), "SALTT15-ALLT");
    EXPECT_EQ(skuItemName("FIX-SKU-B"), "FIX-SKU-B");
    const std::string exactly31(31, 'A');
    EXPECT_EQ(skuItemName(exactly31), exactly31);
    EXPECT_TRUE(skuIsItemName("Café-Crème-250g"));  // non-ASCII counts in characters
    EXPECT_EQ(skuItemName(std::string(30, 'x') + "é"), std::string(30, 'x') + "é");  // 31 characters, 32 bytes
}

TEST(Naming, LongSkusFoldWithoutCollisions) {
    const std::string red = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-RED";
    const std::string blue = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-BLUE";
    EXPECT_EQ(skuItemName(red), "ABCDEFGHIJKLMNOPQRSTUVWX~XSDTBR");
    EXPECT_EQ(skuItemName(blue), "ABCDEFGHIJKLMNOPQRSTUVWX~72R6M4");
    EXPECT_EQ(utf8Length(skuItemName(red)), kMaxItemNameLength);
    EXPECT_NE(skuItemName(red), skuItemName(blue));

    // Many long SKUs sharing a 24-character prefix: all names distinct, all valid.
    std::set<std::string> names;
    for (int i = 0; i < 3000; ++i) {
        const std::string sku = "VERY-LONG-PRODUCT-FAMILY-NAME-" + std::to_string(i);
        const std::string name = skuItemName(sku);
        EXPECT_LE(utf8Length(name), kMaxItemNameLength);
        EXPECT_TRUE(isValidQuickBooksFullName(name)) << name;
        EXPECT_EQ(name.find(':'), std::string::npos);
        names.insert(name);
    }
    EXPECT_EQ(names.size(), 3000u);
}

TEST(Naming, ColonNeverMakesASubItem) {
    const std::string name = skuItemName("WIDGET:RED");
    EXPECT_EQ(name, "WIDGET-RED~69VVIS");
    EXPECT_EQ(name.find(':'), std::string::npos);
    // "WIDGET-RED" itself stays as it is, and cannot clash with the folded name of "WIDGET:RED".
    EXPECT_EQ(skuItemName("WIDGET-RED"), "WIDGET-RED");
    // A SKU that looks like a folded name is folded itself ('~' is reserved), so it cannot take another's name.
    EXPECT_NE(skuItemName("WIDGET-RED~69VVIS"), "WIDGET-RED~69VVIS");
}

TEST(Naming, ControlCharactersAndBlanksAreCleaned) {
    const std::string name = skuItemName(" TAB\tSKU ");
    EXPECT_EQ(name.find('\t'), std::string::npos);
    EXPECT_NE(name.front(), ' ');
    EXPECT_TRUE(isValidQuickBooksFullName(name)) << name;
    EXPECT_THROW(skuItemName(""), NamingError);
}

TEST(Naming, LongNonAsciiSkuIsCutOnACharacterBoundary) {
    std::string sku;
    for (int i = 0; i < 40; ++i) sku += "é";
    const std::string name = skuItemName(sku);
    EXPECT_EQ(utf8Length(name), kMaxItemNameLength);
    EXPECT_TRUE(isValidQuickBooksFullName(name));
    EXPECT_EQ(name.substr(0, 48), sku.substr(0, 48));  // 24 characters of 2 bytes
}

TEST(Naming, SkuQuickBooksWouldChangeIsFoldedSoTwoSkusNeverShareAName) {
    // QuickBooks stores an en dash, a curly quote or a euro sign as something else ("-", "'", "EUR" after
    // qbxml::toQuickBooksText), so "A–1" would become "A-1", the name of another SKU: such a SKU is folded.
    EXPECT_FALSE(skuIsItemName("A\xE2\x80\x93" "1"));  // en dash
    EXPECT_FALSE(skuIsItemName("PRICE\xE2\x82\xAC" "9"));  // euro sign, 3 characters once stored
    EXPECT_FALSE(skuIsItemName("\xE6\x9D\xB1\xE4\xBA\xAC-1"));  // CJK
    EXPECT_FALSE(skuIsItemName("NBSP\xC2\xA0" "1"));
    EXPECT_TRUE(skuIsItemName("CAF\xC3\x89-1"));  // É is Latin-1: stored as it is
    const std::string dash = skuItemName("A\xE2\x80\x93" "1");
    EXPECT_EQ(dash.substr(0, 4), "A_1~");
    EXPECT_NE(dash, skuItemName("A-1"));
    EXPECT_NE(dash, skuItemName("A\xE2\x80\x94" "1"));  // em dash: same prefix, another hash
    for (const std::string& name : {dash, skuItemName("\xF0\x9F\x99\x82 emoji SKU")}) {
        for (const char c : name) {
            const auto b = static_cast<unsigned char>(c);
            EXPECT_TRUE(b >= 0x20 && b < 0x7F) << name;
        }
    }
}

TEST(Naming, QuickBooksFullNames) {
    EXPECT_TRUE(isValidQuickBooksFullName("Amazon Sales"));
    EXPECT_TRUE(isValidQuickBooksFullName("Amazon:Fees:Storage"));
    EXPECT_FALSE(isValidQuickBooksFullName(""));
    EXPECT_FALSE(isValidQuickBooksFullName("Amazon::Fees"));
    EXPECT_FALSE(isValidQuickBooksFullName(std::string(32, 'a')));
    EXPECT_FALSE(isValidQuickBooksFullName("tab\there"));
    EXPECT_FALSE(isValidQuickBooksFullName(" leading"));
}

}  // namespace
}  // namespace settlebridge::settlement
