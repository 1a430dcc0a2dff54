#pragma once
// The Bridge's owner loop: the one thread that changes registrations after start-up. It consumes
// the one queue everything else feeds (Docker events and Resync markers from the event pump
// thread; close() on shutdown) and wakes on its own deadlines for what is timed (-resync,
// -ttl-refresh, retry back-off), so no timer thread touches the Bridge.
#include "registrator/bridge/bridge.hpp"
#include "registrator/docker/event_pump.hpp"
#include "registrator/docker/event_queue.hpp"

namespace registrator {

/// Runs `bridge` until `queue` is closed, on the calling thread (which must own the Bridge). What
/// is still queued at close() is not applied: a shutdown does not wait for it. `config` supplies
/// -resync and -ttl-refresh (seconds, 0 = never).
void run_bridge_loop(Bridge& bridge, EventQueue<PumpItem>& queue, const Config& config);

}  // namespace registrator
