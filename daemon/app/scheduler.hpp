#pragma once
// The daemon's timer: one thread that runs every job on each tick (the jobs decide from the store what is due,
// so "sync now" from the CLI or the admin page is a flag in the database). A job that throws is logged and tried
// again at the next tick; it never stops the daemon. stop() interrupts waits and running jobs (through their
// stop_token) and joins the thread.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "daemon/store/records.hpp"

namespace Poco {
class Logger;
}

namespace settlebridge::app {

class Scheduler {
public:
    /// A job returns a line for the log ("" = nothing worth logging).
    using Run = std::function<std::string(store::Timestamp now, std::stop_token stop)>;

    Scheduler(std::chrono::milliseconds tick, Poco::Logger& logger);
    ~Scheduler();  // stop()
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    /// Before start() only.
    void add(std::string name, Run run);
    void start();
    /// Runs the jobs at once instead of at the end of the current wait.
    void wake();
    /// Asks the thread to stop without waiting for it (stop several schedulers at once, then stop() each).
    void requestStop();
    void stop();

    /// Ticks completed since start (for tests and the admin page).
    long ticks() const;

private:
    void loop(std::stop_token stop);

    struct Job {
        std::string name;
        Run run;
    };
    std::chrono::milliseconds tick_;
    Poco::Logger& logger_;
    std::vector<Job> jobs_;
    mutable std::mutex mutex_;
    std::condition_variable_any wakeup_;
    bool woken_ = false;
    long ticks_ = 0;
    std::jthread thread_;
};

}  // namespace settlebridge::app
