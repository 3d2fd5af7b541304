#include "daemon/net/send.hpp"

#include <algorithm>

namespace settlebridge::net {

SendOutcome sendWithRetry(const HttpClient& http, Clock& clock, Backoff& backoff, const std::stop_token& stop,
                          const SendHooks& hooks, const SendRules& rules) {
    const RetryPolicy& policy = backoff.policy();
    const int maxAttempts = std::max(1, policy.maxAttempts);
    bool sentAgain = false;
    int attempt = 0;
    for (;;) {
        if (rules.stopBeforeEachTry && stop.stop_requested()) throw CancelledError();
        const bool last = attempt + 1 >= maxAttempts;
        SendOutcome outcome;
        outcome.attempts = attempt + 1;
        try {
            outcome.response = http.send(hooks.build());
        } catch (const NetworkError& e) {
            const bool transient = rules.retryAnyNetworkFailure || e.kind() == NetworkError::Kind::Timeout ||
                                   e.kind() == NetworkError::Kind::Closed;
            if (!transient || last) throw;
            const auto wait = backoff.delay(attempt, std::nullopt);
            if (hooks.onRetry) hooks.onRetry(nullptr, e.what(), wait);
            if (!clock.sleepFor(wait, stop)) throw CancelledError();
            ++attempt;
            continue;
        }
        const HttpResponse& response = outcome.response;
        const Verdict verdict = hooks.inspect ? hooks.inspect(response)
                                              : (response.status >= 200 && response.status < 300 ? Verdict::Final
                                                                                                   : Verdict::Retryable);
        if (verdict == Verdict::Final) return outcome;
        if (verdict == Verdict::SendAgain && !sentAgain) {
            sentAgain = true;
            continue;
        }
        if (!isRetryableStatus(response.status) || last) return outcome;
        std::optional<std::chrono::milliseconds> asked;
        if (rules.honourAskedWait) {
            if (hooks.askedWait) {
                asked = hooks.askedWait(response, clock.wallNow());
            } else if (auto value = response.header("Retry-After")) {
                asked = parseRetryAfter(*value, clock.wallNow());
            }
        }
        if (rules.capRetryAfter && asked && *asked > policy.maxRetryAfter) {
            outcome.waitTooLong = true;
            return outcome;
        }
        const auto wait = backoff.delay(attempt, asked);
        if (hooks.onRetry) hooks.onRetry(&response, "HTTP " + std::to_string(response.status), wait);
        if (!clock.sleepFor(wait, stop)) throw CancelledError();
        ++attempt;
    }
}

}  // namespace settlebridge::net
