// Report document decoding: gzip (a real Amazon document from the recorded cassette), charsets, S3 errors.

#include <gtest/gtest.h>

#include <zlib.h>

#include <string>

#include "daemon/amazon/document.hpp"
#include "daemon/amazon/errors.hpp"
#include "daemon/net/http.hpp"
#include "tests/unit/amazon/sim_process.hpp"

using settlebridge::amazon::charsetOf;
using settlebridge::amazon::decodeReportText;
using settlebridge::amazon::DownloadError;
using settlebridge::amazon::gunzip;
using settlebridge::amazon::looksGzipped;
using settlebridge::amazon::parseS3Error;

namespace {

std::string gzip(const std::string& plain) {
    z_stream zs{};
    EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    std::string out(deflateBound(&zs, static_cast<uLong>(plain.size())) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
    zs.avail_in = static_cast<uInt>(plain.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

}  // namespace

TEST(Gunzip, DecodesTheRecordedAmazonDocument) {
    // S3's answer in the cassette: Content-Type text/plain; charset=Cp1252, Content-Encoding identity, gzip body.
    const std::string body =
        settlebridge::testing::cassetteBody("Helpers__Reports20210630Test__test_download_compressed_report_document.yml");
    ASSERT_EQ(body.size(), 565u);
    ASSERT_TRUE(looksGzipped(body));
    const std::string text = gunzip(body);
    EXPECT_EQ(text.size(), 1429u);
    EXPECT_EQ(text.rfind("sku\tfnsku\tasin\tproduct-name", 0), 0u);
}

TEST(Gunzip, RefusesTruncatedAndDamagedStreams) {
    const std::string body =
        settlebridge::testing::cassetteBody("Helpers__Reports20210630Test__test_download_compressed_report_document.yml");
    try {
        gunzip(body.substr(0, body.size() / 2));
        FAIL() << "a truncated stream was accepted";
    } catch (const DownloadError& e) {
        EXPECT_EQ(e.httpStatus(), 0);
        EXPECT_NE(std::string(e.what()).find("ends early"), std::string::npos) << e.what();
    }
    std::string damaged = body;
    damaged[40] = static_cast<char>(damaged[40] ^ 0x5A);
    EXPECT_THROW(gunzip(damaged), DownloadError);
    EXPECT_THROW(gunzip(body + "garbage after the stream"), DownloadError);
    EXPECT_EQ(gunzip(body + std::string(16, '\0')).size(), 1429u);  // zero padding is tolerated
}

TEST(Gunzip, ConcatenatedMembersAndSizeLimit) {
    const std::string a(100'000, 'a');
    const std::string b = "second member\n";
    EXPECT_EQ(gunzip(gzip(a) + gzip(b)), a + b);
    EXPECT_THROW(gunzip(gzip(a), 50'000), DownloadError);
    EXPECT_FALSE(looksGzipped("settlement-id\t"));
    EXPECT_FALSE(looksGzipped("\x1f"));
}

TEST(Charset, ReadFromContentType) {
    EXPECT_EQ(charsetOf("text/plain; charset=Cp1252"), "cp1252");
    EXPECT_EQ(charsetOf("text/plain;charset=\"UTF-8\""), "utf-8");
    EXPECT_EQ(charsetOf("text/plain; format=flowed; Charset=windows-1252 ; x=y"), "windows-1252");
    EXPECT_EQ(charsetOf("text/plain"), "");
    EXPECT_EQ(charsetOf(""), "");
    EXPECT_EQ(charsetOf("text/plain; xcharset=utf-8"), "");
}

TEST(Charset, Windows1252BecomesUtf8) {
    const std::string cp1252 = "sku\tCAF\xC9-\x80-\x9C\n";  // É, €, œ
    EXPECT_EQ(decodeReportText(cp1252, "cp1252"), "sku\tCAF\xC3\x89-\xE2\x82\xAC-\xC5\x93\n");
    EXPECT_EQ(decodeReportText(cp1252, "windows-1252"), decodeReportText(cp1252, "iso-8859-1"));  // WHATWG: same
    // Mislabelled UTF-8 (valid UTF-8 throughout) is left alone rather than double-encoded.
    EXPECT_EQ(decodeReportText("CAF\xC3\x89", "cp1252"), "CAF\xC3\x89");
    // No charset: the bytes as they came (the parser reads UTF-8, else Windows-1252, per field).
    EXPECT_EQ(decodeReportText(cp1252, ""), cp1252);
    EXPECT_EQ(decodeReportText(cp1252, "utf-8"), cp1252);
}

TEST(Charset, Utf16ShiftJisAndUnknown) {
    const std::string utf16le("\xFF\xFE" "s\0k\0u\0\t\0\xE9\0\n\0", 14);
    EXPECT_EQ(decodeReportText(utf16le, "utf-16"), "sku\t\xC3\xA9\n");
    const std::string utf16be("\0s\0k\0u", 6);
    EXPECT_EQ(decodeReportText(utf16be, "utf-16be"), "sku");
    EXPECT_EQ(decodeReportText(std::string("\x3D\xD8\x00\xDE", 4), "utf-16le"), "\xF0\x9F\x98\x80");  // a surrogate pair
    // "日本" in Shift_JIS.
    EXPECT_EQ(decodeReportText("\x93\xFA\x96\x7B", "Shift_JIS"), "\xE6\x97\xA5\xE6\x9C\xAC");
    EXPECT_EQ(decodeReportText("\x93\xFA\x96\x7B", "windows-31j"), "\xE6\x97\xA5\xE6\x9C\xAC");
    try {
        decodeReportText("abc", "x-made-up-charset");
        FAIL() << "an unknown charset was accepted";
    } catch (const DownloadError& e) {
        EXPECT_NE(std::string(e.what()).find("x-made-up-charset"), std::string::npos) << e.what();
    }
}

TEST(S3Error, ReadsTheRecordedExpiredLinkAnswer) {
    std::string xml;
    for (const auto& body : settlebridge::testing::cassetteBodies(
             "Helpers__Reports20210630Test__test_download_report_document_client_error.yml")) {
        if (body.find("<Error>") != std::string::npos) xml = body;
    }
    ASSERT_FALSE(xml.empty()) << "the cassette's S3 403 answer";
    const auto error = parseS3Error(xml);
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->code, "AccessDenied");
    EXPECT_EQ(error->message, "Request has expired");
    EXPECT_FALSE(parseS3Error("{\"errors\":[]}").has_value());
    EXPECT_FALSE(parseS3Error("").has_value());
}

TEST(Http, EncodingAndLoopback) {
    using settlebridge::net::formEncode;
    using settlebridge::net::isLoopbackHost;
    using settlebridge::net::percentEncode;
    EXPECT_EQ(percentEncode("Atzr|IwE+/=a b"), "Atzr%7CIwE%2B%2F%3Da%20b");
    EXPECT_EQ(percentEncode("2024-09-12T19:42:16Z"), "2024-09-12T19%3A42%3A16Z");
    EXPECT_EQ(formEncode({{"grant_type", "refresh_token"}, {"refresh_token", "Atzr|x"}}),
              "grant_type=refresh_token&refresh_token=Atzr%7Cx");
    EXPECT_TRUE(isLoopbackHost("127.0.0.1"));
    EXPECT_TRUE(isLoopbackHost("127.1.2.3"));
    EXPECT_TRUE(isLoopbackHost("localhost"));
    EXPECT_TRUE(isLoopbackHost("::1"));
    EXPECT_TRUE(isLoopbackHost("[::1]"));
    EXPECT_FALSE(isLoopbackHost("127.0.0.1.evil.com"));
    EXPECT_FALSE(isLoopbackHost("sellingpartnerapi-na.amazon.com"));
    EXPECT_FALSE(isLoopbackHost("10.0.0.1"));
}
