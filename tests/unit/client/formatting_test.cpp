// The client CLI's pure parts: exit codes by status, error lines, tables,
// sizes, escaping of paths and queries.
#include <gtest/gtest.h>

#include <sstream>

#include "client/api_client.h"
#include "client/exit_codes.h"
#include "client/table.h"

namespace wasmfaas::client {
namespace {

TEST(ClientExitCodes, EachStatusHasItsCode) {
  EXPECT_EQ(exit_code_for_status(200), 0);
  EXPECT_EQ(exit_code_for_status(201), 0);
  EXPECT_EQ(exit_code_for_status(204), 0);
  EXPECT_EQ(exit_code_for_status(400), kExitInvalid);
  EXPECT_EQ(exit_code_for_status(401), kExitUnauthenticated);
  EXPECT_EQ(exit_code_for_status(403), kExitForbidden);
  EXPECT_EQ(exit_code_for_status(404), kExitNotFound);
  EXPECT_EQ(exit_code_for_status(405), kExitInvalid);
  EXPECT_EQ(exit_code_for_status(409), kExitConflict);
  EXPECT_EQ(exit_code_for_status(413), kExitInvalid);
  EXPECT_EQ(exit_code_for_status(422), kExitInvalid);
  EXPECT_EQ(exit_code_for_status(429), kExitServerError);
  EXPECT_EQ(exit_code_for_status(500), kExitServerError);
  EXPECT_EQ(exit_code_for_status(503), kExitServerError);
  EXPECT_EQ(exit_code_for_status(507), kExitServerError);
  // The numbers are the documented ones (docs/cli.md).
  EXPECT_EQ(kExitUsage, 1);
  EXPECT_EQ(kExitUnreachable, 2);
  EXPECT_EQ(kExitUnauthenticated, 3);
  EXPECT_EQ(kExitForbidden, 4);
  EXPECT_EQ(kExitNotFound, 5);
  EXPECT_EQ(kExitConflict, 6);
  EXPECT_EQ(kExitInvalid, 7);
  EXPECT_EQ(kExitServerError, 8);
  EXPECT_EQ(kExitInsecureProfile, 9);
}

TEST(ClientExitCodes, ErrorLineNamesMessageCodeAndStatus) {
  EXPECT_EQ(error_line(404, R"({"error":"no function 'f'","code":"function_not_found"})"),
            "error: no function 'f' (function_not_found, HTTP 404)");
  EXPECT_EQ(error_line(400, R"({"error":"bad"})"), "error: bad (HTTP 400)");
  EXPECT_EQ(error_line(502, "<html>Bad Gateway</html>\n"),
            "error: the server answered HTTP 502: <html>Bad Gateway</html>");
  EXPECT_EQ(error_line(503, ""), "error: the server answered HTTP 503");
}

TEST(ClientTable, ColumnsAlignWithoutTrailingBlanks) {
  Table table({"NAME", "SIZE", "NOTE"});
  table.add({"hello", "12 B", ""});
  table.add({"a", "1.5 KiB", "x"});
  std::ostringstream out;
  table.print(out);
  EXPECT_EQ(out.str(),
            "NAME   SIZE     NOTE\n"
            "hello  12 B\n"
            "a      1.5 KiB  x\n");
  EXPECT_EQ(table.size(), 2u);
}

TEST(ClientTable, HumanBytes) {
  EXPECT_EQ(human_bytes(0), "0 B");
  EXPECT_EQ(human_bytes(1023), "1023 B");
  EXPECT_EQ(human_bytes(1536), "1.5 KiB");
  EXPECT_EQ(human_bytes(18 * 1024 * 1024), "18.0 MiB");
  EXPECT_EQ(human_bytes(uint64_t{3} << 30), "3.0 GiB");
}

TEST(ClientEscaping, PathsKeepSlashesAndEscapeTheRest) {
  EXPECT_EQ(escape_segment("a b/c?d"), "a%20b%2Fc%3Fd");
  EXPECT_EQ(escape_path("dir/sub file/x.wasm"), "dir/sub%20file/x.wasm");
  EXPECT_EQ(escape_path("caf\xc3\xa9"), "caf%C3%A9");
  EXPECT_EQ(query_string({}), "");
  EXPECT_EQ(query_string({{"a", ""}, {"b", "1 2"}, {"c", "x&y"}}), "?b=1%202&c=x%26y");
}

}  // namespace
}  // namespace wasmfaas::client
