#include "daemon/net/event_engine.hpp"

#ifdef __linux__

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPMessage.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/net/buffered_message.hpp"
#include "daemon/net/request_reader.hpp"
#include "daemon/net/router.hpp"

namespace settlebridge::net {

using Poco::Net::HTTPRequestHandler;
using Poco::Net::HTTPResponse;

namespace {

// What the per-address connection cap counts by: the IPv4 address, or an IPv6 client's /64 network (one
// subscriber usually has a whole /64).
std::string addressKey(Poco::Net::IPAddress host) {
    if (host.family() == Poco::Net::IPAddress::IPv6 && !host.isIPv4Mapped()) {
        host.mask(Poco::Net::IPAddress(64, Poco::Net::IPAddress::IPv6));  // (in place)
        return host.toString() + "/64";
    }
    return host.toString();
}

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

enum class Phase : int {
    Idle,      // between requests: nothing of the next one has arrived (keepAliveTimeout applies)
    Reading,   // part of a request has arrived (ioTimeout applies)
    Handling,  // a handler is running (no timeout)
    Writing,   // waiting for the client to take the rest of the answer (ioTimeout applies)
    Lingering, // the last answer went out and our side is shut: reading what the client still sends, then close
};

constexpr std::int64_t kLingerMs = 2000;
constexpr std::size_t kLingerBytes = 1024U * 1024U;

class EventEngine;

// One client connection. Owned by exactly one thread at a time: the one that took its epoll event (the socket is
// registered EPOLLONESHOT and re-armed only when that thread is done with it).
struct Connection {
    int fd = -1;
    SSL* ssl = nullptr;
    Poco::Net::SocketAddress peer;
    Poco::Net::SocketAddress local;
    std::string in;            // bytes received; [0, consumed) belong to requests already answered
    std::size_t consumed = 0;
    std::size_t headScan = 0;  // where the search for the end of the next request's head resumes
    std::string out;           // bytes to send; [0, sent) already went
    std::size_t sent = 0;
    int served = 0;            // requests answered on this connection
    bool closeAfterWrite = false;
    bool peerClosed = false;
    bool tlsWantsWrite = false;  // the last TLS read needs the socket writable first
    bool lingering = false;
    std::size_t lingered = 0;
    int loop = 0;              // the event loop (epoll instance) this connection belongs to, for good
    std::atomic<Phase> phase{Phase::Idle};
    std::atomic<std::int64_t> lastActivity{0};
    std::atomic<bool> shutDown{false};  // the watchdog or stop() shut the socket down (the owner closes it)
    std::string address;       // the peer's host address (the per-address connection cap)
    std::size_t accounted = 0; // this connection's bytes in EventEngine::buffered_
    // For the sweep's deadlines (written by the owner thread, read by the watchdog):
    std::atomic<std::int64_t> requestSince{0};   // first byte of the request being received (0 = none)
    std::atomic<std::int64_t> transferSince{0};  // start of the body being received or the answer being sent
    std::atomic<std::uint64_t> transferred{0};   // bytes of that body or answer moved so far

    // The request being received: its head is parsed and its handler made; it waits for (the rest of) its body.
    struct Exchange {
        Exchange(const Connection& c, const Poco::Net::HTTPServerParams& params, bool secure)
            : request(response, c.peer, c.local, params, secure) {}
        BufferedResponse response;
        BufferedRequest request;
        std::unique_ptr<HTTPRequestHandler> handler;
        std::size_t bodyStart = 0;
        bool chunked = false;
        std::uint64_t contentLength = 0;
        bool refused = false;       // the factory answered before the body (status no longer 200)
        bool continueSent = false;
        std::size_t bodyLimit = 0;      // the route's limit
        ChunkedDecoder decoder;
        std::string chunkedBody;
        std::uint64_t chunkedRaw = 0;   // raw bytes of a chunked body already decoded and dropped from Connection::in
        std::size_t reserved = 0;       // this body's share of EventEngine::reserved_
    };
    std::unique_ptr<Exchange> exchange;
};

// One thread of the engine: when it started running a handler (0 = not in one), and whether the watchdog gave
// its loop to another thread because that handler stalled.
struct Slot {
    int loop = -1;  // the loop this thread runs (guarded by EventEngine::schedMutex_)
    std::atomic<std::int64_t> handlerSince{0};
    std::atomic<bool> stalled{false};  // written with EventEngine::schedMutex_ held
    // Connections whose answers wait to be written with the rest of this thread's batch (see flushDeferred).
    std::mutex deferredMutex;
    std::vector<Connection*> deferred;
};

class EventEngine final : public HttpServer::Engine {
public:
    EventEngine(const HttpServerConfig& config, std::vector<HttpServer::Route> routes)
        : config_(config), router_(std::move(routes), config.hostCheck), params_(serverParams(config)) {}
    ~EventEngine() override { closeFds(); }
    EventEngine(const EventEngine&) = delete;
    EventEngine& operator=(const EventEngine&) = delete;

