#pragma once
// What can go wrong pulling ad spend, with a message for the seller (what()) and the facts in fields.
// Login with Amazon failures stay amazon::LwaError (invalid_grant = revoked or expired authorization);
// network failures stay amazon::NetworkError; shutdown is amazon::CancelledError.

#include <stdexcept>
#include <string>
#include <utility>

namespace settlebridge::ads {

class AdsError : public std::runtime_error {
public:
    enum class Kind {
        AccessDenied,  // 401/403 after a fresh token: the login lacks access to this profile (or wrong region)
        Throttled,     // 429 after the retries (or a Retry-After longer than we wait)
        Server,        // 5xx after the retries
        BadRequest,    // 400/404/422: Amazon/Walmart refused the request
        ReportFailed,  // the report ended FAILED (Amazon) / failed or expired (Walmart)
        Timeout,       // the report was still not ready after the configured wait
        Download,      // the report file could not be downloaded or decoded
        Protocol,      // an answer we cannot read (not the documented shape, a bad number)
        Config,        // missing credentials or settings
    };
    AdsError(Kind kind, int httpStatus, std::string code, std::string detail, const std::string& message)
        : std::runtime_error(message), kind_(kind), httpStatus_(httpStatus), code_(std::move(code)), detail_(std::move(detail)) {}
    AdsError(Kind kind, const std::string& message) : AdsError(kind, 0, "", "", message) {}

    Kind kind() const noexcept { return kind_; }
    int httpStatus() const noexcept { return httpStatus_; }
    /// The service's error code ("UNAUTHORIZED", "TOO_MANY_REQUESTS"...) and text, "" when none.
    const std::string& code() const noexcept { return code_; }
    const std::string& detail() const noexcept { return detail_; }

private:
    Kind kind_;
    int httpStatus_;
    std::string code_;
    std::string detail_;
};

}  // namespace settlebridge::ads
