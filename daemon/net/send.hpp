#pragma once
// One send-with-retry for every client of an outside service (SP-API, LWA, Amazon Ads, Walmart Connect,
// Sellercloud): build the request, send it, and retry what is worth retrying — a retryable status (429, 5xx) or a
// transient network failure — with the backoff of `RetryPolicy`, never waiting for a Retry-After longer than the
// policy allows. The caller keeps what is its own: the request (built anew for each try: fresh tokens,
// timestamps, signatures, a rate-limit token), the statuses that end the loop early, a token refresh that sends
// again without counting a try, logging, and the error it raises from the last answer.

#include <chrono>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>

#include "daemon/net/clock.hpp"
#include "daemon/net/errors.hpp"
#include "daemon/net/http.hpp"
#include "daemon/net/retry.hpp"

namespace settlebridge::net {

/// What the caller makes of one answer before the retry rules apply.
enum class Verdict {
    Retryable,  // the shared rules decide: a retryable status is retried while tries are left, others end the loop
    Final,      // the loop ends with this answer (2xx, or a status the caller reads itself)
    SendAgain,  // send again at once without counting a try (a refreshed access token); at most once per call
};

struct SendHooks {
    /// Builds the request for one try (called before every try).
    std::function<HttpRequest()> build;
    /// Classifies an answer; default: 2xx Final, anything else Retryable.
    std::function<Verdict(const HttpResponse&)> inspect;
    /// The wait an answer asks for; default: its Retry-After header.
    std::function<std::optional<std::chrono::milliseconds>(const HttpResponse&, Clock::Wall now)> askedWait;
    /// Told before each wait: the answer (nullptr for a network failure), what failed, the wait.
    std::function<void(const HttpResponse* answer, const std::string& failure, std::chrono::milliseconds wait)> onRetry;
};

struct SendRules {
    /// Any network failure is worth another try (true), or only a timeout or a dropped connection (false).
    bool retryAnyNetworkFailure = false;
    /// A Retry-After longer than RetryPolicy::maxRetryAfter ends the loop (true) or is waited for (false).
    bool capRetryAfter = true;
    /// The asked wait is the least wait before the next try (true), or the answer's wait is ignored (false).
    bool honourAskedWait = true;
    /// Checks the stop token before every try, not only while waiting.
    bool stopBeforeEachTry = false;
};

struct SendOutcome {
    HttpResponse response;
    /// Tries made, the first included (a SendAgain does not count).
    int attempts = 1;
    /// The last answer was retryable but asked for a longer wait than the policy waits.
    bool waitTooLong = false;
};

/// Sends until an answer is final or the tries are used up; returns the last answer. Throws the NetworkError of
/// the last try when it was not worth retrying or no try was left, and CancelledError when `stop` is requested
/// while waiting (or before a try, with stopBeforeEachTry).
SendOutcome sendWithRetry(const HttpClient& http, Clock& clock, Backoff& backoff, const std::stop_token& stop,
                          const SendHooks& hooks, const SendRules& rules = {});

}  // namespace settlebridge::net
