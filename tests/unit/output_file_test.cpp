// Report files: written whole or not at all, through a temporary file of their own that is
// never left behind and never written through a planted symlink.
#include "render/output_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "util/text.hpp"

namespace sc {
namespace {

namespace fs = std::filesystem;

// A fresh, empty directory for one test.
fs::path fresh_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("stickycheck-output-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), {}));
}

TEST(WriteFileAtomically, ReplacesTheFileAndLeavesNothingElse) {
  const auto dir = fresh_dir("replace");
  const std::string path = (dir / "report.json").string();
  std::ofstream(path) << "old";
  ASSERT_TRUE(write_file_atomically(path, "new").ok());
  EXPECT_EQ(read_text_file(path), "new");
  EXPECT_EQ(entries(dir), 1u);
}

TEST(WriteFileAtomically, DirectoryTargetIsAnErrorAndLeavesNoTemporaryFile) {
  const auto dir = fresh_dir("dir-target");
  fs::create_directory(dir / "report.json");
  const auto st = write_file_atomically((dir / "report.json").string(), "x");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("is a directory"), std::string::npos) << st.error().message;
  EXPECT_EQ(entries(dir), 1u);
}

TEST(WriteFileAtomically, SymlinkPlantedAtTheOldTemporaryNameIsNotWrittenThrough) {
  const auto dir = fresh_dir("symlink");
  const std::string path = (dir / "report.json").string(), victim = (dir / "victim").string();
  std::ofstream(victim) << "precious";
  fs::create_symlink(victim, path + ".tmp");
  ASSERT_TRUE(write_file_atomically(path, "report").ok());
  EXPECT_EQ(read_text_file(victim), "precious");
  EXPECT_EQ(read_text_file(path), "report");
}

TEST(CheckOutputPath, AcceptsAWritableDirectoryAndLeavesNothingThere) {
  const auto dir = fresh_dir("check-ok");
  EXPECT_TRUE(check_output_path((dir / "report.json").string()).ok());
  EXPECT_EQ(entries(dir), 0u);
}

TEST(CheckOutputPath, RejectsADirectoryAMissingDirectoryAndOneThatCannotHoldFiles) {
  const auto dir = fresh_dir("check-bad");
  EXPECT_EQ(check_output_path(dir.string()).error().message, dir.string() + " is a directory");
  EXPECT_EQ(check_output_path((dir / "no" / "r.json").string()).error().message,
            "cannot write " + (dir / "no" / "r.json").string() + ": there is no directory " +
                (dir / "no").string());
  // Not even root creates files in /proc.
  EXPECT_FALSE(check_output_path("/proc/stickycheck-report.json").ok());
}

}  // namespace
}  // namespace sc
