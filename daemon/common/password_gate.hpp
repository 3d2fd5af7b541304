#pragma once
// Bounds the password checks (PBKDF2, a large fraction of a second of CPU each) running at once, so sign-in
// attempts cannot take every core and thread from the rest of the daemon.
//
//   PasswordGate& gate = PasswordGate::shared();
//   if (auto permit = gate.enter(PasswordGate::kClean)) { verifyPassword(...); }   // the permit frees its slot
//   else { answer "busy" }
//
// At most `slots` checks run; up to `maxWaiting` more wait (at most `maxWait`) for a slot, the highest priority
// first (then the earliest). A full queue makes room for a higher-priority arrival by turning its lowest-priority
// waiter away, so a caller known to be good (the address that last signed in as that name) never waits behind a
// queue of failing guesses. Thread-safe.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace settlebridge::common {

class PasswordGate {
public:
    /// Waiters with a higher priority get a slot first.
    static constexpr int kSuspect = 0;  // the address has failed recently
    static constexpr int kClean = 1;    // nothing known against the address
    static constexpr int kOwner = 2;    // the address that last signed in successfully as this name

    struct Options {
        int slots = defaultSlots();
        int maxWaiting = 8;
        std::chrono::milliseconds maxWait{3000};
    };

    /// About the core count: the cores less one (one is left to the request loops), at least 1.
    static int defaultSlots();

    explicit PasswordGate(Options options);
    ~PasswordGate();
    PasswordGate(const PasswordGate&) = delete;
    PasswordGate& operator=(const PasswordGate&) = delete;

    /// The gate every password check of this process goes through (default options).
    static PasswordGate& shared();

    class Permit {
    public:
        Permit(Permit&& other) noexcept : gate_(other.gate_) { other.gate_ = nullptr; }
        Permit& operator=(Permit&& other) noexcept {
            if (this != &other) {
                if (gate_ != nullptr) gate_->release();
                gate_ = other.gate_;
                other.gate_ = nullptr;
            }
            return *this;
        }
        Permit(const Permit&) = delete;
        Permit& operator=(const Permit&) = delete;
        ~Permit();

        /// Runs `check` (the password hash) on one of the gate's own threads, made with the gate at the
        /// process's normal CPU priority, and waits for it; rethrows what it throws. The thread-per-connection
        /// engine runs its connection threads at a lower priority, so that a flood of requests, each cheap but
        /// many at once, cannot starve the checks (a legitimate sign-in's hash took 14 s among 60 attackers).
        void run(const std::function<void()>& check);

    private:
        friend class PasswordGate;
        explicit Permit(PasswordGate* gate) noexcept : gate_(gate) {}
        PasswordGate* gate_;
    };

    /// A slot, or nullopt when none came free in time or the queue turned this caller away ("busy").
    std::optional<Permit> enter(int priority);

    /// Checks running now and callers waiting (for tests and the admin page).
    [[nodiscard]] int running() const;
    [[nodiscard]] int waiting() const;
    [[nodiscard]] std::uint64_t turnedAway() const;

private:
    struct Waiter {
        int priority;
        std::uint64_t order;
        bool granted = false;
        bool evicted = false;
    };
    void release();
    void grantLocked();
    void work();

    struct Task {
        const std::function<void()>* check;
        std::exception_ptr error;
        bool done = false;
    };

    Options options_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    int running_ = 0;
    std::uint64_t nextOrder_ = 0;
    std::uint64_t turnedAway_ = 0;
    std::list<Waiter> waiters_;
    // The checkers: `slots` threads, made in the constructor (on the thread that makes the gate).
    std::condition_variable tasksChanged_;
    std::deque<Task*> tasks_;
    bool stopping_ = false;
    std::vector<std::thread> checkers_;
};

}  // namespace settlebridge::common
