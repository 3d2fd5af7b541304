// net::sendWithRetry against a scripted HTTP server on loopback: which answers are retried, how long it waits,
// what a token refresh and a too-long Retry-After do, and network failures. Waits run on a ManualClock.
#include <gtest/gtest.h>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "daemon/net/send.hpp"

namespace settlebridge::net {
namespace {

using namespace std::chrono_literals;

/// Answers each request with the next scripted (status, Retry-After) and counts the requests.
class Script {
public:
    void push(int status, std::string retryAfter = "") {
        std::lock_guard lock(mutex_);
        answers_.emplace_back(status, std::move(retryAfter));
    }
    std::pair<int, std::string> next() {
        std::lock_guard lock(mutex_);
        ++requests_;
        if (answers_.empty()) return {200, ""};
        auto answer = answers_.front();
        answers_.pop_front();
        return answer;
    }
    int requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }

private:
    mutable std::mutex mutex_;
    std::deque<std::pair<int, std::string>> answers_;
    int requests_ = 0;
};

class Handler final : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(Script& script) : script_(script) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        request.stream().ignore(1 << 20);
        const auto [status, retryAfter] = script_.next();
        response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
        if (!retryAfter.empty()) response.set("Retry-After", retryAfter);
        response.setContentType("text/plain");
        response.send() << "answer " << status;
    }

private:
    Script& script_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(Script& script) : script_(script) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler(script_);
    }

private:
    Script& script_;
};

class Server {
public:
    Server() : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)), server_(new Factory(script), socket_, new Poco::Net::HTTPServerParams) {
        server_.start();
    }
    ~Server() { server_.stop(); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + "/x"; }
    Script script;

private:
    Poco::Net::ServerSocket socket_;
    Poco::Net::HTTPServer server_;
};

RetryPolicy policy(int attempts) {
    RetryPolicy p;
    p.maxAttempts = attempts;
    p.baseDelay = 1'000ms;
    p.maxDelay = 8'000ms;
    p.maxRetryAfter = 30'000ms;
    return p;
}

struct Fixture {
    explicit Fixture(int attempts) : backoff(policy(attempts), [] { return 1.0; }) {}
    SendHooks hooks(const std::string& url) {
        SendHooks h;
        h.build = [url, this] {
            ++built;
            HttpRequest request;
            request.url = url;
            return request;
        };
        h.onRetry = [this](const HttpResponse* answer, const std::string&, std::chrono::milliseconds) {
            retriedStatuses.push_back(answer == nullptr ? 0 : answer->status);
        };
        return h;
    }
    HttpClient http{HttpOptions{}};
    ManualClock clock;
    Backoff backoff;
    std::stop_source stop;
    int built = 0;
    std::vector<int> retriedStatuses;
};

TEST(SendWithRetry, RetriesRetryableStatusesWithBackoffUntilAnAnswerIsFinal) {
    Server server;
    server.script.push(503);
    server.script.push(429);
    server.script.push(200);
    Fixture f(5);
    const SendOutcome outcome = sendWithRetry(f.http, f.clock, f.backoff, f.stop.get_token(), f.hooks(server.url()));
    EXPECT_EQ(outcome.response.status, 200);
    EXPECT_EQ(outcome.attempts, 3);
    EXPECT_FALSE(outcome.waitTooLong);
    EXPECT_EQ(server.script.requests(), 3);
    EXPECT_EQ(f.built, 3);  // a fresh request for every try
    EXPECT_EQ(f.retriedStatuses, (std::vector<int>{503, 429}));
    EXPECT_EQ(f.clock.sleeps(), (std::vector<std::chrono::milliseconds>{1'000ms, 2'000ms}));
}

TEST(SendWithRetry, ANonRetryableStatusEndsTheLoopAtOnce) {
    Server server;
    server.script.push(400);
    Fixture f(5);
    const SendOutcome outcome = sendWithRetry(f.http, f.clock, f.backoff, f.stop.get_token(), f.hooks(server.url()));
    EXPECT_EQ(outcome.response.status, 400);
    EXPECT_EQ(outcome.attempts, 1);
    EXPECT_TRUE(f.clock.sleeps().empty());
}

TEST(SendWithRetry, ReturnsTheLastAnswerWhenTheTriesAreUsedUp) {
    Server server;
    for (int i = 0; i < 5; ++i) server.script.push(500);
    Fixture f(3);
    const SendOutcome outcome = sendWithRetry(f.http, f.clock, f.backoff, f.stop.get_token(), f.hooks(server.url()));
    EXPECT_EQ(outcome.response.status, 500);
    EXPECT_EQ(outcome.attempts, 3);
    EXPECT_EQ(server.script.requests(), 3);
    EXPECT_EQ(f.clock.sleeps().size(), 2u);
}