    void start(Poco::Net::ServerSocket socket, Poco::Net::Context::Ptr tls) override {
        raiseOpenFileLimit();
        tls_ = std::move(tls);
        listenSocket_ = socket;  // keeps the socket (and its fd) alive until the engine is gone
        listenFd_ = socket.impl()->sockfd();
        setNonBlocking(listenFd_);
        wakeFd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        bool ok = wakeFd_ >= 0;
        for (int i = 0; ok && i < config_.ioThreads; ++i) {
            auto loop = std::make_unique<Loop>();
            loop->epollFd = ::epoll_create1(EPOLL_CLOEXEC);
            ok = loop->epollFd >= 0;
            loops_.push_back(std::move(loop));
            if (!ok) {
                break;
            }
            epoll_event ev{};
            ev.events = EPOLLIN | EPOLLEXCLUSIVE;  // a new connection wakes one loop, which accepts it
            ev.data.ptr = &listenTag_;
            ok = ::epoll_ctl(loops_.back()->epollFd, EPOLL_CTL_ADD, listenFd_, &ev) == 0;
            ev.events = EPOLLIN;  // level-triggered: stays readable, so every loop sees it
            ev.data.ptr = &wakeTag_;
            ok = ok && ::epoll_ctl(loops_.back()->epollFd, EPOLL_CTL_ADD, wakeFd_, &ev) == 0;
        }
        if (!ok) {
            const std::string reason = std::strerror(errno);
            closeFds();
            throw HttpServerError("cannot set up the event loop: " + reason);
        }

        for (int i = config_.ioThreads - 1; i >= 0; --i) {
            freeLoops_.push_back(i);
        }
        const int initial = std::max(config_.minThreads, config_.ioThreads);
        std::lock_guard lock(schedMutex_);
        for (int i = 0; i < initial; ++i) {
            spawnLocked();
        }
        watchdog_ = std::thread([this] { watchdogMain(); });
    }

    void stop() override {
        stopping_ = true;
        // No new connections: a listening socket shut down refuses connects at once (closed after the join, so no
        // thread can accept on a reused descriptor).
        for (const auto& loop : loops_) {
            ::epoll_ctl(loop->epollFd, EPOLL_CTL_DEL, listenFd_, nullptr);
        }
        ::shutdown(listenFd_, SHUT_RDWR);
        // Idle connections close now; those in the middle of a request finish it (answered with Connection:
        // close), those that stall are cut after ioTimeout.
        // (At most stopTimeout: a daemon asked to stop does not wait a minute for a client that sends nothing; a
        // handler still running finishes its work, the answer goes out if the client takes it at once.)
        const std::int64_t deadline =
            nowMs() + std::min<std::int64_t>(static_cast<std::int64_t>(config_.ioTimeout.count()),
                                             static_cast<std::int64_t>(config_.stopTimeout.count())) * 1000;
        {
            std::unique_lock lock(registryMutex_);
            for (;;) {
                const bool force = nowMs() >= deadline;
                for (Connection* c : connections_) {
                    const Phase phase = c->phase.load();
                    if (phase == Phase::Idle || phase == Phase::Lingering || (force && phase != Phase::Handling)) {
                        shutDownLocked(*c);
                    }
                }
                if (connections_.empty()) {
                    break;
                }
                registryChanged_.wait_for(lock, std::chrono::milliseconds(50));
            }
        }
        {
            std::lock_guard lock(schedMutex_);
            exiting_ = true;
        }
        followers_.notify_all();
        watchdogWake_.notify_all();
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(wakeFd_, &one, sizeof one);
        watchdog_.join();
        for (auto& thread : threads_) {
            thread.join();
        }
        threads_.clear();
        closeFds();
    }

    [[nodiscard]] int totalConnections() const override { return accepted_.load(); }

private:
    // One per ioThreads: an epoll instance with its share of the connections, run by one thread at a time.
    struct Loop {
        int epollFd = -1;
        std::mutex readyMutex;
        std::deque<std::pair<Connection*, std::uint32_t>> ready;  // events taken from epoll, not served yet
    };

    // Room for maxConnections sockets beside the database, logs and listening socket, as far as the hard limit
    // allows (the soft limit is often 1024).
    void raiseOpenFileLimit() const {
        rlimit limit{};
        if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
            return;
        }
        const rlim_t wanted = static_cast<rlim_t>(config_.maxConnections) + 256;
        if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
            const rlim_t raised = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
            if (raised > limit.rlim_cur) {
                limit.rlim_cur = raised;
                ::setrlimit(RLIMIT_NOFILE, &limit);
            }
            if (raised < wanted) {
                httpLog().warning("the open-file limit (%lu) is below what %d connections need; fewer are served",
                                  static_cast<unsigned long>(raised), config_.maxConnections);
            }
        }
    }

    static void setNonBlocking(int fd) {
        const int flags = ::fcntl(fd, F_GETFL, 0);
        ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    }

    void closeFds() {
        for (const auto& loop : loops_) {
            if (loop->epollFd >= 0) {
                ::close(loop->epollFd);
            }
        }
        loops_.clear();
        if (wakeFd_ >= 0) {
            ::close(wakeFd_);
            wakeFd_ = -1;
        }
        listenSocket_ = Poco::Net::ServerSocket();
        listenFd_ = -1;
    }

    // ---- threads ----

    void spawnLocked() {
        slots_.emplace_back();
        Slot& slot = slots_.back();
        threads_.emplace_back([this, &slot] { workerMain(slot); });
    }

