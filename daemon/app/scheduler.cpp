#include "daemon/app/scheduler.hpp"

#include <Poco/Logger.h>

#include <exception>

#include "daemon/app/service.hpp"

namespace settlebridge::app {

Scheduler::Scheduler(std::chrono::milliseconds tick, Poco::Logger& logger) : tick_(tick), logger_(logger) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::add(std::string name, Run run) { jobs_.push_back(Job{std::move(name), std::move(run)}); }

void Scheduler::start() {
    if (thread_.joinable()) return;
    thread_ = std::jthread([this](std::stop_token stop) { loop(stop); });
}

void Scheduler::wake() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    wakeup_.notify_all();
}

void Scheduler::requestStop() {
    if (!thread_.joinable()) return;
    thread_.request_stop();
    wakeup_.notify_all();
}

void Scheduler::stop() {
    if (!thread_.joinable()) return;
    thread_.request_stop();
    wakeup_.notify_all();
    thread_.join();
    thread_ = std::jthread();
}

long Scheduler::ticks() const {
    std::lock_guard lock(mutex_);
    return ticks_;
}

void Scheduler::loop(std::stop_token stop) {
    while (!stop.stop_requested()) {
        for (const Job& job : jobs_) {
            if (stop.stop_requested()) break;
            try {
                const std::string line = job.run(nowSeconds(), stop);
                if (!line.empty()) logger_.information("%s: %s", job.name, line);
            } catch (const std::exception& e) {
                logger_.error("%s failed (tried again at the next tick): %s", job.name, std::string(e.what()));
            } catch (...) {
                logger_.error("%s failed with an unknown error (tried again at the next tick)", job.name);
            }
        }
        std::unique_lock lock(mutex_);
        ++ticks_;
        wakeup_.wait_for(lock, stop, tick_, [this] { return woken_; });
        woken_ = false;
    }
}

}  // namespace settlebridge::app
