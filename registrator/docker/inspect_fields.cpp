#include "registrator/docker/inspect_fields.hpp"

namespace registrator {

const fast_json::Projection& inspect_fields_used() {
  using P = fast_json::Projection;
  // Kept whole: Id, Name, Config.{ExposedPorts,Env,Labels,Image,Hostname}, NetworkSettings.Ports.
  static const P addresses{{{"IPAddress"}, {"GlobalIPv6Address"}}, nullptr};
  static const P networks{{}, &addresses};  // every network by name, its addresses only
  static const P network_settings{{{"IPAddress"}, {"GlobalIPv6Address"}, {"Ports"}, {"Networks", &networks}}, nullptr};
  static const P config{{{"ExposedPorts"}, {"Env"}, {"Labels"}, {"Image"}, {"Hostname"}}, nullptr};
  static const P host_config{{{"NetworkMode"}}, nullptr};
  static const P state{{{"Running"}, {"ExitCode"}}, nullptr};
  static const P container{{{"Id"},
                            {"Name"},
                            {"Config", &config},
                            {"HostConfig", &host_config},
                            {"NetworkSettings", &network_settings},
                            {"State", &state}},
                           nullptr};
  return container;
}

}  // namespace registrator
