// Runs a fuzz target's LLVMFuzzerTestOneInput on every file of the folders given, so that the
// corpus and every crash reproducer found by `npm run fuzz` stay regression tests in CTest,
// built with the ordinary compiler and no sanitizer runtime.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  int files = 0;
  for (int a = 1; a < argc; ++a) {
    if (!std::filesystem::is_directory(argv[a])) {
      std::fprintf(stderr, "replay: %s is not a folder\n", argv[a]);
      return 2;
    }
    for (const auto& entry : std::filesystem::directory_iterator(argv[a])) {
      if (!entry.is_regular_file() || entry.path().filename().string()[0] == '.') continue;
      std::ifstream in(entry.path(), std::ios::binary);
      const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      ++files;
    }
  }
  std::printf("replay: %d inputs, no crash\n", files);
  return files > 0 ? 0 : 1;  // an empty corpus would make this test vacuous
}