    void workerMain(Slot& slot) {
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);  // a peer that went away is an EPIPE here, never a signal
        pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
        std::unique_lock lock(schedMutex_);
        for (;;) {
            ++idle_;
            followers_.wait(lock, [&] { return exiting_ || !freeLoops_.empty(); });
            --idle_;
            if (exiting_) {
                return;
            }
            slot.loop = freeLoops_.back();
            freeLoops_.pop_back();
            Loop& loop = *loops_[static_cast<std::size_t>(slot.loop)];
            lock.unlock();
            run(loop, slot);
            lock.lock();
        }
    }

    // Serves events until the engine exits, or until this thread's handler stalled and another thread took its
    // place (then it goes back to waiting for a permit).
    // Serves one loop's events until the engine exits, or until this thread's handler stalled and another thread
    // took the loop over (then it goes back to waiting for a free loop). Each loop has its own epoll instance and
    // its own connections, so a thread that finds the next request already waiting serves it without sleeping,
    // and no thread hands work to another.
    void run(Loop& loop, Slot& slot) {
        constexpr int kBatch = 32;
        epoll_event events[kBatch];
        for (;;) {
            Connection* c = nullptr;
            std::uint32_t what = 0;
            {
                std::lock_guard lock(loop.readyMutex);
                if (!loop.ready.empty()) {
                    std::tie(c, what) = loop.ready.front();
                    loop.ready.pop_front();
                }
            }
            if (c == nullptr) {
                flushDeferred(slot);  // the batch is done: its answers go out before this thread may sleep
                const int n = ::epoll_wait(loop.epollFd, events, kBatch, -1);
                if (n < 0 && errno != EINTR) {
                    httpLog().error(std::string("epoll_wait failed: ") + std::strerror(errno));
                }
                for (int i = 0; i < n; ++i) {
                    void* tag = events[i].data.ptr;
                    if (tag == &wakeTag_) {
                        if (exitingNow()) {
                            return;  // (no connections are left when the engine exits)
                        }
                    } else if (tag == &listenTag_) {
                        acceptAll();
                    } else if (c == nullptr) {
                        c = static_cast<Connection*>(tag);
                        what = events[i].events;
                    } else {
                        std::lock_guard lock(loop.readyMutex);
                        const std::uint32_t mask = events[i].events;  // (packed struct: copy, never bind)
                        loop.ready.emplace_back(static_cast<Connection*>(tag), mask);
                    }
                }
                if (c == nullptr) {
                    continue;
                }
            }
            serve(*c, what, slot);
            if (slot.stalled.load()) {
                flushDeferred(slot);
                std::lock_guard lock(schedMutex_);
                slot.stalled = false;
                const auto free = std::find(freeLoops_.begin(), freeLoops_.end(), slot.loop);
                if (free == freeLoops_.end()) {
                    slot.loop = -1;
                    return;  // another thread runs this loop in this one's place now
                }
                freeLoops_.erase(free);  // nobody took the loop this thread gave up: carry on
            }
        }
    }

    bool exitingNow() {
        std::lock_guard lock(schedMutex_);
        return exiting_;
    }

    void watchdogMain() {
        const auto tick = std::clamp(config_.stallThreshold / 2, std::chrono::milliseconds(1),
                                     std::chrono::milliseconds(100));
        const std::int64_t stallMs = config_.stallThreshold.count();
        std::int64_t lastSweep = nowMs();
        std::unique_lock lock(schedMutex_);
        while (!exiting_) {
            if (open_.load() == 0) {
                // Nothing to watch until a connection arrives (acceptAll notifies with this mutex held).
                watchdogWake_.wait(lock, [&] { return exiting_ || open_.load() > 0; });
            } else {
                watchdogWake_.wait_for(lock, tick);
            }
            if (exiting_) {
                break;
            }
            const std::int64_t now = nowMs();
            bool anyStalled = false;
            for (Slot& slot : slots_) {
                const std::int64_t since = slot.handlerSince.load();
                if (since != 0 && !slot.stalled && now - since >= stallMs) {
                    slot.stalled = true;  // its loop goes to another thread, and so do its unwritten answers
                    freeLoops_.push_back(slot.loop);
                    Loop& loop = *loops_[static_cast<std::size_t>(slot.loop)];
                    std::lock_guard deferredLock(slot.deferredMutex);
                    std::lock_guard readyLock(loop.readyMutex);
                    for (Connection* c : slot.deferred) {
                        loop.ready.emplace_back(c, 0U);
                    }
                    slot.deferred.clear();
                }
                anyStalled = anyStalled || slot.stalled;
            }
            if (!freeLoops_.empty()) {
                if (idle_ > 0) {
                    followers_.notify_all();
                } else if (anyStalled && static_cast<int>(threads_.size()) < config_.maxThreads) {
                    spawnLocked();
                }
            }
            if (now - lastSweep >= 200) {
                lastSweep = now;
                lock.unlock();
                sweep(now);
                lock.lock();
            }
        }
    }

    // Cuts connections idle past keepAliveTimeout, transfers stalled past ioTimeout, request heads not complete
    // within headerTimeout of their first byte, and bodies or answers moving slower than minTransferRate. A byte now
    // and then does not keep a connection: the head deadline and the rate count from the start, not from the last
    // byte.
    void sweep(std::int64_t now) {
        const std::int64_t keepAliveMs = static_cast<std::int64_t>(config_.keepAliveTimeout.count()) * 1000;
        const std::int64_t ioMs = static_cast<std::int64_t>(config_.ioTimeout.count()) * 1000;
        const std::int64_t headMs = static_cast<std::int64_t>(config_.headerTimeout.count()) * 1000;
        const std::int64_t graceMs = static_cast<std::int64_t>(config_.bodyGrace.count()) * 1000;
        const auto tooSlow = [&](const Connection& c) {
            const std::int64_t since = c.transferSince.load();
            if (since == 0 || now - since <= graceMs) return false;
            const auto expected = static_cast<std::uint64_t>(now - since - graceMs) * config_.minTransferRate / 1000;
            return c.transferred.load() < expected;
        };
        std::lock_guard lock(registryMutex_);
        for (Connection* c : connections_) {
            const Phase phase = c->phase.load();
            const std::int64_t quiet = now - c->lastActivity.load();
            const std::int64_t requestSince = c->requestSince.load();
            const bool slowHead = phase == Phase::Reading && c->transferSince.load() == 0 && requestSince != 0 &&
                                  now - requestSince >= headMs;
            if ((phase == Phase::Idle && quiet >= keepAliveMs) ||
                ((phase == Phase::Reading || phase == Phase::Writing) && quiet >= ioMs) ||
                (phase == Phase::Lingering && quiet >= kLingerMs) || slowHead ||
                ((phase == Phase::Reading || phase == Phase::Writing) && tooSlow(*c))) {
                if (slowHead || quiet < ioMs) {
                    ++slowClosed_;
                }
                shutDownLocked(*c);
            }
        }
    }

    // The owner thread sees the socket readable (end of stream) and closes the connection itself. Called with
    // registryMutex_ held: the owner removes a connection from the registry before closing its descriptor, so the
    // descriptor here is still this connection's.
    static void shutDownLocked(Connection& c) {
        if (!c.shutDown.exchange(true)) {
            ::shutdown(c.fd, SHUT_RDWR);
        }
    }

    // ---- connections ----

    void acceptAll() {
        for (int i = 0; i < 64; ++i) {
            sockaddr_storage addr{};
            socklen_t length = sizeof addr;
            const int fd = ::accept4(listenFd_, reinterpret_cast<sockaddr*>(&addr), &length,
                                     SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno == EINTR || errno == ECONNABORTED) {
                    continue;
                }
                if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINVAL && !stopping_) {
                    httpLog().warning(std::string("accept failed: ") + std::strerror(errno));
                }
                return;
            }
            if (stopping_ || open_.load() >= config_.maxConnections) {
                ::close(fd);  // as Poco's dispatcher does when its queue is full
                ++refusedConnections_;
                continue;
            }
            auto conn = std::make_unique<Connection>();
            conn->fd = fd;
            conn->peer = Poco::Net::SocketAddress(reinterpret_cast<const sockaddr*>(&addr), length);
            conn->address = addressKey(conn->peer.host());
            {
                std::lock_guard lock(registryMutex_);
                int& fromThere = perAddress_[conn->address];
                if (fromThere >= config_.maxConnectionsPerAddress) {
                    ::close(fd);
                    ++refusedConnections_;
                    continue;
                }
                ++fromThere;
            }
            const int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            sockaddr_storage local{};
            socklen_t localLength = sizeof local;
            if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &localLength) == 0) {
                conn->local = Poco::Net::SocketAddress(reinterpret_cast<const sockaddr*>(&local), localLength);
            }
            if (tls_) {
                conn->ssl = SSL_new(tls_->sslContext());
                if (conn->ssl == nullptr || SSL_set_fd(conn->ssl, fd) != 1) {
                    if (conn->ssl != nullptr) SSL_free(conn->ssl);
                    ::close(fd);
                    std::lock_guard lock(registryMutex_);
                    releaseAddressLocked(conn->address);
                    continue;
                }
                SSL_set_mode(conn->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
                SSL_set_accept_state(conn->ssl);
            }
            conn->lastActivity = nowMs();
            conn->loop = static_cast<int>(nextLoop_.fetch_add(1) % loops_.size());
            Connection* c = conn.release();
            {
                std::lock_guard lock(registryMutex_);
                connections_.insert(c);
            }
            ++accepted_;
            if (open_.fetch_add(1) == 0) {
                std::lock_guard lock(schedMutex_);
                watchdogWake_.notify_all();
            }
            epoll_event ev{};
            ev.events = EPOLLIN | EPOLLONESHOT;
            ev.data.ptr = c;
            if (::epoll_ctl(loops_[static_cast<std::size_t>(c->loop)]->epollFd, EPOLL_CTL_ADD, fd, &ev) != 0) {
                destroy(c);
            }
        }
    }

    void rearm(Connection& c, bool forWrite) {
        epoll_event ev{};
        ev.events = (forWrite ? EPOLLOUT : EPOLLIN) | EPOLLONESHOT;
        ev.data.ptr = &c;
        if (::epoll_ctl(loops_[static_cast<std::size_t>(c.loop)]->epollFd, EPOLL_CTL_MOD, c.fd, &ev) != 0) {
            destroy(&c);
        }
    }

    void releaseAddressLocked(const std::string& address) {
        const auto it = perAddress_.find(address);
        if (it != perAddress_.end() && --it->second <= 0) {
            perAddress_.erase(it);
        }
    }

    void destroy(Connection* c) {
        {
            std::lock_guard lock(registryMutex_);
            connections_.erase(c);
            releaseAddressLocked(c->address);
        }
        buffered_.fetch_sub(c->accounted);
        endExchange(*c);
        if (c->ssl != nullptr) {
            if (!c->peerClosed && !c->shutDown && !c->lingering) {
                ERR_clear_error();
                SSL_shutdown(c->ssl);  // close_notify, best effort (non-blocking)
            }
            SSL_free(c->ssl);
        }
        ::close(c->fd);
        delete c;
        open_.fetch_sub(1);
        registryChanged_.notify_all();
    }

    enum class Io { Ok, WouldBlock, Closed };

    // Reads what the socket has. Io::Closed: end of stream or an error (nothing more will come).
    Io receive(Connection& c) {
        thread_local char buffer[65536];
        std::size_t total = 0;
        for (;;) {
            if (c.ssl != nullptr) {
                ERR_clear_error();
                const int n = SSL_read(c.ssl, buffer, static_cast<int>(sizeof buffer));
                if (n > 0) {
                    c.in.append(buffer, static_cast<std::size_t>(n));
                    total += static_cast<std::size_t>(n);
                    if (total >= kReadPerEvent) return Io::Ok;
                    continue;
                }
                const int error = SSL_get_error(c.ssl, n);
                if (error == SSL_ERROR_WANT_READ) return Io::WouldBlock;
                if (error == SSL_ERROR_WANT_WRITE) {
                    c.tlsWantsWrite = true;
                    return Io::WouldBlock;
                }
                c.peerClosed = true;
                return Io::Closed;
            }
            const ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
            if (n > 0) {
                c.in.append(buffer, static_cast<std::size_t>(n));
                total += static_cast<std::size_t>(n);
                // Less than a full buffer: the socket is drained (level-triggered epoll reports anything later).
                if (static_cast<std::size_t>(n) < sizeof buffer || total >= kReadPerEvent) return Io::Ok;
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Io::WouldBlock;
            if (n < 0 && errno == EINTR) continue;
            c.peerClosed = true;
            return Io::Closed;
        }
    }

    // Sends what is buffered. Io::WouldBlock: the rest waits for EPOLLOUT.
    static Io flush(Connection& c) {
        while (c.sent < c.out.size()) {
            const char* data = c.out.data() + c.sent;
            const std::size_t size = c.out.size() - c.sent;
            if (c.ssl != nullptr) {
                ERR_clear_error();
                const int n = SSL_write(c.ssl, data, static_cast<int>(std::min<std::size_t>(size, 1U << 30)));
                if (n > 0) {
                    c.sent += static_cast<std::size_t>(n);
                    c.transferred += static_cast<std::uint64_t>(n);
                    continue;
                }
                const int error = SSL_get_error(c.ssl, n);
                if (error == SSL_ERROR_WANT_WRITE || error == SSL_ERROR_WANT_READ) return Io::WouldBlock;
                return Io::Closed;
            }
            const ssize_t n = ::send(c.fd, data, size, MSG_NOSIGNAL);
            if (n >= 0) {
                c.sent += static_cast<std::size_t>(n);
                c.transferred += static_cast<std::uint64_t>(n);
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) return Io::WouldBlock;
            if (errno == EINTR) continue;
            return Io::Closed;
        }
        c.out.clear();
        c.sent = 0;
        return Io::Ok;
    }

    // The answer that ends the connection went out. Closing a socket with unread input makes the kernel send a
    // reset, which can destroy that answer before the client reads it (a 413 to a client still sending its body):
    // shut our side, read and drop what still comes for a while (kLingerMs, kLingerBytes), then close.
    void finish(Connection& c) {
        if (c.peerClosed || c.shutDown) {
            return destroy(&c);
        }
        if (c.ssl != nullptr) {
            ERR_clear_error();
            SSL_shutdown(c.ssl);  // close_notify
        }
        ::shutdown(c.fd, SHUT_WR);
        c.lingering = true;
        c.phase = Phase::Lingering;
        linger(c);
    }

    void linger(Connection& c) {
        thread_local char sink[16384];
        for (;;) {
            const ssize_t n = ::recv(c.fd, sink, sizeof sink, 0);
            if (n > 0) {
                c.lingered += static_cast<std::size_t>(n);
                if (c.lingered > kLingerBytes) return destroy(&c);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return rearm(c, false);
            return destroy(&c);
        }
    }

    // Everything one epoll event means for a connection; re-arms it or closes it.
    void serve(Connection& c, std::uint32_t /*events*/, Slot& slot) {
        c.lastActivity = nowMs();
        if (c.lingering) {
            return linger(c);
        }
        if (!c.out.empty()) {
            const Io written = flush(c);
            if (written == Io::Closed) return destroy(&c);
            if (written == Io::WouldBlock) return rearm(c, true);
            if (c.closeAfterWrite) return finish(c);
        }
        if (c.peerClosed) return destroy(&c);
        c.tlsWantsWrite = false;
        const Io read = receive(c);
        account(c);
        if (c.requestSince.load() == 0 && c.consumed < c.in.size()) {
            c.requestSince = nowMs();  // the head deadline counts from the request's first byte
        }
        // (A body with a Content-Length was admitted against the budget when its head came: only heads and chunked
        // bodies, whose size nobody announced, are refused here.)
        const bool admitted = c.exchange != nullptr && !c.exchange->chunked;
        if (!admitted && buffered_.load() > config_.maxBufferedBytes && c.accounted > kFairShare) {
            // The memory for request bodies is used up: the larger requests wait for their turn elsewhere.
            ++overBudget_;
            fail(c, HTTPResponse::HTTP_SERVICE_UNAVAILABLE,
                 "Busy: too many large requests at once; try again shortly\n", 5);
            compact(c);
        } else {
            process(c, slot);  // every complete request received (pipelined ones too), answered in order into c.out
        }
        account(c);
        if (!c.out.empty()) {
            // The timeouts count from the answer, not from the request: a handler that ran for seconds (a password
            // hash behind others) must not eat into the client's keep-alive time for its next request.
            c.lastActivity = nowMs();
            c.phase = Phase::Writing;
            c.transferred = 0;
            c.transferSince = nowMs();
            if (read != Io::Closed) {
                // Written with the rest of the batch: each write wakes the client, and a woken client takes the
                // core from this thread; one round of writes per batch costs one such switch, not one per answer.
                std::lock_guard lock(slot.deferredMutex);
                slot.deferred.push_back(&c);
                return;
            }
            const Io written = flush(c);
            if (written == Io::Closed) return destroy(&c);
            if (written == Io::WouldBlock) return rearm(c, true);
        }
        if (read == Io::Closed) return destroy(&c);
        if (c.closeAfterWrite) return finish(c);
        c.lastActivity = nowMs();
        readyForMore(c);
        rearm(c, c.tlsWantsWrite);
    }

    // Writes the answers deferred by serve() and re-arms (or closes) their connections.
    void flushDeferred(Slot& slot) {
        thread_local std::vector<Connection*> batch;
        {
            std::lock_guard lock(slot.deferredMutex);
            if (slot.deferred.empty()) {
                return;
            }
            batch.swap(slot.deferred);
        }
        for (Connection* c : batch) {
            const Io written = flush(*c);
            if (written == Io::Closed) {
                destroy(c);
            } else if (written == Io::WouldBlock) {
                rearm(*c, true);
            } else if (c->closeAfterWrite) {
                finish(*c);
            } else {
                c->lastActivity = nowMs();
                readyForMore(*c);
                rearm(*c, c->tlsWantsWrite);
            }
        }
        batch.clear();
    }

    // The request is done (answered or refused): its reservation of the buffered-bytes budget goes.
    void endExchange(Connection& c) {
        if (c.exchange) {
            reserved_.fetch_sub(c.exchange->reserved);
            c.exchange.reset();
        }
    }

    // Between answers: reading the next request (some of it is here, or its body is awaited) or idle.
    static void readyForMore(Connection& c) {
        const bool partial = c.exchange != nullptr || c.consumed < c.in.size();
        c.phase = partial ? Phase::Reading : Phase::Idle;
        if (c.exchange == nullptr) {
            c.transferSince = 0;
            c.transferred = 0;
        }
    }

    // Keeps this connection's share of the buffered-bytes budget up to date (the memory its buffers hold, which a
    // growing string rounds up).
    void account(Connection& c) {
        const std::size_t now = c.in.capacity() + (c.exchange ? c.exchange->chunkedBody.capacity() : 0);
        if (now >= c.accounted) {
            buffered_.fetch_add(now - c.accounted);
        } else {
            buffered_.fetch_sub(c.accounted - now);
        }
        c.accounted = now;
    }

    // An empty buffer, its memory given back when a large request had grown it.
    static void emptyBuffer(std::string& buffer) {
        if (buffer.capacity() > kKeepCapacity) {
            std::string().swap(buffer);
        } else {
            buffer.clear();
        }
    }

    // Answers every complete request in c.in (into c.out), or stops at the first incomplete one.
    void process(Connection& c, Slot& slot) {
        while (!c.closeAfterWrite) {
            if (!c.exchange) {
                if (c.consumed == c.in.size()) {
                    emptyBuffer(c.in);
                    c.consumed = 0;
                    c.headScan = 0;
                    c.requestSince = 0;
                    return;
                }
                const Start started = startExchange(c);
                if (started == Start::Skipped) {
                    continue;
                }
                if (started != Start::Started) {
                    return compact(c);  // the head is incomplete, or an error answer is queued
                }
            }
            Connection::Exchange& ex = *c.exchange;
            std::size_t end = 0;
            const char* body = c.in.data() + ex.bodyStart;
            std::size_t bodySize = 0;
            if (ex.refused) {
                // Answered without its body (an Expect: 100-continue the route refused). Whatever the client sends
                // next cannot be told apart from the body: close after answering, as Poco does.
                end = c.in.size();
                c.closeAfterWrite = true;
            } else if (ex.chunked) {
                const auto result = ex.decoder.run(c.in, ex.chunkedBody, ex.bodyLimit);
                if (result == ChunkedDecoder::Result::Malformed) {
                    return fail(c, HTTPResponse::HTTP_BAD_REQUEST, "Malformed chunked request body\n");
                }
                if (result == ChunkedDecoder::Result::TooLarge) {
                    return fail(c, HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, "Request body too large\n");
                }
                if (result == ChunkedDecoder::Result::NeedMore) {
                    // The raw chunks decoded so far are dropped: a chunked body is held once, not twice.
                    const std::size_t decoded = ex.decoder.end() - ex.bodyStart;
                    if (decoded > 0) {
                        c.in.erase(ex.bodyStart, decoded);
                        ex.decoder.shift(decoded);
                        ex.chunkedRaw += decoded;
                    }
                    c.transferred = ex.chunkedRaw + (c.in.size() - ex.bodyStart);
                    awaitBody(c, ex);
                    return compact(c);
                }
                end = ex.decoder.end();
                body = ex.chunkedBody.data();
                bodySize = ex.chunkedBody.size();
            } else {
                if (c.in.size() - ex.bodyStart < ex.contentLength) {
                    c.transferred = c.in.size() - ex.bodyStart;
                    awaitBody(c, ex);
                    return compact(c);
                }
                bodySize = static_cast<std::size_t>(ex.contentLength);
                end = ex.bodyStart + bodySize;
            }
            ex.request.setBody(body, bodySize);
            c.phase = Phase::Handling;
            slot.handlerSince = nowMs();
            runHandler(ex);
            slot.handlerSince = 0;
            c.consumed = end;
            c.headScan = end;
            appendResponse(c, ex.request, ex.response);
            endExchange(c);
            c.transferSince = 0;
            c.transferred = 0;
            if (c.consumed == c.in.size()) {
                emptyBuffer(c.in);
                c.consumed = 0;
                c.headScan = 0;
                c.requestSince = 0;
            } else {
                c.requestSince = nowMs();  // a pipelined request follows
            }
        }
    }

    // Drops the bytes of answered requests in front of a partial one (a client that pipelines must not make the
    // buffer grow without end).
    static void compact(Connection& c) {
        if (c.consumed == 0) {
            return;
        }
        const std::size_t n = c.consumed;
        c.in.erase(0, n);
        c.consumed = 0;
        c.headScan = c.headScan > n ? c.headScan - n : 0;
        if (c.exchange) {
            c.exchange->bodyStart -= n;
            c.exchange->decoder.shift(n);
        }
    }

    void awaitBody(Connection& c, Connection::Exchange& ex) {
        if (!ex.continueSent && ex.request.getExpectContinue() &&
            ex.request.getVersion() == Poco::Net::HTTPMessage::HTTP_1_1) {
            c.out += "HTTP/1.1 100 Continue\r\n\r\n";
            ex.continueSent = true;
        }
    }

    enum class Start {
        Started,     // c.exchange holds the request, its handler made
        Incomplete,  // the head has not all arrived
        Failed,      // refused outright: the answer is queued and the connection closes after it
        Skipped,     // blank lines before a request were consumed
    };

    // Parses the next request's head if it is all here, makes its handler and decides how its body is framed.
    Start startExchange(Connection& c) {
        const std::size_t start = c.consumed;
        std::size_t headEnd = std::string::npos;
        std::size_t i = std::max(c.headScan, start);
        while (i < c.in.size()) {
            const void* hit = std::memchr(c.in.data() + i, '\n', c.in.size() - i);
            if (hit == nullptr) {
                break;
            }
            const std::size_t nl = static_cast<std::size_t>(static_cast<const char*>(hit) - c.in.data());
            if (nl + 1 < c.in.size() && c.in[nl + 1] == '\n') {
                headEnd = nl + 2;
                break;
            }
            if (nl + 2 < c.in.size() && c.in[nl + 1] == '\r' && c.in[nl + 2] == '\n') {
                headEnd = nl + 3;
                break;
            }
            i = nl + 1;
        }
        if (headEnd == std::string::npos) {
            c.headScan = c.in.size() >= 2 ? std::max(start, c.in.size() - 2) : start;
            if (c.in.size() - start > config_.maxHeaderBytes) {
                fail(c, HTTPResponse::HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE, "Request header too large\n");
                return Start::Failed;
            }
            return Start::Incomplete;
        }
        if (headEnd - start > config_.maxHeaderBytes) {
            fail(c, HTTPResponse::HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE, "Request header too large\n");
            return Start::Failed;
        }
        // Blank lines before a request are allowed (RFC 9112 §2.2).
        std::size_t first = start;
        while (first < headEnd && (c.in[first] == '\r' || c.in[first] == '\n')) {
            ++first;
        }
        if (first == headEnd) {
            c.consumed = headEnd;
            c.headScan = headEnd;
            return Start::Skipped;
        }
        auto ex = std::make_unique<Connection::Exchange>(c, *params_, tls_ != nullptr);
        try {
            ex->request.parseHead(c.in.data() + first, headEnd - first);
        } catch (const Poco::Exception&) {
            fail(c, HTTPResponse::HTTP_BAD_REQUEST, "Bad request\n");
            return Start::Failed;
        } catch (const std::exception&) {
            fail(c, HTTPResponse::HTTP_BAD_REQUEST, "Bad request\n");
            return Start::Failed;
        }
        // The shared head checks (framing, the route's body limit) before any of the body is read or awaited.
        const HttpServer::Route* route = router_.match(ex->request.getURI());
        ex->bodyLimit = route != nullptr ? route->maxBodyBytes : Router::kUnroutedBodyBytes;
        const HeadCheck head = checkHead(ex->request, ex->bodyLimit);
        if (!head.ok()) {
            fail(c, head.status, head.reason);
            return Start::Failed;
        }
        ex->chunked = head.chunked;
        ex->contentLength = head.contentLength;
        if (ex->contentLength > kFairShare &&
            buffered_.load() + reserved_.load() + ex->contentLength > config_.maxBufferedBytes) {
            ++overBudget_;
            fail(c, HTTPResponse::HTTP_SERVICE_UNAVAILABLE,
                 "Busy: too many large requests at once; try again shortly\n", 5);
            return Start::Failed;
        }
        if (ex->contentLength > kFairShare) {
            ex->reserved = static_cast<std::size_t>(ex->contentLength);  // held until the exchange ends
            reserved_ += ex->reserved;
        }
        ex->bodyStart = headEnd;
        if (ex->chunked) {
            ex->decoder.start(headEnd);
        }
        // The answer's defaults, as Poco's HTTPServerConnection sets them before the factory sees the request.
        BufferedResponse& response = ex->response;
        response.setVersion(ex->request.getVersion());
        response.setKeepAlive(ex->request.getKeepAlive());
        response.set("Date", httpDate());
        if (!config_.serverHeader.empty()) {
            response.set("Server", config_.serverHeader);
        }
        c.phase = Phase::Handling;
        try {
            ex->handler.reset(router_.createRequestHandler(ex->request, route, head));
        } catch (...) {
            ex->handler.reset();
        }
        if (!ex->handler) {
            fail(c, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "Internal error\n");
            return Start::Failed;
        }
        const bool hasBody = ex->chunked || ex->contentLength > 0;
        const bool bodyHere = !ex->chunked && c.in.size() - headEnd >= ex->contentLength;
        if (hasBody && !bodyHere && response.getStatus() != HTTPResponse::HTTP_OK) {
            ex->refused = true;
        }
        if (hasBody) {
            c.transferred = 0;
            c.transferSince = nowMs();  // from here the body must keep minTransferRate
        }
        c.exchange = std::move(ex);
        return Start::Started;
    }

    static void runHandler(Connection::Exchange& ex) {
        try {
            ex.handler->handleRequest(ex.request, ex.response);
            return;
        } catch (const std::exception& e) {
            httpLog().error("%s %s failed: %s", ex.request.getMethod(), ex.request.getURI(), std::string(e.what()));
        } catch (...) {
            httpLog().error("%s %s failed", ex.request.getMethod(), ex.request.getURI());
        }
        // Nothing went out yet (answers are buffered): replace whatever the handler had started with a 500.
        ex.response.discard();
        ex.response.setKeepAlive(false);
        ex.response.erase("Location");
        ex.response.erase("Content-Length");
        sendPlain(ex.response, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "Internal error\n");
    }

    // Serializes the handler's answer: status line, headers (Content-Length always; keep-alive decided here), body.
    void appendResponse(Connection& c, const BufferedRequest& request, BufferedResponse& response) {
        ++c.served;
        const bool keepAlive = response.getKeepAlive() && request.getKeepAlive() && !stopping_ &&
                               !c.closeAfterWrite && !c.peerClosed &&
                               (config_.maxKeepAliveRequests == 0 || c.served < config_.maxKeepAliveRequests);
        response.setKeepAlive(keepAlive);
        if (!keepAlive) {
            c.closeAfterWrite = true;
        }
        const int status = static_cast<int>(response.getStatus());
        const bool noBody = status < 200 || status == 204 || status == 304;
        const bool head = request.getMethod() == Poco::Net::HTTPRequest::HTTP_HEAD;
        response.setChunkedTransferEncoding(false);
        if (noBody) {
            response.erase(Poco::Net::HTTPMessage::CONTENT_LENGTH);
        } else if (!head || !response.hasContentLength()) {
            response.setContentLength64(static_cast<Poco::Int64>(response.body().size()));
        }
        std::string& out = c.out;
        out.reserve(out.size() + 256 + response.body().size());
        out += response.getVersion();
        out += ' ';
        out += std::to_string(status);
        out += ' ';
        appendHeaderValue(out, response.getReason());
        out += "\r\n";
        for (const auto& [name, value] : response) {
            appendHeaderValue(out, name);
            out += ": ";
            appendHeaderValue(out, value);
            out += "\r\n";
        }
        out += "\r\n";
        if (!noBody && !head) {
            out += response.body();
        }
    }

    // An answer of the server's own to a request it cannot hand to a route; the connection closes after it.
    void fail(Connection& c, HTTPResponse::HTTPStatus status, const std::string& text, int retryAfter = 0) {
        BufferedResponse response;
        response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
        response.set("Date", httpDate());
        if (!config_.serverHeader.empty()) {
            response.set("Server", config_.serverHeader);
        }
        if (retryAfter > 0) {
            response.set("Retry-After", std::to_string(retryAfter));
        }
        response.setKeepAlive(false);
        sendPlain(response, status, text);
        Poco::Net::SocketAddress none;
        BufferedRequest request(response, none, none, *params_, false);
        c.closeAfterWrite = true;
        endExchange(c);
        c.consumed = c.in.size();
        --c.served;  // not a request answered
        appendResponse(c, request, response);
    }

    static constexpr std::size_t kReadPerEvent = 1024U * 1024U;
    // A request holding less than this is never refused for the global budget (maxBufferedBytes): small requests
    // (a Web Connector call, an admin page click) get through while large bodies fill the budget.
    static constexpr std::size_t kFairShare = 256U * 1024U;
    static constexpr std::size_t kKeepCapacity = 64U * 1024U;  // a connection's buffer keeps at most this when empty

    const HttpServerConfig& config_;
    Router router_;
    Poco::Net::HTTPServerParams::Ptr params_;
    Poco::Net::Context::Ptr tls_;
    Poco::Net::ServerSocket listenSocket_;
    int listenFd_ = -1;
    int wakeFd_ = -1;
    char listenTag_ = 0;
    char wakeTag_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> accepted_{0};
    std::atomic<int> open_{0};
    std::atomic<std::size_t> buffered_{0};           // request bytes held by all connections
    std::atomic<std::size_t> reserved_{0};           // announced bodies admitted and not yet done
    std::atomic<std::uint64_t> refusedConnections_{0};  // over maxConnections or maxConnectionsPerAddress
    std::atomic<std::uint64_t> slowClosed_{0};          // cut by the head deadline or the minimum rate
    std::atomic<std::uint64_t> overBudget_{0};          // requests refused for the buffered-bytes budget

    std::mutex registryMutex_;
    std::condition_variable registryChanged_;
    std::unordered_set<Connection*> connections_;
    std::unordered_map<std::string, int> perAddress_;  // open connections per client address

    std::vector<std::unique_ptr<Loop>> loops_;  // fixed while running
    std::atomic<unsigned> nextLoop_{0};

    std::mutex schedMutex_;
    std::condition_variable followers_;
    std::condition_variable watchdogWake_;
    std::vector<int> freeLoops_;  // loops no thread runs (at start, or given up by a stalled thread)
    int idle_ = 0;     // threads waiting for a place
    bool exiting_ = false;
    std::deque<Slot> slots_;
    std::vector<std::thread> threads_;
    std::thread watchdog_;
};

}  // namespace

std::unique_ptr<HttpServer::Engine> makeEventEngine(const HttpServerConfig& config,
                                                    std::vector<HttpServer::Route> routes) {
    return std::make_unique<EventEngine>(config, std::move(routes));
}

}  // namespace settlebridge::net

#endif  // __linux__
