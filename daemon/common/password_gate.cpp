#include "daemon/common/password_gate.hpp"

#include <algorithm>
#include <exception>
#include <thread>

namespace settlebridge::common {

int PasswordGate::defaultSlots() {
    const int cores = static_cast<int>(std::thread::hardware_concurrency());  // 0 when unknown
    return std::max(1, cores - 1);
}

PasswordGate::PasswordGate(Options options) : options_(options) {
    options_.slots = std::max(1, options_.slots);
    options_.maxWaiting = std::max(0, options_.maxWaiting);
    for (int i = 0; i < options_.slots; ++i) checkers_.emplace_back([this] { work(); });
}

PasswordGate::~PasswordGate() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    tasksChanged_.notify_all();
    for (auto& checker : checkers_) checker.join();
}

void PasswordGate::work() {
    std::unique_lock lock(mutex_);
    for (;;) {
        tasksChanged_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
        if (tasks_.empty()) return;  // stopping, nothing left
        Task* task = tasks_.front();
        tasks_.pop_front();
        lock.unlock();
        try {
            (*task->check)();
        } catch (...) {
            task->error = std::current_exception();
        }
        lock.lock();
        task->done = true;
        tasksChanged_.notify_all();
    }
}

void PasswordGate::Permit::run(const std::function<void()>& check) {
    PasswordGate& gate = *gate_;
    Task task{&check, nullptr, false};
    {
        std::unique_lock lock(gate.mutex_);
        gate.tasks_.push_back(&task);
        gate.tasksChanged_.notify_all();
        gate.tasksChanged_.wait(lock, [&] { return task.done; });
    }
    if (task.error) std::rethrow_exception(task.error);
}

PasswordGate& PasswordGate::shared() {
    static PasswordGate gate{Options{}};
    return gate;
}

PasswordGate::Permit::~Permit() {
    if (gate_ != nullptr) gate_->release();
}

std::optional<PasswordGate::Permit> PasswordGate::enter(int priority) {
    std::unique_lock lock(mutex_);
    const auto pending = std::count_if(waiters_.begin(), waiters_.end(),
                                       [](const Waiter& w) { return !w.granted && !w.evicted; });
    if (running_ < options_.slots && pending == 0) {
        ++running_;
        return Permit(this);
    }
    if (pending >= options_.maxWaiting) {
        // Full: the lowest-priority, latest waiter makes room for a higher-priority arrival, or the arrival leaves.
        auto lowest = waiters_.end();
        for (auto it = waiters_.begin(); it != waiters_.end(); ++it) {
            if (it->granted || it->evicted) continue;
            if (lowest == waiters_.end() || it->priority < lowest->priority ||
                (it->priority == lowest->priority && it->order > lowest->order)) {
                lowest = it;
            }
        }
        if (lowest == waiters_.end() || lowest->priority >= priority) {
            ++turnedAway_;
            return std::nullopt;
        }
        lowest->evicted = true;
        changed_.notify_all();
    }
    waiters_.push_back(Waiter{priority, nextOrder_++});
    const auto self = std::prev(waiters_.end());
    grantLocked();
    const auto deadline = std::chrono::steady_clock::now() + options_.maxWait;
    changed_.wait_until(lock, deadline, [&] { return self->granted || self->evicted; });
    const bool granted = self->granted;
    waiters_.erase(self);
    if (!granted) {
        ++turnedAway_;
        return std::nullopt;
    }
    return Permit(this);  // running_ was counted when the slot was granted
}

void PasswordGate::release() {
    std::lock_guard lock(mutex_);
    --running_;
    grantLocked();
}

void PasswordGate::grantLocked() {
    while (running_ < options_.slots) {
        auto best = waiters_.end();
        for (auto it = waiters_.begin(); it != waiters_.end(); ++it) {
            if (it->granted || it->evicted) continue;
            if (best == waiters_.end() || it->priority > best->priority ||
                (it->priority == best->priority && it->order < best->order)) {
                best = it;
            }
        }
        if (best == waiters_.end()) return;
        best->granted = true;
        ++running_;
        changed_.notify_all();
    }
}

int PasswordGate::running() const {
    std::lock_guard lock(mutex_);
    return running_;
}

int PasswordGate::waiting() const {
    std::lock_guard lock(mutex_);
    return static_cast<int>(std::count_if(waiters_.begin(), waiters_.end(),
                                          [](const Waiter& w) { return !w.granted && !w.evicted; }));
}

std::uint64_t PasswordGate::turnedAway() const {
    std::lock_guard lock(mutex_);
    return turnedAway_;
}

}  // namespace settlebridge::common
