// The manual stays navigable: every relative link of README.md and docs/*.md reaches a file or
// folder and a heading that exist, the README's Layout names every folder under src/, and the
// README stays short enough to read in five minutes.
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kRoot = STICKYCHECK_SOURCE_DIR;
constexpr std::size_t kReadmeMaxLines = 200;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool is_fence(const std::string& line) {
  const auto start = line.find_first_not_of(' ');
  return start != std::string::npos &&
         (line.compare(start, 3, "```") == 0 || line.compare(start, 3, "~~~") == 0);
}

// Blanks inline code spans: `[a](b)` inside backticks is text, not a link.
std::string blank_code_spans(std::string line) {
  std::size_t i = 0;
  while ((i = line.find('`', i)) != std::string::npos) {
    std::size_t run = line.find_first_not_of('`', i);
    if (run == std::string::npos) break;
    const std::string ticks = line.substr(i, run - i);
    const std::size_t close = line.find(ticks, run);
    if (close == std::string::npos) break;
    for (std::size_t k = i; k < close + ticks.size(); ++k) line[k] = ' ';
    i = close + ticks.size();
  }
  return line;
}

// The file's lines with fenced code blocks emptied (they hold neither links nor headings).
std::vector<std::string> prose_lines(const fs::path& file) {
  std::vector<std::string> out;
  bool fenced = false;
  for (auto& line : split_lines(read_file(file))) {
    if (is_fence(line)) {
      fenced = !fenced;
      out.emplace_back();
    } else {
      out.push_back(fenced ? std::string() : line);
    }
  }
  return out;
}

// GitHub's heading anchors: lower-case, spaces to '-', punctuation but '-' and '_' removed.
// Bytes beyond ASCII are kept, as GitHub keeps non-ASCII letters.
std::string github_slug(const std::string& heading) {
  std::string slug;
  for (unsigned char c : heading) {
    if (std::isalnum(c))
      slug += static_cast<char>(std::tolower(c));
    else if (c == ' ')
      slug += '-';
    else if (c == '-' || c == '_' || c >= 0x80)
      slug += static_cast<char>(c);
  }
  return slug;
}

// Every heading's anchor; a repeated heading gets -1, -2... as on GitHub.
std::set<std::string> heading_anchors(const fs::path& file) {
  static const std::regex heading(R"(^#{1,6}[ \t]+(.*?)[ \t#]*$)");
  std::set<std::string> anchors;
  std::map<std::string, int> seen;
  for (const auto& line : prose_lines(file)) {
    std::smatch m;
    if (!std::regex_match(line, m, heading)) continue;
    const std::string slug = github_slug(m[1].str());
    const int n = seen[slug]++;
    anchors.insert(n == 0 ? slug : slug + "-" + std::to_string(n));
  }
  return anchors;
}

struct Link {
  std::string where;   // "docs/x.md:12", for the failure message
  fs::path target;     // the file or folder linked to; the linking file for "#anchor"
  std::string anchor;  // without '#'; empty when none
};

bool is_external(const std::string& target) {
  return target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0 ||
         target.rfind("mailto:", 0) == 0;
}

// Relative Markdown links `[text](target)` and `[text](target#anchor)` of one file.
std::vector<Link> relative_links(const fs::path& file) {
  static const std::regex link(R"re(\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\))re");
  std::vector<Link> links;
  const auto lines = prose_lines(file);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string line = blank_code_spans(lines[i]);
    for (std::sregex_iterator it(line.begin(), line.end(), link), end; it != end; ++it) {
      const std::string target = (*it)[1].str();
      if (is_external(target)) continue;
      const auto hash = target.find('#');
      const std::string path = target.substr(0, hash);
      Link l;
      l.where = fs::relative(file, kRoot).string() + ":" + std::to_string(i + 1);
      l.target = path.empty() ? file : file.parent_path() / path;
      l.anchor = hash == std::string::npos ? "" : target.substr(hash + 1);
      links.push_back(l);
    }
  }
  return links;
}

