#include "daemon/amazon/document.hpp"

#include <Poco/Encodings.h>
#include <Poco/TextConverter.h>
#include <Poco/TextEncoding.h>
#include <Poco/UTF8Encoding.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <mutex>

#include "daemon/amazon/errors.hpp"
#include "daemon/common/text.hpp"

namespace settlebridge::amazon {

namespace {

[[noreturn]] void damaged(const std::string& why) {
    throw DownloadError(0, "", "", "the report document Amazon sent is damaged (" + why +
                                       "); it will be downloaded again at the next sync");
}

bool isWindows1252Label(const std::string& label) {
    static constexpr std::array labels{"windows-1252", "cp1252",     "x-cp1252",   "cp-1252",  "iso-8859-1",
                                       "iso8859-1",    "iso_8859-1", "latin1",     "l1",       "cp819",
                                       "ibm819",       "iso-ir-100", "csisolatin1", "iso_8859-1:1987", "windows1252"};
    return std::find(labels.begin(), labels.end(), label) != labels.end();
}


/// UTF-16 to UTF-8; `bigEndian` unless a BOM says otherwise (the BOM is dropped). Lone surrogates → U+FFFD.
std::string utf16ToUtf8(std::string_view bytes, bool bigEndian) {
    if (bytes.size() >= 2) {
        const auto b0 = static_cast<unsigned char>(bytes[0]);
        const auto b1 = static_cast<unsigned char>(bytes[1]);
        if (b0 == 0xFE && b1 == 0xFF) {
            bigEndian = true;
            bytes.remove_prefix(2);
        } else if (b0 == 0xFF && b1 == 0xFE) {
            bigEndian = false;
            bytes.remove_prefix(2);
        }
    }
    if (bytes.size() % 2 != 0) damaged("a UTF-16 text with an odd number of bytes");
    auto unit = [&](std::size_t i) -> std::uint32_t {
        const auto a = static_cast<unsigned char>(bytes[i]);
        const auto b = static_cast<unsigned char>(bytes[i + 1]);
        return bigEndian ? (std::uint32_t{a} << 8 | b) : (std::uint32_t{b} << 8 | a);
    };
    std::string out;
    out.reserve(bytes.size());
    for (std::size_t i = 0; i < bytes.size(); i += 2) {
        std::uint32_t u = unit(i);
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < bytes.size()) {
            const std::uint32_t low = unit(i + 2);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
                i += 2;
            }
        }
        common::appendUtf8(out, u);
    }
    return out;
}

std::string viaPoco(const std::string& bytes, const std::string& label, std::string_view declared) {
    static std::once_flag registered;
    std::call_once(registered, [] { Poco::registerExtraEncodings(); });
    std::string name = label;
    if (name == "windows-31j" || name == "ms932" || name == "sjis" || name == "x-sjis" || name == "ms_kanji" ||
        name == "csshiftjis" || name == "shift-jis") {
        name = "windows-932";
    }
    Poco::TextEncoding::Ptr encoding;
    try {
        encoding = Poco::TextEncoding::find(name);
    } catch (...) {
    }
    if (encoding.isNull()) {
        throw DownloadError(0, "", "", "the report document is in a character set Settlebridge cannot read (" +
                                           std::string(declared) + ")");
    }
    Poco::UTF8Encoding utf8;
    Poco::TextConverter converter(*encoding, utf8, 0xFFFD);
    std::string out;
    converter.convert(bytes, out);
    return out;
}

}  // namespace

bool looksGzipped(std::string_view bytes) noexcept {
    return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1F &&
           static_cast<unsigned char>(bytes[1]) == 0x8B;
}