TEST(SendWithRetry, RetryAfterIsTheLeastWaitAndALongerOneThanThePolicyEndsTheLoop) {
    Server server;
    server.script.push(429, "7");
    server.script.push(429, "120");
    Fixture f(5);
    const SendOutcome outcome = sendWithRetry(f.http, f.clock, f.backoff, f.stop.get_token(), f.hooks(server.url()));
    EXPECT_EQ(outcome.response.status, 429);
    EXPECT_TRUE(outcome.waitTooLong);
    EXPECT_EQ(outcome.attempts, 2);
    EXPECT_EQ(f.clock.sleeps(), (std::vector<std::chrono::milliseconds>{7'000ms}));

    // Without the cap the long wait is waited for.
    Server again;
    again.script.push(429, "120");
    Fixture g(5);
    SendRules rules;
    rules.capRetryAfter = false;
    const SendOutcome waited = sendWithRetry(g.http, g.clock, g.backoff, g.stop.get_token(), g.hooks(again.url()), rules);
    EXPECT_EQ(waited.response.status, 200);
    EXPECT_EQ(g.clock.sleeps(), (std::vector<std::chrono::milliseconds>{120'000ms}));

    // Ignoring asked waits: the backoff alone.
    Server ignored;
    ignored.script.push(503, "60");
    Fixture h(5);
    rules.honourAskedWait = false;
    sendWithRetry(h.http, h.clock, h.backoff, h.stop.get_token(), h.hooks(ignored.url()), rules);
    EXPECT_EQ(h.clock.sleeps(), (std::vector<std::chrono::milliseconds>{1'000ms}));
}

TEST(SendWithRetry, SendAgainDoesNotCountATryAndHappensOnce) {
    Server server;
    server.script.push(401);
    server.script.push(401);
    Fixture f(5);
    SendHooks hooks = f.hooks(server.url());
    int refreshes = 0;
    hooks.inspect = [&](const HttpResponse& response) {
        if (response.status == 401) {
            ++refreshes;
            return Verdict::SendAgain;
        }
        return response.status < 300 ? Verdict::Final : Verdict::Retryable;
    };
    const SendOutcome outcome = sendWithRetry(f.http, f.clock, f.backoff, f.stop.get_token(), hooks);
    EXPECT_EQ(outcome.response.status, 401);  // the second 401 is the answer
    EXPECT_EQ(outcome.attempts, 1);
    EXPECT_EQ(server.script.requests(), 2);
    EXPECT_EQ(refreshes, 2);
    EXPECT_TRUE(f.clock.sleeps().empty());
}

TEST(SendWithRetry, AFinalVerdictEndsTheLoopOnARetryableStatus) {
    Server server;
    server.script.push(503);
    Fixture f(5);
    SendHooks hooks = f.hooks(server.url());
    hooks.inspect = [](const HttpResponse&) { return Verdict::Final; };
    EXPECT_EQ(sendWithRetry(f.http, f.clock, f.backoff, f.stop.get_token(), hooks).response.status, 503);
    EXPECT_EQ(server.script.requests(), 1);
}

TEST(SendWithRetry, ARefusedConnectionIsRetriedOnlyWhenEveryNetworkFailureIs) {
    std::string url;
    {
        Poco::Net::ServerSocket closed(Poco::Net::SocketAddress("127.0.0.1", 0));
        url = "http://127.0.0.1:" + std::to_string(closed.address().port()) + "/x";
    }  // nothing listens there any more
    Fixture f(3);
    EXPECT_THROW(sendWithRetry(f.http, f.clock, f.backoff, f.stop.get_token(), f.hooks(url)), NetworkError);
    EXPECT_EQ(f.built, 1);
    EXPECT_TRUE(f.clock.sleeps().empty());

    Fixture g(3);
    SendRules rules;
    rules.retryAnyNetworkFailure = true;
    EXPECT_THROW(sendWithRetry(g.http, g.clock, g.backoff, g.stop.get_token(), g.hooks(url), rules), NetworkError);
    EXPECT_EQ(g.built, 3);
    EXPECT_EQ(g.retriedStatuses, (std::vector<int>{0, 0}));
}

TEST(SendWithRetry, AStopEndsTheWaitAndOptionallyPreventsTheFirstTry) {
    Server server;
    server.script.push(503);
    Fixture f(5);
    f.stop.request_stop();
    EXPECT_THROW(sendWithRetry(f.http, f.clock, f.backoff, f.stop.get_token(), f.hooks(server.url())), CancelledError);
    EXPECT_EQ(server.script.requests(), 1);  // sent once, then the wait saw the stop

    Fixture g(5);
    g.stop.request_stop();
    SendRules rules;
    rules.stopBeforeEachTry = true;
    EXPECT_THROW(sendWithRetry(g.http, g.clock, g.backoff, g.stop.get_token(), g.hooks(server.url()), rules),
                 CancelledError);
    EXPECT_EQ(g.built, 0);
}

}  // namespace
}  // namespace settlebridge::net