// README.md and every docs/*.md.
std::vector<fs::path> manual_files() {
  std::vector<fs::path> files = {kRoot / "README.md"};
  for (const auto& e : fs::directory_iterator(kRoot / "docs"))
    if (e.is_regular_file() && e.path().extension() == ".md") files.push_back(e.path());
  return files;
}

std::vector<Link> manual_links() {
  std::vector<Link> links;
  for (const auto& f : manual_files())
    for (auto& l : relative_links(f)) links.push_back(l);
  return links;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "\n  " + l;
  return out;
}

// The README's "## Layout" section, up to the next second-level heading.
std::string readme_layout_section() {
  std::string section;
  bool inside = false;
  for (const auto& line : split_lines(read_file(kRoot / "README.md"))) {
    if (line.rfind("## ", 0) == 0) inside = line == "## Layout";
    if (inside) section += line + "\n";
  }
  return section;
}

bool names_folder(const std::string& text, const std::string& folder) {
  const std::string word = "src/" + folder;
  for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    const std::size_t after = at + word.size();
    if (after == text.size()) return true;
    const unsigned char c = text[after];
    if (!std::isalnum(c) && c != '_' && c != '-') return true;
  }
  return false;
}

TEST(DocsLinks, GithubSlugLowerCasesDashesSpacesAndDropsPunctuation) {
  EXPECT_EQ(github_slug("Exit codes"), "exit-codes");
  EXPECT_EQ(github_slug("`stickycheck run`"), "stickycheck-run");
  EXPECT_EQ(github_slug("Figures, checks and diagnosis"), "figures-checks-and-diagnosis");
  EXPECT_EQ(github_slug("keep_alive - per_request (2.4)"), "keep_alive---per_request-24");
}

TEST(DocsLinks, EveryRelativeLinkReachesAFileOrFolder) {
  const auto links = manual_links();
  std::vector<std::string> broken;
  for (const auto& l : links)
    if (!fs::exists(l.target))
      broken.push_back(l.where + ": " + fs::relative(l.target, kRoot).string() + " does not exist");
  EXPECT_FALSE(links.empty()) << "no relative link found: the scan itself is broken";
  EXPECT_TRUE(broken.empty()) << "broken links:" << joined(broken);
}

TEST(DocsLinks, EveryAnchorMatchesAHeadingOfItsTarget) {
  std::vector<std::string> broken;
  std::size_t anchors = 0;
  for (const auto& l : manual_links()) {
    if (l.anchor.empty() || !fs::is_regular_file(l.target)) continue;  // missing: test above
    ++anchors;
    const std::string shown = fs::relative(l.target, kRoot).string() + "#" + l.anchor;
    if (l.target.extension() != ".md")
      broken.push_back(l.where + ": " + shown + ": an anchor into a file that is not Markdown");
    else if (!heading_anchors(l.target).count(l.anchor))
      broken.push_back(l.where + ": " + shown + ": no heading has this anchor");
  }
  EXPECT_GT(anchors, 0u) << "no link with an anchor found: the scan itself is broken";
  EXPECT_TRUE(broken.empty()) << "broken anchors:" << joined(broken);
}

TEST(DocsLinks, ReadmeLayoutNamesEverySourceFolder) {
  const std::string layout = readme_layout_section();
  ASSERT_FALSE(layout.empty()) << "README.md has no '## Layout' section";
  std::vector<std::string> missing;
  std::size_t folders = 0;
  for (const auto& e : fs::directory_iterator(kRoot / "src")) {
    if (!e.is_directory()) continue;
    ++folders;
    const std::string name = e.path().filename().string();
    if (!names_folder(layout, name)) missing.push_back("src/" + name);
  }
  EXPECT_GT(folders, 0u);
  EXPECT_TRUE(missing.empty()) << "README.md's Layout does not name:" << joined(missing);
}

TEST(DocsLinks, ReadmeHasAtMost200Lines) {
  const auto lines = split_lines(read_file(kRoot / "README.md"));
  ASSERT_FALSE(lines.empty()) << "README.md is missing or empty";
  EXPECT_LE(lines.size(), kReadmeMaxLines)
      << "README.md is for a five-minute read; move the details to docs/";
}

}  // namespace
