#pragma once
// Opens a local HTML file in Debian's headless Chromium and reports what a reader would get:
// the DOM after rendering, the console messages, and the network requests the page made.
#include <string>
#include <vector>

namespace sc::test {

struct BrowserPage {
  std::string failure;               // non-empty: Chromium is missing or did not render the page
  std::string dom;                   // document.documentElement.outerHTML after rendering
  std::vector<std::string> console;  // console messages (CSP violations included)
  std::vector<std::string> page_requests;  // URLs the page itself asked the network for
};

BrowserPage open_in_chromium(const std::string& html_path);

// A PNG of the page as headless Chromium draws it, `width` x `height` CSS pixels.
std::string screenshot_with_chromium(const std::string& html_path, const std::string& png_path,
                                     int width, int height);

// Runs `command` through /bin/sh; its exit status, stdout+stderr into `output`.
int run_shell(const std::string& command, std::string& output);

}  // namespace sc::test
