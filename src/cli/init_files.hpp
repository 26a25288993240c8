#pragma once
// What `stickycheck init` writes: a commented scenario that runs as it is, and the proxy's
// configuration (the user's own file, or the shipped template for that proxy). Pure.
#include <string>
#include <string_view>
#include <vector>

namespace sc::cli {

struct InitFile {
  std::string name;  // in the target directory
  std::string text;
};

struct InitRequest {
  std::string type;       // apache | haproxy | nginx | caddy | reference
  std::string from_name;  // the user's file name (no directory); empty: the shipped template
  std::string from_text;
  // from_text with the files it includes spliced in (where its members may be); empty: the
  // same as from_text.
  std::string site_text{};
};

// scenario.yaml first, then the configuration (none for the reference balancer's defaults).
std::vector<InitFile> init_files(const InitRequest& request);

}  // namespace sc::cli
