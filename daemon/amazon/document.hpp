#pragma once
// Turning a downloaded report document into the bytes the settlement parser reads:
//   - gzip: when getReportDocument says compressionAlgorithm=GZIP, and also whenever the body starts with the
//     gzip magic 1f 8b (S3 sends `Content-Encoding: identity` either way, and Amazon has served "GZIP"
//     documents that were plain text: the magic decides). Damaged or truncated streams are refused.
//   - charset, from the download's Content-Type (S3 says `text/plain; charset=Cp1252`):
//       none ............................ bytes unchanged (the parser reads a field as UTF-8 when it is valid
//                                         UTF-8, else as Windows-1252)
//       UTF-8 / US-ASCII ................ unchanged
//       Windows-1252 family (Cp1252, windows-1252, ISO-8859-1, latin1... — WHATWG maps them all to
//       windows-1252) ................... converted to UTF-8; a document that is entirely valid UTF-8 is
//                                         taken as mislabelled UTF-8 and left unchanged
//       UTF-16 (BOM, LE, BE), Shift_JIS / windows-31j / cp932, and the other encodings Poco knows
//                                         converted to UTF-8
//       anything else ................... DownloadError (better than garbled SKUs)

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/net/http.hpp"

namespace settlebridge::amazon {

/// True when `bytes` starts with the gzip magic (1f 8b).
bool looksGzipped(std::string_view bytes) noexcept;

/// Inflates a gzip stream (several concatenated members too). Throws DownloadError (httpStatus 0) when the
/// stream is damaged or ends early, or when the result would exceed `maxBytes`.
std::string gunzip(std::string_view bytes, std::size_t maxBytes = net::kMaxDownloadBytes);

/// The charset parameter of a Content-Type, lower-cased, without quotes; "" when there is none.
std::string charsetOf(std::string_view contentType);

/// Parser-ready text from decompressed bytes and the declared charset (see above). Throws DownloadError for a
/// charset it cannot decode.
std::string decodeReportText(std::string bytes, std::string_view charset);

/// S3's XML error (<Error><Code>AccessDenied</Code><Message>Request has expired</Message>…).
struct S3Error {
    std::string code;
    std::string message;
};
std::optional<S3Error> parseS3Error(std::string_view body);

}  // namespace settlebridge::amazon
