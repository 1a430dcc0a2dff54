#pragma once
// The timeline of a churn step, worked out in advance from its seed: when each container starts
// and when and how it ends. A pure function, so a run can be reproduced and tests can check the
// plan without a Docker engine.

#include "scenarios/regsim/language/scenario.hpp"

#include <string>
#include <vector>

namespace regsim {

enum class ChurnEnd { stop, kill, exit_zero, exit_one, rm };

struct ChurnEvent {
  Duration at{0};  // from the start of the step
  int index = 0;   // 1-based container number
  bool start = true;
  ChurnEnd end = ChurnEnd::stop;  // when !start
};

/// "web-0007": the name of a churn group's container `index`.
std::string churn_container_name(const std::string& group, int index);

/// Every start and end, ordered by time (a container's start always precedes its end; ties keep
/// container order). Survivors have no end event.
std::vector<ChurnEvent> plan_churn(const ChurnAction& churn);

const char* churn_end_name(ChurnEnd end);

}  // namespace regsim
