#pragma once
// What can go wrong talking to Amazon, as typed exceptions with messages a seller understands (what()) and
// the technical facts kept in fields (for logs and the admin page). A failed call aborts the operation it
// belongs to (a sync, a connection test), so these are exceptions; testConnection() turns them into a
// value (see connection_test.hpp).
//
//   AmazonError           (= net::RemoteError; with ConfigError, NetworkError and CancelledError: daemon/net/errors.hpp)
//   ├── LwaError          Login with Amazon refused: invalid_client, invalid_grant, ...
//   ├── SpApiError        SP-API answered with an error (errors[] payload: Amazon's code and message)
//   └── DownloadError     the report document could not be downloaded or decoded

#include <stdexcept>
#include <string>
#include <utility>

#include "daemon/net/errors.hpp"

namespace settlebridge::amazon {

using AmazonError = net::RemoteError;
using net::CancelledError;
using net::ConfigError;
using net::NetworkError;

class LwaError : public AmazonError {
public:
    enum class Kind {
        InvalidClient,  // client id or secret wrong (HTTP 401 invalid_client)
        InvalidGrant,   // refresh token revoked/expired/for another app, or authorization code used/expired
        InvalidRequest, // a parameter missing or malformed (a bug, or a pasted value with junk)
        Unavailable,    // LWA answered 429/5xx after the retries
        Unexpected,     // any other answer (including one that is not LWA's JSON)
    };
    LwaError(Kind kind, int httpStatus, std::string code, std::string description, const std::string& message)
        : AmazonError(message),
          kind_(kind),
          httpStatus_(httpStatus),
          code_(std::move(code)),
          description_(std::move(description)) {}
    Kind kind() const noexcept { return kind_; }
    int httpStatus() const noexcept { return httpStatus_; }
    /// LWA's `error` ("invalid_grant") and `error_description`.
    const std::string& code() const noexcept { return code_; }
    const std::string& description() const noexcept { return description_; }

private:
    Kind kind_;
    int httpStatus_;
    std::string code_;
    std::string description_;
};

class SpApiError : public AmazonError {
public:
    SpApiError(std::string operation, int httpStatus, std::string code, std::string amazonMessage,
               std::string details, std::string requestId, const std::string& message)
        : AmazonError(message),
          operation_(std::move(operation)),
          httpStatus_(httpStatus),
          code_(std::move(code)),
          amazonMessage_(std::move(amazonMessage)),
          details_(std::move(details)),
          requestId_(std::move(requestId)) {}
    /// "getReports", "getReportDocument".
    const std::string& operation() const noexcept { return operation_; }
    int httpStatus() const noexcept { return httpStatus_; }
    /// The first errors[] entry: Amazon's code ("QuotaExceeded", "Unauthorized", "InvalidInput"...), message and
    /// details ("" when absent). For a body that is not an errors[] list, code is "" and message is the text.
    const std::string& code() const noexcept { return code_; }
    const std::string& amazonMessage() const noexcept { return amazonMessage_; }
    const std::string& details() const noexcept { return details_; }
    /// x-amzn-RequestId, for Amazon support.
    const std::string& requestId() const noexcept { return requestId_; }
    /// 403 Unauthorized after a fresh access token: the token is good but this seller's data is not reachable
    /// here (wrong region, or the app lacks the role).
    bool accessDenied() const noexcept { return httpStatus_ == 403 || httpStatus_ == 401; }

private:
    std::string operation_;
    int httpStatus_;
    std::string code_;
    std::string amazonMessage_;
    std::string details_;
    std::string requestId_;
};

class DownloadError : public AmazonError {
public:
    DownloadError(int httpStatus, std::string s3Code, std::string s3Message, const std::string& message)
        : AmazonError(message), httpStatus_(httpStatus), s3Code_(std::move(s3Code)), s3Message_(std::move(s3Message)) {}
    /// 0 when the download itself worked but the content could not be decoded (bad gzip, unknown charset).
    int httpStatus() const noexcept { return httpStatus_; }
    /// S3's <Code> and <Message> ("AccessDenied", "Request has expired") when it answered with its XML error.
    const std::string& s3Code() const noexcept { return s3Code_; }
    const std::string& s3Message() const noexcept { return s3Message_; }

private:
    int httpStatus_;
    std::string s3Code_;
    std::string s3Message_;
};


}  // namespace settlebridge::amazon