std::string gunzip(std::string_view bytes, std::size_t maxBytes) {
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 16) != Z_OK) damaged("zlib could not start");
    struct Guard {
        z_stream* s;
        ~Guard() { inflateEnd(s); }
    } guard{&zs};

    std::string out;
    std::array<char, 64 * 1024> buffer{};
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    zs.avail_in = static_cast<uInt>(std::min<std::size_t>(bytes.size(), 0x7FFFFFFF));
    if (bytes.size() > 0x7FFFFFFF) damaged("larger than 2 GiB compressed");
    for (;;) {
        zs.next_out = reinterpret_cast<Bytef*>(buffer.data());
        zs.avail_out = static_cast<uInt>(buffer.size());
        const int rc = inflate(&zs, Z_NO_FLUSH);
        const std::size_t produced = buffer.size() - zs.avail_out;
        if (out.size() + produced > maxBytes) {
            throw DownloadError(0, "", "", "the report document is larger than " + std::to_string(maxBytes) +
                                               " bytes once decompressed");
        }
        out.append(buffer.data(), produced);
        if (rc == Z_STREAM_END) {
            // Another gzip member may follow; trailing zero padding is tolerated, anything else is not.
            const std::string_view rest(reinterpret_cast<const char*>(zs.next_in), zs.avail_in);
            if (rest.empty() || std::all_of(rest.begin(), rest.end(), [](char c) { return c == '\0'; })) break;
            if (!looksGzipped(rest)) damaged("unexpected bytes after the gzip stream");
            if (inflateReset(&zs) != Z_OK) damaged("zlib could not continue");
            continue;
        }
        if (rc == Z_OK) continue;
        if (rc == Z_BUF_ERROR && zs.avail_in == 0) damaged("the gzip stream ends early: the download was cut short");
        if (rc == Z_BUF_ERROR) continue;
        damaged(std::string("gzip: ") + (zs.msg != nullptr ? zs.msg : "invalid data"));
    }
    return out;
}

std::string charsetOf(std::string_view contentType) {
    const std::string lowered = common::asciiLower(contentType);
    std::size_t pos = 0;
    while ((pos = lowered.find("charset", pos)) != std::string::npos) {
        std::size_t i = pos + 7;
        const bool boundary = pos == 0 || lowered[pos - 1] == ';' || lowered[pos - 1] == ' ' || lowered[pos - 1] == '\t';
        while (i < lowered.size() && (lowered[i] == ' ' || lowered[i] == '\t')) ++i;
        if (!boundary || i >= lowered.size() || lowered[i] != '=') {
            pos += 7;
            continue;
        }
        ++i;
        while (i < lowered.size() && (lowered[i] == ' ' || lowered[i] == '\t')) ++i;
        std::string value;
        if (i < lowered.size() && lowered[i] == '"') {
            const auto end = lowered.find('"', i + 1);
            value = lowered.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1);
        } else {
            const auto end = lowered.find_first_of("; \t", i);
            value = lowered.substr(i, end == std::string::npos ? std::string::npos : end - i);
        }
        return value;
    }
    return "";
}

std::string decodeReportText(std::string bytes, std::string_view charset) {
    const std::string label = common::asciiLower(charset);
    if (label.empty() || label == "utf-8" || label == "utf8" || label == "us-ascii" || label == "ascii") return bytes;
    if (isWindows1252Label(label)) {
        if (common::isValidUtf8(bytes)) return bytes;  // ASCII, or UTF-8 labelled Cp1252
        std::string out;
        out.reserve(bytes.size() + bytes.size() / 8);
        common::appendWindows1252AsUtf8(bytes, out);
        return out;
    }
    if (label == "utf-16" || label == "utf16") return utf16ToUtf8(bytes, true);
    if (label == "utf-16be") return utf16ToUtf8(bytes, true);
    if (label == "utf-16le") return utf16ToUtf8(bytes, false);
    return viaPoco(bytes, label, charset);
}

std::optional<S3Error> parseS3Error(std::string_view body) {
    auto element = [&](std::string_view name) -> std::optional<std::string> {
        const std::string open = "<" + std::string(name) + ">";
        const std::string close = "</" + std::string(name) + ">";
        const auto start = body.find(open);
        if (start == std::string_view::npos) return std::nullopt;
        const auto end = body.find(close, start + open.size());
        if (end == std::string_view::npos) return std::nullopt;
        return std::string(body.substr(start + open.size(), end - start - open.size()));
    };
    if (body.find("<Error>") == std::string_view::npos) return std::nullopt;
    S3Error error;
    error.code = element("Code").value_or("");
    error.message = element("Message").value_or("");
    if (error.code.empty() && error.message.empty()) return std::nullopt;
    return error;
}

}  // namespace settlebridge::amazon
